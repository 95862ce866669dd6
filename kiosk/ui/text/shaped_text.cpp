#include "kiosk/ui/text/shaped_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kiosk/text/fonts.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::text {
namespace {
std::uint8_t channel(float v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }
}  // namespace

ImTextureID to_imgui(kt::TextureId id) { return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(id)); }

TextPainter::TextPainter(std::unique_ptr<kt::TextureSink> sink)
    : sink_(std::move(sink)), cache_(std::make_unique<kt::TextureCache>(layouter_, *sink_)) {}

// The cache releases its textures through the sink, so it goes first.
TextPainter::~TextPainter() { cache_.reset(); }

kt::TextSpec TextPainter::spec(const std::string& text, const std::string& language, const Style& style,
                               float width) const {
  const auto* lang = ws::content::find_language(language);
  kt::TextSpec s;
  s.text = text;
  s.language = lang ? std::string(lang->bcp47) : "en";
  s.direction = lang && lang->rtl ? kt::Direction::Rtl : kt::Direction::Ltr;
  s.font_family = kt::font_family_for(language);
  // Whole pixels keep the cache key stable across frames of a resized window.
  s.size_px = std::round(style.size_px);
  s.bold = style.bold;
  s.wrap_width_px = width > 0 ? static_cast<int>(width) : 0;
  s.align = style.align;
  s.color = {channel(style.color.x), channel(style.color.y), channel(style.color.z), channel(style.color.w)};
  return s;
}

ImVec2 TextPainter::measure(const std::string& text, const std::string& language, const Style& style, float width) {
  auto t = cache_->text(spec(text, language, style, width));
  if (!t) return ImVec2(0, 0);
  return ImVec2(static_cast<float>(t->box_width), static_cast<float>(t->box_height));
}

ImVec2 TextPainter::draw_at(ImDrawList* list, ImVec2 pos, const std::string& text, const std::string& language,
                            const Style& style, float box_width) {
  return draw_spec(list, pos, spec(text, language, style, box_width));
}

ImVec2 TextPainter::draw_spec(ImDrawList* list, ImVec2 pos, const kt::TextSpec& spec) {
  auto t = cache_->text(spec);
  if (!t) return ImVec2(0, 0);
  const ImVec2 min(std::floor(pos.x) - t->origin_x, std::floor(pos.y) - t->origin_y);
  const ImVec2 max(min.x + t->width, min.y + t->height);
  list->AddImage(to_imgui(t->id), min, max);
  return ImVec2(static_cast<float>(t->box_width), static_cast<float>(t->box_height));
}

ImVec2 TextPainter::paragraph(const std::string& text, const std::string& language, const Style& style, float width) {
  if (width <= 0) width = ImGui::GetContentRegionAvail().x;
  width = std::max(width, 1.0f);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size = draw_at(ImGui::GetWindowDrawList(), pos, text, language, style, width);
  ImGui::Dummy(ImVec2(width, std::max(size.y, 1.0f)));
  return size;
}

}  // namespace ws::kiosk::ui::text
