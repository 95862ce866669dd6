#include "kiosk/ui/theme.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <initializer_list>

namespace ws::kiosk::ui {
namespace {

// Debian's fonts-noto-core and fonts-dejavu-core; the first one present wins.
std::string first_existing(std::initializer_list<const char*> paths) {
  std::error_code ec;
  for (const char* p : paths)
    if (std::filesystem::exists(p, ec)) return p;
  return {};
}

const char* const kRegular[] = {"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
const char* const kBold[] = {"/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
                             "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"};
const char* const kEthiopic = "/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf";
// Noto Sans Arabic is drawn to sit beside Noto Sans; Naskh (what the shaped text uses) if not.
const char* const kArabic[] = {"/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
                               "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"};
// Noto Sans has no arrows or check marks; DejaVu Sans fills them in.
const char* const kSymbols = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const ImWchar kSymbolRanges[] = {0x2190, 0x21FF, 0x2713, 0x2717, 0};

// Latin, Latin-1, Latin Extended-A (Somali, Norwegian), Cyrillic (Ukrainian incl. ґ є і ї),
// general punctuation (quotes, dashes, ellipsis), arrows and a few symbols used as icons.
const ImWchar kTextRanges[] = {
    0x0020, 0x00FF, 0x0100, 0x017F, 0x0400, 0x052F, 0x2000, 0x206F,
    0x2022, 0x2022, 0,
};
// Tigrinya names and words typed into forms (Ethiopic needs no shaping, so ImGui can draw it).
const ImWchar kEthiopicRanges[] = {0x1200, 0x139F, 0x2D80, 0x2DDF, 0};
// Dari, Pashto and Arabic letters where ImGui draws text itself (typed text is shaped by
// widgets/text_input instead). ImGui cannot shape, so they show unjoined and left-to-right;
// without these glyphs they would show '?'. The Arabic block holds Pashto's and Dari's extra letters; the
// presentation forms (B) come with text pasted from old software. ~390 glyphs per size.
const ImWchar kArabicRanges[] = {0x0600, 0x06FF, 0xFE70, 0xFEFF, 0};

void merge_font(ImGuiIO& io, const std::string& path, float size, const ImWchar* ranges) {
  if (path.empty() || !std::filesystem::exists(path)) return;
  ImFontConfig merge;
  merge.MergeMode = true;
  merge.OversampleH = 1;  // scripts seen in typed names only: half the atlas space
  io.Fonts->AddFontFromFileTTF(path.c_str(), size, &merge, ranges);
}

// `text_input`: the fonts inputs are drawn in also get the scripts people type names in.
ImFont* add_font(ImGuiIO& io, const std::string& path, float size, bool text_input) {
  ImFontConfig config;
  // Sub-pixel positions need horizontal oversampling only where a pixel is a large part of a
  // stroke: above 36 px it shows no difference, and the large sizes would take most of the
  // atlas and of the time baking it (ImGui's own default since 1.91).
  config.OversampleH = size > 36.0f ? 1 : 2;
  config.OversampleV = 1;
  ImFont* font = io.Fonts->AddFontFromFileTTF(path.c_str(), size, &config, kTextRanges);
  if (!font) return nullptr;
  if (std::filesystem::exists(kSymbols) && path != kSymbols) {
    ImFontConfig merge;
    merge.MergeMode = true;
    io.Fonts->AddFontFromFileTTF(kSymbols, size, &merge, kSymbolRanges);
  }
  if (text_input) {
    merge_font(io, kEthiopic, size, kEthiopicRanges);
    merge_font(io, first_existing({kArabic[0], kArabic[1]}), size, kArabicRanges);
  }
  return font;
}

}  // namespace

double contrast_ratio(const ImVec4& a, const ImVec4& b) {
  auto channel = [](float c) {
    const double v = c;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  auto luminance = [&](const ImVec4& c) { return 0.2126 * channel(c.x) + 0.7152 * channel(c.y) + 0.0722 * channel(c.z); };
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::vector<ColourPair> text_pairs(const Palette& c) {
  const ImVec4 white(1, 1, 1, 1);
  const ImVec4 field(1, 1, 1, 1);           // ImGuiCol_FrameBg: inputs
  const ImVec4 repeat_panel(238 / 255.0f, 243 / 255.0f, 250 / 255.0f, 1);  // form_renderer's group items
  const ImVec4 draft_banner(1.0f, 0.95f, 0.80f, 1);                       // cases_screen
  return {
      {"text on background", c.text, c.background},
      {"text on panel", c.text, c.panel},
      {"text in a field", c.text, field},
      {"muted text on background", c.text_muted, c.background},
      {"muted text on panel", c.text_muted, c.panel},
      {"muted text on a repeat item", c.text_muted, repeat_panel},
      {"primary button", white, c.primary},
      {"primary button hovered", white, c.primary_hover},
      {"primary button pressed", white, c.primary_active},
      {"neutral button", c.text, c.neutral},
      {"neutral button hovered", c.text, c.neutral_hover},
      {"selected toggle", white, c.primary},
      {"pressed neutral button", c.text, c.selected},
      {"danger button", white, c.danger},
      {"danger button hovered", white, ImVec4(0.80f, 0.15f, 0.15f, 1)},
      {"disabled button", c.disabled_text, c.disabled},
      {"error text on background", c.danger, c.background},
      {"error text on panel", c.danger, c.panel},
      {"error text on a repeat item", c.danger, repeat_panel},
      {"error text on the draft banner", c.danger, draft_banner},
      {"text on the draft banner", c.text, draft_banner},
      {"warning text on background", c.warning, c.background},
      {"warning text on panel", c.warning, c.panel},
      {"success text on background", c.success, c.background},
      {"success text on panel", c.success, c.panel},
      {"note (primary) text on panel", c.primary, c.panel},
      {"note (primary) text on background", c.primary, c.background},
      {"synced badge", white, c.success},
      {"waiting badge", white, c.warning},
      {"refused badge", white, c.danger},
      {"title on the header bar", white, c.header_bar},
      {"quiet button (Staff) on the header bar", c.on_dark_muted, c.header_bar},
      {"pressed quiet button", c.on_dark_muted, c.primary_active},
  };
}

float Theme::scale_for_height(int framebuffer_height) {
  return std::clamp(static_cast<float>(framebuffer_height) / 1080.0f, 0.5f, 3.0f);
}

float Theme::scale_for_size(int framebuffer_width, int framebuffer_height) {
  // The smaller ratio keeps every screen inside the frame; the reference turns with the screen.
  const bool portrait = framebuffer_height > framebuffer_width;
  const float by_width = static_cast<float>(framebuffer_width) / (portrait ? 1080.0f : 1920.0f);
  const float by_height = static_cast<float>(framebuffer_height) / (portrait ? 1920.0f : 1080.0f);
  return std::clamp(std::min(by_width, by_height), 0.5f, 3.0f);
}

float Theme::design_width() const {
  const float width = ImGui::GetCurrentContext() ? ImGui::GetIO().DisplaySize.x : 0.0f;
  return width > 0 ? width / scale_ : 1920.0f;
}

bool Theme::apply(float scale) {
  scale_ = scale;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  fonts_ = {};
  font_path_ = first_existing({kRegular[0], kRegular[1]});
  const std::string bold = first_existing({kBold[0], kBold[1]});
  bool loaded = false;
  if (!font_path_.empty()) {
    fonts_.body = add_font(io, font_path_, px(30.0f), true);
    fonts_.small = add_font(io, font_path_, px(24.0f), true);
    fonts_.heading = add_font(io, bold.empty() ? font_path_ : bold, px(42.0f), false);
    fonts_.huge = add_font(io, bold.empty() ? font_path_ : bold, px(64.0f), false);
    loaded = fonts_.body && fonts_.small && fonts_.heading && fonts_.huge;
  }
  if (!loaded) {
    io.Fonts->Clear();
    ImFontConfig config;
    config.SizePixels = std::max(13.0f, px(26.0f));
    ImFont* fallback = io.Fonts->AddFontDefault(&config);
    fonts_ = {fallback, fallback, fallback, fallback};
  }
  io.FontDefault = fonts_.body;
  io.Fonts->Build();
  apply_style();
  return loaded;
}

void Theme::apply_style() {
  ImGuiStyle style;  // start from defaults each time so that scaling never compounds
  ImGui::StyleColorsLight(&style);
  const Palette& c = palette_;
  style.WindowPadding = ImVec2(px(24), px(20));
  style.FramePadding = ImVec2(px(18), px(14));
  style.ItemSpacing = ImVec2(px(16), px(14));
  style.ItemInnerSpacing = ImVec2(px(12), px(10));
  style.TouchExtraPadding = ImVec2(px(4), px(4));
  style.ScrollbarSize = px(36);  // a finger must be able to grab it
  style.GrabMinSize = px(48);
  style.WindowRounding = 0.0f;
  style.FrameRounding = px(8);
  style.GrabRounding = px(8);
  style.ChildRounding = px(8);
  style.PopupRounding = px(8);
  style.ScrollbarRounding = px(8);
  style.FrameBorderSize = 1.0f;
  style.ChildBorderSize = 1.0f;
  style.WindowBorderSize = 0.0f;
  // Disabled widgets get their own colours (widgets/touch.cpp), not a faded copy of enabled ones.
  style.DisabledAlpha = 1.0f;

  ImVec4* col = style.Colors;
  col[ImGuiCol_Text] = c.text;
  col[ImGuiCol_TextDisabled] = c.text_muted;
  col[ImGuiCol_WindowBg] = c.background;
  col[ImGuiCol_ChildBg] = c.panel;
  col[ImGuiCol_PopupBg] = c.panel;
  col[ImGuiCol_Border] = c.border;
  col[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
  col[ImGuiCol_FrameBgHovered] = ImVec4(0.97f, 0.98f, 1.0f, 1);
  col[ImGuiCol_FrameBgActive] = ImVec4(0.94f, 0.97f, 1.0f, 1);
  col[ImGuiCol_Button] = c.neutral;
  col[ImGuiCol_ButtonHovered] = c.neutral_hover;
  col[ImGuiCol_ButtonActive] = c.selected;
  col[ImGuiCol_Header] = c.selected;
  col[ImGuiCol_HeaderHovered] = c.neutral_hover;
  col[ImGuiCol_HeaderActive] = c.selected;
  col[ImGuiCol_CheckMark] = c.primary;
  col[ImGuiCol_SliderGrab] = c.primary;
  col[ImGuiCol_SliderGrabActive] = c.primary_active;
  col[ImGuiCol_PlotHistogram] = c.primary;
  col[ImGuiCol_NavHighlight] = ImVec4(0.95f, 0.55f, 0.0f, 1.0f);  // visible keyboard focus
  col[ImGuiCol_ModalWindowDimBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.55f);
  ImGui::GetStyle() = style;
}

}  // namespace ws::kiosk::ui
