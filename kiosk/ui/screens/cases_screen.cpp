// The case list: search by name, case number or date; filter by status and counsellor; tap a
// row to open the case. Also where a draft left after an idle lock is offered back.
#include <cstdio>
#include <string>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/sync_badge.hpp"
#include "kiosk/ui/widgets/text_input.hpp"
#include "kiosk/ui/widgets/active_field.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

class CasesScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_filters(Ui& ui, const vm::Workspace& ws);
  void draw_draft_banner(Ui& ui, const vm::Workspace& ws);
  void draw_table(Ui& ui, const vm::Workspace& ws);
  float row_target(Ui& ui, const vm::CaseSummary& c, float row_h);
  void draw_row(Ui& ui, const vm::Workspace& ws, const vm::CaseSummary& c);
  void draw_two_line_row(Ui& ui, const vm::Workspace& ws, const vm::CaseSummary& c);
  static void second_line(Ui& ui, const std::string& text);
  static const char* counsellor_of(const vm::CaseSummary& c) {
    return c.counsellor_name.empty() ? "\xe2\x80\x94" : c.counsellor_name.c_str();
  }
  void emit_filter(Ui& ui) { ui.emit(SetCaseFilter{query_, status_, counsellor_}); }

  bool initialised_ = false;
  std::string query_;
  std::string status_;
  std::string counsellor_;
};

void CasesScreen::draw(Ui& ui) {
  const vm::Workspace* ws = ui.view.workspace;
  widgets::staff_bar(ui, "Cases", false);
  if (!ws) return;
  if (!initialised_) {  // start from the workspace's filter (e.g. coming back from a case)
    query_ = ws->filter().query;
    status_ = ws->filter().status;
    counsellor_ = ws->filter().counsellor;
    initialised_ = true;
  }
  draw_draft_banner(ui, *ws);
  draw_filters(ui, *ws);
  widgets::message(ui, ws->notice(), ws->notice_is_error());
  draw_table(ui, *ws);
}

void CasesScreen::draw_draft_banner(Ui& ui, const vm::Workspace& ws) {
  const auto& draft = ws.pending_draft();
  if (!draft) return;
  const Theme& t = ui.theme;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1.0f, 0.95f, 0.80f, 1.0f));
  ImGui::BeginChild("##draft", ImVec2(-1, t.touch() + t.px(40)), true);
  ImGui::AlignTextToFramePadding();
  const std::string text = "You have unsaved answers: " + ws.form_title(draft->form_id) + ".";
  ImGui::TextUnformatted(text.c_str());
  ImGui::SameLine();
  if (widgets::button(ui, "Resume###resume_draft", 0.0f, widgets::Tone::Primary)) ui.emit(ResumeDraft{});
  ImGui::SameLine();
  if (widgets::button(ui, "Discard###discard_draft")) ui.emit(DiscardDraft{});
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void CasesScreen::draw_filters(Ui& ui, const vm::Workspace& ws) {
  const Theme& t = ui.theme;
  // The inbox button carries the badge: how many requests nobody has taken up yet.
  const std::size_t fresh = ws.new_requests();
  const std::string inbox_label =
      (fresh > 0 ? "Requests \xc2\xb7 " + std::to_string(fresh) + " new" : std::string("Requests")) + "###open_inbox";
  // Wide: [search ...] [Requests] [+ New case] on one row. Narrow: the search has the row to
  // itself and the two buttons share the next one.
  const bool narrow = t.narrow();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float new_case_w = narrow ? (avail - t.gap()) / 2 : t.px(260);
  const float inbox_w = narrow ? new_case_w
                               : ImGui::CalcTextSize(widgets::visible_label(inbox_label.c_str()).c_str()).x +
                                     ImGui::GetStyle().FramePadding.x * 3;
  widgets::TextInputOptions search;
  search.width = narrow ? avail : avail - new_case_w - inbox_w - 2 * t.gap();
  search.hint = "Search name, case number or date (2024-05)";
  if (widgets::text_input(ui, "##search", query_, search)) emit_filter(ui);
  widgets::log_item(ui, "##search");
  if (!narrow) ImGui::SameLine(0, t.gap());
  if (widgets::button(ui, inbox_label.c_str(), inbox_w, fresh > 0 ? widgets::Tone::Danger : widgets::Tone::Neutral))
    ui.emit(Navigate{"inbox", ""});
  ImGui::SameLine(0, t.gap());
  if (widgets::button(ui, "+ New case###new_case", new_case_w, widgets::Tone::Primary)) ui.emit(NewCase{});

  widgets::row_label(ui, "Status");
  if (widgets::toggle(ui, "Any###status_any", status_.empty())) {
    status_.clear();
    emit_filter(ui);
  }
  for (const auto& option : ws.case_statuses()) {
    ImGui::SameLine();
    // Wrap to the next line when the toggle would not fit.
    const float w = ImGui::CalcTextSize(option.label.c_str()).x + ImGui::GetStyle().FramePadding.x * 3;
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    const std::string label = option.label + "###status_" + option.value;
    if (widgets::toggle(ui, label.c_str(), status_ == option.value)) {
      status_ = status_ == option.value ? "" : option.value;
      emit_filter(ui);
    }
  }
  widgets::row_label(ui, "Counsellor");
  if (widgets::toggle(ui, "Anyone###counsellor_any", counsellor_.empty())) {
    counsellor_.clear();
    emit_filter(ui);
  }
  ImGui::SameLine();
  const std::string me = ws.session().counsellor() ? ws.session().counsellor()->id : "";
  if (widgets::toggle(ui, "My cases###counsellor_me", !me.empty() && counsellor_ == me)) {
    counsellor_ = counsellor_ == me ? "" : me;
    emit_filter(ui);
  }
}

