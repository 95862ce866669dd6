#pragma once
// Touch-first look: one scale factor for every size (1080p = 1.0), large hit targets, high
// contrast. Fonts come from Debian's font packages by path; nothing is bundled.
#include <string>
#include <vector>

#include <imgui.h>

namespace ws::kiosk::ui {

struct Fonts {
  ImFont* body = nullptr;     // ~30 px at 1080p
  ImFont* small = nullptr;    // hints, captions
  ImFont* heading = nullptr;  // screen titles
  ImFont* huge = nullptr;     // attract screen, keypad digits
};

struct Palette {
  ImVec4 background{0.96f, 0.96f, 0.94f, 1.0f};
  ImVec4 panel{1.0f, 1.0f, 1.0f, 1.0f};
  ImVec4 text{0.08f, 0.09f, 0.11f, 1.0f};
  ImVec4 text_muted{0.30f, 0.32f, 0.36f, 1.0f};
  ImVec4 primary{0.05f, 0.33f, 0.62f, 1.0f};       // action buttons (white text, 7:1)
  ImVec4 primary_hover{0.08f, 0.40f, 0.72f, 1.0f};
  ImVec4 primary_active{0.03f, 0.25f, 0.50f, 1.0f};
  ImVec4 neutral{0.86f, 0.87f, 0.89f, 1.0f};       // secondary buttons (dark text)
  ImVec4 neutral_hover{0.78f, 0.80f, 0.83f, 1.0f};
  ImVec4 selected{0.80f, 0.89f, 0.98f, 1.0f};
  ImVec4 danger{0.70f, 0.10f, 0.10f, 1.0f};
  ImVec4 warning{0.60f, 0.32f, 0.0f, 1.0f};
  ImVec4 success{0.10f, 0.48f, 0.22f, 1.0f};
  ImVec4 border{0.55f, 0.57f, 0.60f, 1.0f};
  ImVec4 header_bar{0.10f, 0.20f, 0.33f, 1.0f};
  ImVec4 on_dark_muted{0.82f, 0.88f, 0.96f, 1.0f};  // secondary text and quiet buttons on header_bar
  // Disabled buttons: flat, pale and with muted (still legible) text, so they look unlike any
  // enabled tone instead of a faded copy of it.
  ImVec4 disabled{0.92f, 0.92f, 0.90f, 1.0f};
  ImVec4 disabled_text{0.33f, 0.35f, 0.38f, 1.0f};
};

// A text colour on the background it is drawn on, named for the contrast test.
struct ColourPair {
  const char* name;
  ImVec4 text;
  ImVec4 background;
};
// Every text/background pair the theme draws (labels, buttons of each tone, badges, messages,
// bars); each must reach 4.5:1 (WCAG AA), see contrast_ratio().
std::vector<ColourPair> text_pairs(const Palette& palette);
// WCAG 2 contrast ratio of two opaque sRGB colours (1 to 21).
double contrast_ratio(const ImVec4& a, const ImVec4& b);

class Theme {
 public:
  // 1.0 at a 1080-pixel-high framebuffer; clamped so tiny test windows stay legible.
  static float scale_for_height(int framebuffer_height);
  // What the window uses. Landscape: the design is 1920x1080, min(width / 1920, height / 1080).
  // Portrait: the design is 1080x1920, min(width / 1080, height / 1920), so text and buttons are
  // as large as on the same panel turned sideways (by the landscape rule a 1080x1920 screen got
  // 0.56 and half of it stayed empty). Clamped as scale_for_height. Screens reflow to the
  // narrower design width (see narrow()).
  static float scale_for_size(int framebuffer_width, int framebuffer_height);
  // Design pixels across the display (display width / scale): 1920 or more in landscape, about
  // 1080 in portrait. Screens lay out for this width, not for the orientation.
  float design_width() const;
  // Fewer than kNarrowWidth design pixels across: layouts stack panes, wrap rows of buttons and
  // show tables with fewer, two-line columns.
  static constexpr float kNarrowWidth = 1600.0f;
  bool narrow() const { return design_width() < kNarrowWidth; }

  float scale() const { return scale_; }
  float px(float at_1080p) const { return at_1080p * scale_; }
  // Minimum touch target edge (48 px at 1080p; we use more where space allows).
  float touch() const { return px(64.0f); }
  float gap() const { return px(16.0f); }

  const Palette& colors() const { return palette_; }
  const Fonts& fonts() const { return fonts_; }

  // Loads the fonts at the current scale into io.Fonts (the caller rebuilds the GL texture)
  // and applies sizes and colours to ImGui's style. Returns false if no font file was found,
  // in which case ImGui's built-in font is used (scaled) so the kiosk still starts.
  bool apply(float scale);
  const std::string& font_path() const { return font_path_; }

 private:
  void apply_style();
  float scale_ = 1.0f;
  Palette palette_;
  Fonts fonts_;
  std::string font_path_;
};

}  // namespace ws::kiosk::ui
