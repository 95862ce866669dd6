// The language picker: every language in its own name and script, large enough to find at
// arm's length. Choosing one opens the first topic page in it.
#include <algorithm>

#include "kiosk/ui/screens/info/info_widgets.hpp"
#include "kiosk/ui/screens/info/screens.hpp"
#include "kiosk/ui/widgets/touch.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::info {
namespace {

class LanguagesScreen : public Screen {
 public:
  explicit LanguagesScreen(std::shared_ptr<InfoSession> s) : s_(std::move(s)) {}

  void draw(Ui& ui) override {
    s_->begin_frame();
    const kc::ActiveBundle* b = s_->bundle(ui.view);
    if (!b) return content_missing(ui, *s_);
    const std::string& lang = ui.view.lang;
    if (s_->watch_idle(ui)) return still_there_prompt(ui, *s_, *b, lang);
    const Theme& t = ui.theme;
    const Sizes z = Sizes::of(t);

    top_bar(ui, *s_, *b, lang, true);
    const ImVec2 origin = ImGui::GetCursorPos();
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float width = std::min(avail_w - z.px(80), z.px(1500));
    const float left = origin.x + (avail_w - width) / 2;
    ImGui::SetCursorPos(ImVec2(left, origin.y + z.px(40)));
    text::Style title;
    title.size_px = z.title;
    title.bold = true;
    title.color = t.colors().text;
    title.align = ws::kiosk::text::Align::Center;
    s_->painter().paragraph(say(*b, lang, "choose_language"), lang, title, width);
    widgets::log_item(ui, "choose_language");
    ImGui::Dummy(ImVec2(0, z.px(30)));

    // Two columns in reading order of the current language.
    const bool rtl = is_rtl(lang);
    const float gap = z.px(32);
    const float cell_w = (width - gap) / 2;
    // Room for the English name under the native one (at 150 a descender touched it).
    const float cell_h = z.px(170);
    const auto& langs = wc::supported_languages();
    const float top = ImGui::GetCursorPosY();
    for (std::size_t i = 0; i < langs.size(); ++i) {
      const int col = static_cast<int>(i % 2), row = static_cast<int>(i / 2);
      const int visual_col = rtl ? 1 - col : col;
      const ImVec2 at(left + visual_col * (cell_w + gap), top + row * (cell_h + gap * 0.6f));
      ImGui::SetCursorPos(at);
      const std::string code(langs[i].code);
      const std::string id = "lang_" + code;
      // The native name in its own script, shaped in its own direction.
      if (shaped_button(ui, *s_, id.c_str(), std::string(langs[i].native_name), code, ImVec2(cell_w, cell_h),
                        code == lang ? ButtonTone::Selected : ButtonTone::Neutral, z.huge * 0.8f)) {
        ui.emit(SetLanguage{code});
        ui.emit(Navigate{"info", ""});
      }
      // The English name underneath, small, for staff and interpreters helping someone.
      text::Style english;
      english.size_px = z.small * 0.9f;
      english.color = code == lang ? ImVec4(0.85f, 0.9f, 1, 1) : t.colors().text_muted;
      english.align = ws::kiosk::text::Align::Center;
      const ImVec2 screen_at = ImGui::GetWindowPos();
      s_->painter().draw_at(ImGui::GetWindowDrawList(),
                            ImVec2(screen_at.x + at.x, screen_at.y + at.y + cell_h - z.px(42) - ImGui::GetScrollY()),
                            std::string(langs[i].english_name), "en", english, cell_w);
    }
  }

 private:
  std::shared_ptr<InfoSession> s_;
};

}  // namespace

std::unique_ptr<Screen> make_languages_screen(std::shared_ptr<InfoSession> session) {
  return std::make_unique<LanguagesScreen>(std::move(session));
}

}  // namespace ws::kiosk::ui::info