void CasesScreen::draw_table(Ui& ui, const vm::Workspace& ws) {
  const Theme& t = ui.theme;
  const auto& cases = ws.cases();
  char count[96];
  std::snprintf(count, sizeof count, "%zu of %zu cases", cases.size(), ws.total_cases());
  widgets::caption(ui, count);
  if (cases.empty()) {
    widgets::message(ui, ws.total_cases() == 0 ? "No cases on this kiosk yet." : "No case matches the search.", false);
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersOuter;
  // Narrow: three columns with two lines a row (date under the number; status and counsellor
  // under the name), so no column is squeezed until its text is cut off.
  const bool narrow = t.narrow();
  if (!ImGui::BeginTable("##cases", narrow ? 3 : 6, flags, ImVec2(-1, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  if (narrow) {
    ImGui::TableSetupColumn("Case \xc2\xb7 updated", ImGuiTableColumnFlags_WidthFixed, t.px(300));
    ImGui::TableSetupColumn("Name \xc2\xb7 status \xc2\xb7 counsellor", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Sync", ImGuiTableColumnFlags_WidthFixed, t.px(230));
  } else {
    ImGui::TableSetupColumn("Case", ImGuiTableColumnFlags_WidthFixed, t.px(300));
    ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, t.px(260));
    ImGui::TableSetupColumn("Counsellor", ImGuiTableColumnFlags_WidthFixed, t.px(260));
    ImGui::TableSetupColumn("Updated", ImGuiTableColumnFlags_WidthFixed, t.px(180));
    ImGui::TableSetupColumn("Sync", ImGuiTableColumnFlags_WidthFixed, t.px(260));
  }
  ImGui::TableHeadersRow();
  for (const auto& c : cases) {
    if (narrow) draw_two_line_row(ui, ws, c);
    else draw_row(ui, ws, c);
  }
  ImGui::EndTable();
}

// One selectable spans the row: the whole row is the touch target. The id comes from the
// record id, so selection and scroll stay put when the list is re-sorted. Returns the y where
// the row's first line starts.
float CasesScreen::row_target(Ui& ui, const vm::CaseSummary& c, float row_h) {
  ImGui::TableNextRow(ImGuiTableRowFlags_None, row_h);
  ImGui::TableSetColumnIndex(0);
  const float top = ImGui::GetCursorPosY();
  const std::string label = c.case_number + "###case_" + c.id;
  // A selectable reaches half the item spacing above and below its size: sized so, rows touch
  // and never share a strip that one tap could mean for either.
  const float target_h = row_h - ImGui::GetStyle().ItemSpacing.y;
  if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, target_h)))
    ui.emit(OpenCase{c.id});
  widgets::log_item(ui, label.c_str());
  return top;
}

void CasesScreen::draw_row(Ui& ui, const vm::Workspace& ws, const vm::CaseSummary& c) {
  const float row_h = ui.theme.touch() + ui.theme.px(8);
  row_target(ui, c, row_h);
  ImGui::TableSetColumnIndex(1);
  ImGui::TextUnformatted(c.display_name().c_str());
  ImGui::TableSetColumnIndex(2);
  ImGui::TextUnformatted(ws.status_label(c.status).c_str());
  ImGui::TableSetColumnIndex(3);
  ImGui::TextUnformatted(counsellor_of(c));
  ImGui::TableSetColumnIndex(4);
  ImGui::TextUnformatted(c.updated_on.c_str());
  ImGui::TableSetColumnIndex(5);
  widgets::sync_badge(ui, c.sync);
}

void CasesScreen::draw_two_line_row(Ui& ui, const vm::Workspace& ws, const vm::CaseSummary& c) {
  const Theme& t = ui.theme;
  const float row_h = t.touch() + t.px(40);
  const float top = row_target(ui, c, row_h);
  // The selectable drew the number and spans the row; the date goes right under the number.
  ImGui::SetCursorPosY(top + ImGui::GetTextLineHeightWithSpacing());
  second_line(ui, c.updated_on);
  ImGui::TableSetColumnIndex(1);
  ImGui::TextUnformatted(c.display_name().c_str());
  second_line(ui, ws.status_label(c.status) + " \xc2\xb7 " + counsellor_of(c));
  ImGui::TableSetColumnIndex(2);
  widgets::sync_badge(ui, c.sync);
}

void CasesScreen::second_line(Ui& ui, const std::string& text) {
  ImGui::PushFont(ui.theme.fonts().small);
  ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.colors().text_muted);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

}  // namespace

std::unique_ptr<Screen> make_cases_screen() { return std::make_unique<CasesScreen>(); }

}  // namespace ws::kiosk::ui
