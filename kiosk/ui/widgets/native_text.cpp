#include "kiosk/ui/widgets/native_text.hpp"

#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "kiosk/ui/text/gl_texture_sink.hpp"
#include "kiosk/ui/text/shaped_text.hpp"

namespace ws::kiosk::ui::widgets {
namespace {

// Decodes one UTF-8 code point; returns 0xFFFD on a malformed sequence.
char32_t next_code_point(const std::string& s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t cp = b & (0x3F >> extra);
  while (extra-- > 0) {
    if (i >= s.size()) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

}  // namespace

bool has_arabic_script(const std::string& utf8) {
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0x08A0 && cp <= 0x08FF) ||
        (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
      return true;
  }
  return false;
}

NativeText::NativeText() = default;
NativeText::~NativeText() = default;

text::TextPainter& NativeText::painter() {
  if (!painter_) painter_ = std::make_unique<text::TextPainter>(text::make_texture_sink());
  return *painter_;
}

void NativeText::draw(Ui& ui, const std::string& value, Size size) {
  const Fonts& fonts = ui.theme.fonts();
  if (!has_arabic_script(value)) {
    ImGui::PushFont(size == Size::Small ? fonts.small : size == Size::Heading ? fonts.heading : fonts.body);
    ImGui::TextWrapped("%s", value.c_str());
    ImGui::PopFont();
    return;
  }
  text::Style style;
  style.size_px = ui.theme.px(size == Size::Small ? 24.0f : size == Size::Heading ? 42.0f : 30.0f);
  style.bold = size == Size::Heading;
  // Dari's font and rules cover Pashto and Arabic letters too; the direction comes from the text.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float natural = painter().measure(value, "prs", style, 0.0f).x;
  painter().paragraph(value, "prs", style, std::min(avail, std::ceil(natural) + 1.0f));
}

void NativeText::end_frame() {
  if (painter_) painter_->end_frame();
}

}  // namespace ws::kiosk::ui::widgets
