#pragma once
// Building blocks of the migrant screens: buttons with shaped labels, the top and bottom bars,
// the "still there?" prompt, and left/right mirroring for right-to-left languages.
#include <string>

#include <imgui.h>

#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/screens/info/info_session.hpp"
#include "kiosk/ui/text/shaped_text.hpp"
#include "ws/content/bundle.hpp"

namespace ws::kiosk::ui::info {

enum class ButtonTone { Neutral, Primary, Selected, Quiet };

// Sizes of the visitor's screens: the theme's scale (Theme::scale_for_size: a 1080x1920 design
// in portrait, so text stays as large as in landscape). Body text stays >= 28 px, touch targets
// >= 48 px.
struct Sizes {
  float k;  // pixels per design pixel
  float body, small, heading, title, huge, bar, button;
  bool portrait;  // taller than wide: layouts stack instead of sitting side by side
  float px(float at_design) const { return at_design * k; }
  float touch() const { return px(64); }
  float gap() const { return px(16); }
  static Sizes of(const Theme& t);
};

// Left/right for the reading direction: `start` is the right edge in Arabic script.
struct Mirror {
  bool rtl = false;
  float left = 0, width = 0;  // the region, in window coordinates
  // x of something `w` wide placed `offset` from the start edge.
  float at_start(float w, float offset = 0) const { return rtl ? left + width - offset - w : left + offset; }
  float at_end(float w, float offset = 0) const { return rtl ? left + offset : left + width - offset - w; }
};

bool is_rtl(const std::string& language);

// The ui string `key` of the bundle in `lang` (falls back to the source language).
const std::string& say(const kc::ActiveBundle& b, const std::string& lang, const std::string& key);

// A button whose label is shaped text. `id` is stable across languages (tests find it in
// ui.log by that id). Placed at the window cursor.
bool shaped_button(Ui& ui, InfoSession& s, const char* id, const std::string& label, const std::string& lang,
                   ImVec2 size, ButtonTone tone = ButtonTone::Neutral, float text_px = 0);

// The size of a shaped_button showing `label` on one line, or wrapped when that would be wider
// than `max_width` (then as tall as its lines); never smaller than a touch target.
ImVec2 shaped_button_size(Ui& ui, InfoSession& s, const std::string& label, const std::string& lang, float max_width,
                          ButtonTone tone, float text_px = 0);

// The top bar: home on the start side, the language button on the end side.
void top_bar(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const std::string& lang, bool show_home);

// The "General information — not a decision" strip.
void general_information_strip(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const std::string& lang);

// The idle prompt, drawn instead of the screen.
void still_there_prompt(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const std::string& lang);

// Shown when the bundle could not be loaded at all: words for staff, in English.
void content_missing(Ui& ui, InfoSession& s);

// Full-window colours.
ImU32 colour(const ImVec4& c);

}  // namespace ws::kiosk::ui::info
