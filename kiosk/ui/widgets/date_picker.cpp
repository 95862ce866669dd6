#include "kiosk/ui/widgets/date_picker.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include <imgui.h>

#include "kiosk/ui/widgets/touch.hpp"
#include "ws/forms/date.hpp"

namespace ws::kiosk::ui::widgets {
namespace {

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kWeekdays[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

int first_weekday(int year, int month) {
  // Sakamoto's method: 0 = Sunday; shifted so the week starts on Monday, as in Norway.
  static constexpr int kOffsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  int y = year - (month < 3 ? 1 : 0);
  const int sunday_based = (y + y / 4 - y / 100 + y / 400 + kOffsets[month - 1] + 1) % 7;
  return (sunday_based + 6) % 7;
}

void DatePicker::open(const std::string& current, const std::string& today) {
  auto d = forms::parse_date(current);
  if (!d) d = forms::parse_date(today);
  year_ = d ? d->year : 2000;
  month_ = d ? d->month : 1;
  open_ = true;
  scroll_into_view_ = true;
}

void DatePicker::move_months(int delta) {
  int index = year_ * 12 + (month_ - 1) + delta;
  index = std::clamp(index, 1000 * 12, 9999 * 12 + 11);
  year_ = index / 12;
  month_ = index % 12 + 1;
}

void DatePicker::draw_header(Ui& ui, const std::string& id) {
  const Theme& t = ui.theme;
  const float w = t.touch() * 1.5f;
  auto step = [&](const char* text, const char* key, int months) {
    const std::string label = std::string(text) + "###" + id + key;
    if (button(ui, label.c_str(), w)) move_months(months);
    ImGui::SameLine(0, t.px(8));
  };
  step("-10", "_y10m", -120);
  step("-1", "_y1m", -12);
  char year[16];
  std::snprintf(year, sizeof year, "%d", year_);
  ImGui::AlignTextToFramePadding();
  ImGui::PushFont(t.fonts().heading);
  ImGui::TextUnformatted(year);
  ImGui::PopFont();
  ImGui::SameLine(0, t.px(8));
  step("+1", "_y1p", 12);
  step("+10", "_y10p", 120);
  ImGui::NewLine();
  step("\xe2\x86\x90", "_mm", -1);  // ←
  ImGui::AlignTextToFramePadding();
  const float month_w = ImGui::CalcTextSize("September").x;
  const float x = ImGui::GetCursorPosX();
  ImGui::TextUnformatted(kMonths[month_ - 1]);
  ImGui::SameLine();
  ImGui::SetCursorPosX(x + month_w + t.px(8));
  step("\xe2\x86\x92", "_mp", 1);  // →
  ImGui::NewLine();
}

std::optional<std::string> DatePicker::draw(Ui& ui, const std::string& id) {
  if (!open_) return std::nullopt;
  const Theme& t = ui.theme;
  std::optional<std::string> chosen;
  ImGui::BeginGroup();
  draw_header(ui, id);
  const float cell = t.touch();
  const float gap = t.px(6);
  const float start = ImGui::GetCursorPosX();
  ImGui::PushFont(t.fonts().small);
  for (int i = 0; i < 7; ++i) {
    if (i > 0) {
      ImGui::SameLine();
      ImGui::SetCursorPosX(start + static_cast<float>(i) * (cell + gap) + t.px(8));
    }
    ImGui::TextUnformatted(kWeekdays[i]);
  }
  ImGui::PopFont();
  const int offset = first_weekday(year_, month_);
  const int days = days_in_month(year_, month_);
  for (int day = 1; day <= days; ++day) {
    const int column = (offset + day - 1) % 7;
    if (day == 1 && column > 0) {
      ImGui::Dummy(ImVec2(static_cast<float>(column) * (cell + gap) - gap, cell));
      ImGui::SameLine(0, gap);
    } else if (column > 0) {
      ImGui::SameLine(0, gap);
    }
    char label[64];
    std::snprintf(label, sizeof label, "%d###%s_day%d", day, id.c_str(), day);
    if (button(ui, label, cell)) chosen = forms::Date{year_, month_, day}.to_string();
  }
  const std::string close_label = "Close calendar###" + id + "_close";
  if (button(ui, close_label.c_str())) open_ = false;
  ImGui::EndGroup();
  // Just opened under a field low on the page: scroll so the whole month is in reach.
  if (std::exchange(scroll_into_view_, false)) ImGui::SetScrollHereY(1.0f);
  if (chosen) open_ = false;
  return chosen;
}

}  // namespace ws::kiosk::ui::widgets
