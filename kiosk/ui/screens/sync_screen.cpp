// The sync panel: online or not, what waits to be sent, what the server refused and why, a
// progress bar while a round runs, and "Sync now".
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/panes.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

class SyncScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_status(Ui& ui, const vm::Workspace& ws);
  void draw_quarantine(Ui& ui, const vm::Workspace& ws);
  void draw_outcome(Ui& ui, const vm::Workspace& ws);
};

void SyncScreen::draw(Ui& ui) {
  widgets::staff_bar(ui, "Sync", true);
  const vm::Workspace* ws = ui.view.workspace;
  if (!ws) return;
  const Theme& t = ui.theme;
  const widgets::TwoPanes panes = widgets::two_panes(ImGui::GetContentRegionAvail(), t.gap(), 0.45f, 0.4f);
  ImGui::BeginChild("##sync_status", panes.first, true);
  draw_status(ui, *ws);
  ImGui::EndChild();
  widgets::next_pane(panes, t.gap());
  ImGui::BeginChild("##sync_quarantine", panes.second, true);
  draw_quarantine(ui, *ws);
  ImGui::EndChild();
}

void SyncScreen::draw_status(Ui& ui, const vm::Workspace& ws) {
  const Theme& t = ui.theme;
  const vm::SyncPanel& panel = ws.sync();
  const SyncStatus& s = panel.status;
  const ImVec4 colour = !s.enrolled ? t.colors().text_muted
                        : s.syncing ? t.colors().primary
                        : s.online  ? t.colors().success
                                    : t.colors().danger;
  // A coloured disc before the headline, so the state reads at a glance from across the room.
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::PushFont(t.fonts().huge);
  const float r = ImGui::GetFontSize() * 0.3f;
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(pos.x + r, pos.y + ImGui::GetFontSize() * 0.55f), r,
                                              ImGui::ColorConvertFloat4ToU32(colour));
  ImGui::SetCursorScreenPos(ImVec2(pos.x + r * 2 + t.px(16), pos.y));
  ImGui::TextUnformatted(panel.headline().c_str());
  ImGui::PopFont();

  if (auto progress = panel.progress()) {
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%lld of %lld sent", static_cast<long long>(s.progress_sent),
                  static_cast<long long>(s.progress_total));
    ImGui::ProgressBar(*progress, ImVec2(-1, t.touch()), overlay);
  } else if (s.syncing) {
    ImGui::ProgressBar(0.0f, ImVec2(-1, t.touch()), "Contacting the server\xe2\x80\xa6");
  }

  auto line = [&](const char* label, const std::string& value) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.colors().text_muted);
    ImGui::TextUnformatted(label);
    ImGui::PopStyleColor();
    ImGui::SameLine(t.px(360));
    ImGui::TextWrapped("%s", value.c_str());
  };
  ImGui::Dummy(ImVec2(0, t.px(8)));
  line("Waiting to send", std::to_string(s.pending) + (s.pending == 1 ? " record" : " records"));
  line("Refused by server", std::to_string(s.quarantined) + (s.quarantined == 1 ? " record" : " records"));
  line("Last successful sync", panel.last_success_text());
  if (const std::string warning = panel.clock_warning(); !warning.empty()) {
    ImGui::Dummy(ImVec2(0, t.px(8)));
    widgets::heading(ui, "Clock");
    widgets::message(ui, warning, true);
  }
  // A failed last round says its reason under "Sync now" already.
  const bool failure_said_below = s.last_round_ms && !s.last_round_ok && !s.syncing;
  if (!s.last_error.empty() && !failure_said_below) {
    ImGui::Dummy(ImVec2(0, t.px(8)));
    widgets::heading(ui, "Last problem");
    widgets::message(ui, s.last_error, true);
  }
  ImGui::Dummy(ImVec2(0, t.gap()));
  if (!s.enrolled) {
    widgets::caption(ui, "This kiosk is not enrolled with a server yet. Records are kept safely here; "
                         "an operator enrols it with `kiosk --data-dir DIR enroll`.");
  }
  ImGui::BeginDisabled(!s.enrolled || s.syncing);
  if (widgets::button(ui, "Sync now###sync_now", -1.0f, widgets::Tone::Primary)) ui.emit(SyncNow{});
  ImGui::EndDisabled();
  draw_outcome(ui, ws);
  widgets::caption(ui, "Records are never lost while offline: they wait here and are sent when the server can be reached.");
}

// Under "Sync now": what the last round did and when the next one runs, in words. Both count
// seconds, so the screen asks for a frame when the shown number changes (and none otherwise).
void SyncScreen::draw_outcome(Ui& ui, const vm::Workspace& ws) {
  const vm::SyncPanel& panel = ws.sync();
  const std::int64_t unix_now = ws.unix_now_ms();  // fixed in screenshot mode (the fixtures' clock)
  const std::string result = panel.result_text(unix_now);
  const std::string next = panel.next_try_text(unix_now);
  if (!result.empty()) {
    widgets::message(ui, result, !panel.status.syncing && !panel.status.last_round_ok);
    widgets::log_item(ui, "##sync_result");
  }
  if (!next.empty()) widgets::caption(ui, next.c_str());
  if (ui.view.screenshot) return;
  auto tick_at = [&](std::int64_t unix_event_ms) {
    const std::int64_t delta = unix_event_ms - unix_now;  // > 0: ahead, < 0: behind
    const std::int64_t into = ((delta % 1000) + 1000) % 1000;
    ui.intents.redraw_at(ui.view.now_ms + (into == 0 ? 1000 : into));
  };
  if (!next.empty() && panel.status.next_attempt_ms) tick_at(*panel.status.next_attempt_ms);
  if (panel.status.last_round_ms && unix_now - *panel.status.last_round_ms < 60'000) tick_at(*panel.status.last_round_ms);
}

void SyncScreen::draw_quarantine(Ui& ui, const vm::Workspace& ws) {
  const Theme& t = ui.theme;
  widgets::heading(ui, "Refused by the server");
  const auto& records = ws.sync().quarantined;
  if (records.empty()) {
    widgets::caption(ui, "Nothing was refused.");
    return;
  }
  widgets::caption(ui, "These records stay on this kiosk until someone corrects them. Open the case to fix the record; "
                       "it is sent again when saved. When the reason was fixed elsewhere (HQ published the form, "
                       "the network was repaired), \"Send again\" sends it unchanged.");
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
  // Case and record as wide as their text; the reason takes the rest, with "Send again" under
  // it (a fourth column squeezed the reason to a word per line).
  if (!ImGui::BeginTable("##quarantined", 3, flags, ImVec2(-1, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupColumn("Case", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Record", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Reason", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (const auto& q : records) {
    ImGui::TableNextRow(ImGuiTableRowFlags_None, t.touch());
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(q.case_number.empty() ? "\xe2\x80\x94" : q.case_number.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(ws.form_title(q.kind).c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::PushStyleColor(ImGuiCol_Text, t.colors().danger);
    ImGui::TextWrapped("%s", q.reason.c_str());
    ImGui::PopStyleColor();
    const std::string label = "Send again###send_again_" + q.record_id;
    if (widgets::button(ui, label.c_str())) ui.emit(SendAgain{q.record_id});
    ImGui::Dummy(ImVec2(0, t.px(4)));
  }
  ImGui::EndTable();
}

}  // namespace

std::unique_ptr<Screen> make_sync_screen() { return std::make_unique<SyncScreen>(); }

}  // namespace ws::kiosk::ui
