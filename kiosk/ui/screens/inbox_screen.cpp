// The appointment inbox: the centre's requests (from any of its kiosks, after sync), new ones
// first. Each row: who asked, in which language, when, the phone number; the status as four
// toggles (the tap is an edit that syncs); who handled it; "Make a case" or "Open case".
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/native_text.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/sync_badge.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

class InboxScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_request(Ui& ui, const vm::AppointmentRequest& r);
  widgets::NativeText native_;
};

void InboxScreen::draw(Ui& ui) {
  const vm::Workspace* ws = ui.view.workspace;
  widgets::staff_bar(ui, "Appointment requests", ui.view.can_go_back);
  if (!ws) return;
  const std::size_t fresh = ws->new_requests();
  const std::string count = std::to_string(ws->inbox().size()) + (ws->inbox().size() == 1 ? " request, " : " requests, ") +
                            std::to_string(fresh) + " new. Requests made on any kiosk of the centre arrive with sync.";
  widgets::caption(ui, count.c_str());
  widgets::message(ui, ws->notice(), ws->notice_is_error());
  if (ws->inbox().empty()) {
    widgets::message(ui, "No appointment requests yet.", false);
    return;
  }
  ImGui::BeginChild("##inbox_list", ImVec2(-1, ImGui::GetContentRegionAvail().y), false);
  for (const auto& r : ws->inbox()) {
    ImGui::PushID(r.id.c_str());
    draw_request(ui, r);
    ImGui::PopID();
  }
  native_.end_frame();
  ImGui::EndChild();
}

void InboxScreen::draw_request(Ui& ui, const vm::AppointmentRequest& r) {
  const Theme& t = ui.theme;
  ImGui::Indent(t.px(12));
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(0, t.px(4)));
  // The name as written: shaped when it is in Arabic script.
  if (widgets::has_arabic_script(r.name)) {
    native_.draw(ui, r.name, widgets::NativeText::Size::Heading);
    widgets::log_item(ui, "###name_shaped");  // tests see a shaped name here, never its text
  } else {
    ImGui::PushFont(t.fonts().heading);
    ImGui::TextUnformatted(r.name.empty() ? "\xe2\x80\x94" : r.name.c_str());
    ImGui::PopFont();
  }
  std::string details = "Language: " + r.language_label + "   \xc2\xb7   Asked " + r.asked_at;
  if (!r.phone.empty()) details += "   \xc2\xb7   Phone " + r.phone;
  ImGui::TextWrapped("%s", details.c_str());
  const float right_edge = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - t.px(12);
  widgets::row_label(ui, "Status");
  bool first = true;
  for (const char* status : vm::kRequestStatuses) {
    const std::string label = std::string(vm::request_status_label(status)) + "###status_" + status;
    const float w = std::max(t.px(200), ImGui::CalcTextSize(vm::request_status_label(status)).x +
                                            ImGui::GetStyle().FramePadding.x * 3);
    if (!first) {
      ImGui::SameLine(0, t.px(8));
      if (ImGui::GetCursorPosX() + w > right_edge) ImGui::NewLine();
    }
    first = false;
    if (widgets::toggle(ui, label.c_str(), r.status == status, w) && r.status != status)
      ui.emit(SetRequestStatus{r.id, status});
  }
  // The action stands apart from the status toggles, at the right end of the row.
  const float action_w = t.px(260);
  ImGui::SameLine(0, t.gap());
  if (ImGui::GetCursorPosX() + action_w > right_edge) ImGui::NewLine();
  else ImGui::SetCursorPosX(right_edge - action_w);
  if (r.case_id.empty()) {
    if (widgets::button(ui, "Make a case###make_case", action_w, widgets::Tone::Primary)) ui.emit(MakeCaseFromRequest{r.id});
  } else if (widgets::button(ui, "Open case###open_case", action_w)) {
    ui.emit(OpenCase{r.case_id});
  }
  const std::string handled = r.handled_by_name.empty() ? std::string("Not handled yet")
                                                         : "Handled by " + r.handled_by_name;
  widgets::caption(ui, handled.c_str());
  ImGui::SameLine(0, t.gap());
  widgets::sync_badge(ui, r.sync);
  ImGui::EndGroup();
  ImGui::Unindent(t.px(12));
  ImGui::Separator();
  ImGui::Dummy(ImVec2(0, t.px(8)));
}

}  // namespace

std::unique_ptr<Screen> make_inbox_screen() { return std::make_unique<InboxScreen>(); }

}  // namespace ws::kiosk::ui
