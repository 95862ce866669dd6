// One case: who it is, its status (changeable), the records of every interview and session
// with their sync state, and buttons to start the next record.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/native_text.hpp"
#include "kiosk/ui/widgets/panes.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/sync_badge.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

// The forms a counsellor starts from a case, in the order an interview usually goes.
constexpr const char* kCaseForms[] = {"intake", "counselling", "reintegration", "consent"};

class CaseScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_header(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c);
  void draw_timeline(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c);
  void draw_new_record(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c);
  void draw_conflicts(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c);
  void draw_value(Ui& ui, const std::string& value, const std::string& who);
  bool changing_status_ = false;
  widgets::NativeText native_;
};

void CaseScreen::draw(Ui& ui) {
  const vm::Workspace* ws = ui.view.workspace;
  if (!ws || !ws->current_case()) {
    widgets::staff_bar(ui, "Case", true);
    widgets::message(ui, "No case is open.", true);
    return;
  }
  const vm::CaseDetail& c = *ws->current_case();
  const std::string title = "Case " + c.summary.case_number;
  widgets::staff_bar(ui, title.c_str(), true);
  widgets::message(ui, ws->notice(), ws->notice_is_error());
  const Theme& t = ui.theme;
  const widgets::TwoPanes panes = widgets::two_panes(ImGui::GetContentRegionAvail(), t.gap(), 0.42f, 0.35f);
  ImGui::BeginChild("##case_header", panes.first, true);
  draw_header(ui, *ws, c);
  ImGui::EndChild();
  widgets::next_pane(panes, t.gap());
  ImGui::BeginChild("##case_timeline", panes.second, true);
  draw_timeline(ui, *ws, c);
  ImGui::EndChild();
  native_.end_frame();
}

void CaseScreen::draw_header(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c) {
  const Theme& t = ui.theme;
  widgets::heading(ui, c.summary.display_name().c_str());
  widgets::sync_badge(ui, c.summary.sync);
  ImGui::Dummy(ImVec2(0, t.px(4)));
  if (ImGui::BeginTable("##header_fields", 2, ImGuiTableFlags_None)) {
    // As wide as the longest label: a fixed width ran "Responsible counsellor" into its value.
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const auto& line : ws.describe("case", c.header)) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushStyleColor(ImGuiCol_Text, t.colors().text_muted);
      ImGui::TextUnformatted(line.label.c_str());  // wrapped text cannot size an auto-fit column
      ImGui::PopStyleColor();
      ImGui::TableSetColumnIndex(1);
      native_.draw(ui, line.value);
    }
    ImGui::EndTable();
  }
  ImGui::Dummy(ImVec2(0, t.gap()));
  ImGui::Separator();
  const std::string status = "Status: " + ws.status_label(c.summary.status);
  widgets::heading(ui, status.c_str());
  if (!changing_status_) {
    if (widgets::button(ui, "Change status###change_status")) changing_status_ = true;
    // Beside it on a stacked (portrait) page, where the header pane is wide and short.
    if (t.narrow()) ImGui::SameLine(0, t.gap());
    if (widgets::button(ui, "Edit case details###edit_case")) ui.emit(OpenForm{"case", c.summary.id, c.summary.id});
    return;
  }
  widgets::caption(ui, "Tap the new status. The change is saved and synced at once.");
  for (const auto& option : ws.case_statuses()) {
    const std::string label = option.label + "###set_status_" + option.value;
    if (widgets::toggle(ui, label.c_str(), option.value == c.summary.status, -1.0f)) {
      if (option.value != c.summary.status) ui.emit(ChangeCaseStatus{c.summary.id, option.value});
      changing_status_ = false;
    }
  }
  if (widgets::button(ui, "Cancel###cancel_status", -1.0f)) changing_status_ = false;
}

void CaseScreen::draw_timeline(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c) {
  const Theme& t = ui.theme;
  draw_new_record(ui, ws, c);
  draw_conflicts(ui, ws, c);
  ImGui::Dummy(ImVec2(0, t.px(8)));
  widgets::heading(ui, "Timeline");
  if (c.timeline.empty()) {
    widgets::caption(ui, "No interviews or sessions recorded yet.");
    return;
  }
  // Narrow: who wrote a record goes under its title, so the title keeps room for its words.
  const bool narrow = t.narrow();
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("##timeline", narrow ? 3 : 4, flags, ImVec2(-1, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupColumn("When", ImGuiTableColumnFlags_WidthFixed, t.px(250));
  ImGui::TableSetupColumn("Record", ImGuiTableColumnFlags_WidthStretch);
  if (!narrow) ImGui::TableSetupColumn("By", ImGuiTableColumnFlags_WidthFixed, t.px(220));
  ImGui::TableSetupColumn("Sync", ImGuiTableColumnFlags_WidthFixed, t.px(narrow ? 230 : 250));
  const float row_h = narrow ? t.touch() + t.px(40) : t.touch();
  for (const auto& e : c.timeline) {
    ImGui::TableNextRow(ImGuiTableRowFlags_None, row_h);
    ImGui::TableSetColumnIndex(0);
    const std::string label = e.when + "###record_" + e.record_id;
    // Sized so the selectable's reach (half the item spacing each way) ends where the row does.
    const float target_h = row_h - ImGui::GetStyle().ItemSpacing.y;
    if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, target_h)))
      ui.emit(OpenForm{e.kind, c.summary.id, e.record_id});
    widgets::log_item(ui, label.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(ws.form_title(e.kind).c_str());
    if (narrow) {
      ImGui::PushFont(t.fonts().small);
      ImGui::PushStyleColor(ImGuiCol_Text, t.colors().text_muted);
      ImGui::TextUnformatted(("by " + e.author).c_str());
      ImGui::PopStyleColor();
      ImGui::PopFont();
    }
    if (!e.quarantine_reason.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, t.colors().danger);
      ImGui::PushFont(t.fonts().small);
      ImGui::TextWrapped("Server: %s", e.quarantine_reason.c_str());
      ImGui::PopFont();
      ImGui::PopStyleColor();
    }
    if (!narrow) {
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(e.author.c_str());
    }
    ImGui::TableSetColumnIndex(narrow ? 2 : 3);
    widgets::sync_badge(ui, e.sync);
  }
  ImGui::EndTable();
}

