// A form being filled: page tabs on top, the page's questions in the middle, and Back / Next /
// Save / Close always in the same place at the bottom (thumbs find them without looking).
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/form_renderer.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

class FormScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_pages(Ui& ui, const vm::FormEditor& editor);
  void draw_status(Ui& ui, const vm::Workspace& ws, const vm::FormEditor& editor);
  void draw_footer(Ui& ui, const vm::FormEditor& editor);
  widgets::FormRenderer renderer_;
  std::size_t shown_page_ = static_cast<std::size_t>(-1);
  float status_height_ = 0.0f;  // the message box under the tabs, once shown
};

void FormScreen::draw(Ui& ui) {
  const vm::Workspace* ws = ui.view.workspace;
  const vm::FormEditor* editor = ws ? ws->form() : nullptr;
  if (!editor) {
    widgets::staff_bar(ui, "Form", true);
    widgets::message(ui, "No form is open.", true);
    return;
  }
  const forms::FormSession& s = editor->session();
  std::string title = ws->form_title(editor->form_id());
  if (ws->current_case() && editor->case_id() == ws->current_case()->summary.id)
    title += " \xc2\xb7 " + ws->current_case()->summary.case_number;
  if (!editor->is_new()) title += " (editing)";
  widgets::staff_bar(ui, title.c_str(), false);

  draw_pages(ui, *editor);
  draw_status(ui, *ws, *editor);

  const Theme& t = ui.theme;
  // Narrow: the four footer buttons in two rows (Previous / Next above Close / Save), as four
  // across cut their labels off.
  const float footer = (t.narrow() ? 2 * t.touch() + ImGui::GetStyle().ItemSpacing.y : t.touch()) + t.px(24);
  ImGui::BeginChild("##form_page", ImVec2(-1, ImGui::GetContentRegionAvail().y - footer), true);
  if (shown_page_ != s.page_index()) {
    ImGui::SetScrollY(0.0f);  // a new page starts at its first question
    shown_page_ = s.page_index();
  }
  ImGui::PushTextWrapPos(0.0f);
  renderer_.draw_page(ui, s, "en");
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  draw_footer(ui, *editor);
}

// The messages about the form sit in a box under the tabs that never shrinks, so the questions
// below do not move when a message goes or gets shorter; it grows only when a longer message
// comes (after Next or Save, when the page changes anyway). A red bar marks it at a glance.
void FormScreen::draw_status(Ui& ui, const vm::Workspace& ws, const vm::FormEditor& editor) {
  const forms::FormSession& s = editor.session();
  std::string text;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!text.empty()) text += " ";
    text += part;
  };
  if (editor.needs_attention()) add("Some answers need attention before saving.");
  if (const auto n = s.errors().size(); n > 0)
    add(std::to_string(n) + (n == 1 ? " answer on this page needs attention." : " answers on this page need attention."));
  add(editor.refusal());
  if (ws.notice_is_error()) add(ws.notice());
  if (text.empty() && status_height_ <= 0) return;
  const Theme& t = ui.theme;
  const float bar = t.px(6), indent = t.px(22), pad = t.px(10);
  const float text_h = text.empty() ? 0.0f
                                    : ImGui::CalcTextSize(text.c_str(), nullptr, false,
                                                          ImGui::GetContentRegionAvail().x - indent).y;
  status_height_ = std::max(status_height_, text_h + 2 * pad);
  ImGui::Dummy(ImVec2(0, t.px(2)));  // air between the tabs and the message
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::BeginChild("##form_status", ImVec2(-1, status_height_), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
  if (!text.empty()) {
    ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + bar, pos.y + status_height_),
                                              ImGui::ColorConvertFloat4ToU32(t.colors().danger), bar / 2);
    ImGui::SetCursorPos(ImVec2(indent, (status_height_ - text_h) / 2));
    ImGui::PushStyleColor(ImGuiCol_Text, t.colors().danger);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
  if (!text.empty()) widgets::log_item(ui, "##form_status");
}

void FormScreen::draw_pages(Ui& ui, const vm::FormEditor& editor) {
  const forms::FormSession& s = editor.session();
  if (s.page_count() < 2) return;
  const auto& marked = editor.pages_with_errors();
  bool first = true;
  const float right_edge = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
  for (std::size_t i = 0; i < s.page_count(); ++i) {
    if (!s.page_is_visible(i)) continue;
    // A page with errors says so on its tab (once a save or Next was refused).
    const bool has_errors = std::find(marked.begin(), marked.end(), i) != marked.end();
    char label[220];
    std::snprintf(label, sizeof label, "%s%zu. %s###page%zu", has_errors ? "\xe2\x9c\x97 " : "", i + 1,
                  std::string(s.definition().pages[i].title_for("en").text).c_str(), i);
    if (!first) {
      // Many pages wrap onto a second row rather than run off the screen.
      ImGui::SameLine(0, ui.theme.px(8));
      const float w = ImGui::CalcTextSize(widgets::visible_label(label).c_str()).x + ImGui::GetStyle().FramePadding.x * 3;
      if (ImGui::GetCursorPosX() + w > right_edge) ImGui::NewLine();
    }
    first = false;
    if (has_errors) ImGui::PushStyleColor(ImGuiCol_Border, ui.theme.colors().danger);
    const bool tapped = widgets::toggle(ui, label, i == s.page_index());
    if (has_errors) {
      ImGui::PopStyleColor();
      // A red bar under the tab: seen at a glance, without reading the labels.
      const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(min.x, max.y - ui.theme.px(6)), max,
                                                ImGui::ColorConvertFloat4ToU32(ui.theme.colors().danger), ui.theme.px(4));
    }
    if (tapped && i != s.page_index()) ui.emit(GoToPage{static_cast<int>(i)});
  }
}

void FormScreen::draw_footer(Ui& ui, const vm::FormEditor& editor) {
  const Theme& t = ui.theme;
  const forms::FormSession& s = editor.session();
  const bool narrow = t.narrow();
  const int across = narrow ? 2 : 4;
  const float w = (ImGui::GetContentRegionAvail().x - static_cast<float>(across - 1) * t.gap()) / static_cast<float>(across);
  auto close = [&] {
    if (widgets::button(ui, "Close (keep draft)###close_form", w)) ui.emit(CloseForm{});
  };
  auto save = [&] {
    // Saving is always possible: the session checks every page and shows the first bad one.
    if (widgets::button(ui, "Save###save_form", w, s.is_last_page() ? widgets::Tone::Primary : widgets::Tone::Neutral))
      ui.emit(SaveForm{});
  };
  if (!narrow) {
    close();
    ImGui::SameLine(0, t.gap());
  }
  ImGui::BeginDisabled(s.is_first_page());
  if (widgets::button(ui, "\xe2\x86\x90 Previous###previous_page", w)) ui.emit(PreviousPage{});
  ImGui::EndDisabled();
  ImGui::SameLine(0, t.gap());
  ImGui::BeginDisabled(s.is_last_page());
  if (widgets::button(ui, "Next \xe2\x86\x92###next_page", w, widgets::Tone::Primary)) ui.emit(NextPage{});
  ImGui::EndDisabled();
  if (narrow) close();
  ImGui::SameLine(0, t.gap());
  save();
}

}  // namespace

std::unique_ptr<Screen> make_form_screen() { return std::make_unique<FormScreen>(); }

}  // namespace ws::kiosk::ui
