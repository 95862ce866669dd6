// The attract screen: "touch the screen to start" in every kiosk language, each in its own
// script and direction. Any touch opens the language picker; a small button leads staff to
// the sign-in screen.
#include <algorithm>

#include "kiosk/ui/screens/info/info_widgets.hpp"
#include "kiosk/ui/screens/info/screens.hpp"
#include "kiosk/ui/widgets/touch.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::info {
namespace {

class AttractScreen : public Screen {
 public:
  explicit AttractScreen(std::shared_ptr<InfoSession> s) : s_(std::move(s)) {}

  void draw(Ui& ui) override {
    s_->begin_frame();
    // Between visitors is the moment to pick up a newly published bundle.
    if (!refreshed_) {
      s_->refresh_bundle(ui.view);
      refreshed_ = true;
    }
    const kc::ActiveBundle* b = s_->bundle(ui.view);
    if (!b) return content_missing(ui, *s_);
    const Theme& t = ui.theme;
    const Sizes z = Sizes::of(t);
    const Palette& c = t.colors();
    const ImVec2 origin = ImGui::GetCursorPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 screen = ImGui::GetCursorScreenPos();
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->AddRectFilled(screen, ImVec2(screen.x + avail.x, screen.y + avail.y), colour(c.header_bar));

    // The whole screen is the button; staff's button is drawn on top of it afterwards.
    const bool touched = ImGui::InvisibleButton("touch_to_start", avail);
    widgets::log_item(ui, "touch_to_start");
    widgets::allow_overlap(ui);

    const float width = std::min(avail.x - z.px(80), z.px(1400));
    const float left = screen.x + (avail.x - width) / 2;
    text::Style lead;
    lead.size_px = z.huge * 1.1f;
    lead.bold = true;
    lead.color = ImVec4(1, 1, 1, 1);
    lead.align = ws::kiosk::text::Align::Center;
    text::Style other = lead;
    other.size_px = z.heading;
    other.bold = false;
    other.color = ImVec4(0.82f, 0.88f, 0.96f, 1);

    // The current language first and large, then the others.
    const std::string& first = ui.view.lang;
    float y = screen.y + avail.y * 0.18f;
    y += s_->painter().draw_at(list, ImVec2(left, y), say(*b, first, "touch_to_start"), first, lead, width).y;
    y += z.px(56);
    for (const auto& l : wc::supported_languages()) {
      const std::string code(l.code);
      if (code == first) continue;
      y += s_->painter().draw_at(list, ImVec2(left, y), say(*b, code, "touch_to_start"), code, other, width).y;
      y += z.px(18);
    }
    // A pulsing ring would need a clock; a still hand-pointer circle invites the touch.
    const ImVec2 centre(screen.x + avail.x / 2, std::min(y + z.px(90), screen.y + avail.y - z.px(110)));
    list->AddCircle(centre, z.px(56), colour(ImVec4(1, 1, 1, 0.9f)), 48, z.px(6));
    list->AddCircleFilled(centre, z.px(22), colour(ImVec4(1, 1, 1, 0.9f)), 32);

    const float staff_w = z.px(200);
    ImGui::SetCursorPos(ImVec2(origin.x + avail.x - staff_w - z.px(24), origin.y + avail.y - z.px(88)));
    const bool staff = shaped_button(ui, *s_, "staff", "Staff", "en", ImVec2(staff_w, z.px(64)), ButtonTone::Quiet, z.small);
    if (staff) {
      ui.emit(Navigate{"login", ""});
    } else if (touched) {
      s_->wipe();
      ui.emit(Navigate{"languages", ""});
    }
  }

 private:
  std::shared_ptr<InfoSession> s_;
  bool refreshed_ = false;
};

}  // namespace

std::unique_ptr<Screen> make_attract_screen(std::shared_ptr<InfoSession> session) {
  return std::make_unique<AttractScreen>(std::move(session));
}

}  // namespace ws::kiosk::ui::info