// A button per form, four across when their labels fit and two across when not (portrait).
void CaseScreen::draw_new_record(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c) {
  const Theme& t = ui.theme;
  widgets::heading(ui, "New record");
  float widest = 0;
  for (const char* form_id : kCaseForms)
    if (ws.has_form(form_id)) widest = std::max(widest, ImGui::CalcTextSize(ws.form_title(form_id).c_str()).x);
  const float avail = ImGui::GetContentRegionAvail().x;
  const int across = (avail - 3 * t.gap()) / 4 >= widest + ImGui::GetStyle().FramePadding.x * 3 ? 4 : 2;
  const float w = (avail - static_cast<float>(across - 1) * t.gap()) / static_cast<float>(across);
  int placed = 0;
  for (const char* form_id : kCaseForms) {
    if (!ws.has_form(form_id)) continue;
    if (placed % across != 0) ImGui::SameLine(0, t.gap());
    ++placed;
    const std::string label = ws.form_title(form_id) + "###new_" + form_id;
    if (widgets::button(ui, label.c_str(), w, widgets::Tone::Primary)) ui.emit(OpenForm{form_id, c.summary.id, ""});
  }
}

// A conflict's value (in any script) and, below it, who wrote it and when.
void CaseScreen::draw_value(Ui& ui, const std::string& value, const std::string& who) {
  native_.draw(ui, value);
  widgets::log_item(ui, value.c_str());
  widgets::caption(ui, who.c_str());
  widgets::log_item(ui, who.c_str());
}

// Edits made on this kiosk that a later edit from elsewhere replaced: what is kept, what was
// lost, who and when, and a button that writes the lost value back as a new edit.
void CaseScreen::draw_conflicts(Ui& ui, const vm::Workspace& ws, const vm::CaseDetail& c) {
  if (c.conflicts.empty()) return;
  const Theme& t = ui.theme;
  ImGui::Dummy(ImVec2(0, t.px(8)));
  widgets::heading(ui, "Edits replaced by later ones");
  widgets::log_item(ui, "Edits replaced by later ones");
  widgets::caption(ui, "An edit made here was replaced by a later edit from another kiosk. Check which value is right.");
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
  // Narrow: the action goes under the lost value instead of a column of its own.
  const bool narrow = t.narrow();
  if (!ImGui::BeginTable("##conflicts", narrow ? 3 : 4, flags)) return;
  ImGui::TableSetupColumn("Answer", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Kept", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("Lost", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  if (!narrow) ImGui::TableSetupColumn("Action", ImGuiTableColumnFlags_WidthFixed, t.px(260));
  ImGui::TableHeadersRow();
  for (const auto& k : c.conflicts) {
    ImGui::TableNextRow(ImGuiTableRowFlags_None, t.touch());
    ImGui::TableSetColumnIndex(0);
    ImGui::TextWrapped("%s", (ws.form_title(k.kind) + ": " + k.field).c_str());
    ImGui::TableSetColumnIndex(1);
    draw_value(ui, k.value_kept, "by " + k.kept_by + ", " + k.kept_when);
    ImGui::TableSetColumnIndex(2);
    draw_value(ui, k.value_lost, "by this kiosk, " + k.lost_when);
    if (!narrow) ImGui::TableSetColumnIndex(3);
    if (k.resolved) {
      widgets::caption(ui, "Dealt with");
      widgets::log_item(ui, "Dealt with");
      continue;
    }
    const std::string label = "Restore this value###restore_" + std::to_string(k.seq);
    if (widgets::button(ui, label.c_str(), -1.0f)) ui.emit(RestoreConflict{k.seq});
  }
  ImGui::EndTable();
}

}  // namespace

std::unique_ptr<Screen> make_case_screen() { return std::make_unique<CaseScreen>(); }

}  // namespace ws::kiosk::ui
