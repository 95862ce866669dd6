#include "kiosk/ui/screens/info/page_view.hpp"

#include <algorithm>

#include "kiosk/text/image.hpp"
#include "kiosk/text/qr.hpp"
#include "kiosk/ui/screens/info/info_widgets.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui::info {
namespace {

namespace kt = ws::kiosk::text;
using wc::BlockType;

std::string utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

void draw_texture_at_start(kt::TextureCache& cache, const Mirror& m, const kt::Texture& tex, float max_width) {
  const float scale = std::min(1.0f, max_width / static_cast<float>(tex.width));
  const ImVec2 size(tex.width * scale, tex.height * scale);
  const ImVec2 cursor = ImGui::GetCursorPos();
  ImGui::SetCursorPosX(m.at_start(size.x));
  ImGui::Image(text::to_imgui(tex.id), size);
  ImGui::SetCursorPosX(cursor.x);
  (void)cache;
}

}  // namespace

std::string list_number(int n, const std::string& language) {
  char32_t zero = U'0';
  if (language == "ar") zero = U'\u0660';
  else if (language == "prs" || language == "ps") zero = U'\u06F0';
  const std::string digits = std::to_string(n);
  std::string out;
  for (char d : digits) out += utf8(zero + static_cast<char32_t>(d - '0'));
  // The Arabic full stop reads oddly after a number; Arabic-script lists use a plain dot too.
  return out + ".";
}

std::string page_speech_text(const wc::ResolvedPage& page) {
  std::string out = page.text->title + ".\n";
  for (const auto& b : page.text->blocks) {
    switch (b.type) {
      case BlockType::Heading:
      case BlockType::Paragraph:
      case BlockType::Note: out += b.text + "\n"; break;
      case BlockType::List:
        for (const auto& item : b.items) out += item + "\n";
        break;
      case BlockType::Image:
      case BlockType::Qr: break;  // pictures and links are for the eyes
    }
  }
  return out;
}

void draw_page(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const wc::ResolvedPage& page,
               const std::string& ui_lang, float width) {
  const Theme& t = ui.theme;
  const Sizes z = Sizes::of(t);
  const Palette& c = t.colors();
  const std::string& lang = page.language;
  const Mirror m{is_rtl(lang), ImGui::GetCursorPosX(), width};
  text::TextPainter& painter = s.painter();

  text::Style body;
  body.size_px = z.body;
  body.color = c.text;

  if (page.is_fallback) {
    // Told in the person's own language, above the English text.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    text::Style note = body;
    note.size_px = z.small;
    note.bold = true;
    const float pad = z.px(14);
    const ImVec2 size = painter.measure(say(b, ui_lang, "fallback_note"), ui_lang, note, width - 2 * pad);
    ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + width, at.y + size.y + 2 * pad),
                                              colour(ImVec4(0.99f, 0.86f, 0.80f, 1)), z.px(10));
    painter.draw_at(ImGui::GetWindowDrawList(), ImVec2(at.x + pad, at.y + pad), say(b, ui_lang, "fallback_note"),
                    ui_lang, note, width - 2 * pad);
    ImGui::Dummy(ImVec2(width, size.y + 2 * pad));
    widgets::log_item(ui, "fallback_note");
    ImGui::Dummy(ImVec2(0, z.gap()));
  }

  text::Style title = body;
  title.size_px = z.title;
  title.bold = true;
  painter.paragraph(page.text->title, lang, title, width);
  widgets::log_item(ui, "page_title");
  if (page.is_machine_draft) {
    text::Style draft = body;
    draft.size_px = z.small;
    draft.color = c.warning;
    painter.paragraph(say(b, lang, "translation_draft"), lang, draft, width);
    widgets::log_item(ui, "translation_draft");
  }
  ImGui::Dummy(ImVec2(0, z.gap()));

  for (std::size_t i = 0; i < page.text->blocks.size(); ++i) {
    const auto& block = page.text->blocks[i];
    ImGui::PushID(static_cast<int>(i));
    switch (block.type) {
      case BlockType::Heading: {
        text::Style h = body;
        h.size_px = z.heading;
        h.bold = true;
        ImGui::Dummy(ImVec2(0, z.gap() * 0.5f));
        painter.paragraph(block.text, lang, h, width);
        break;
      }
      case BlockType::Paragraph: painter.paragraph(block.text, lang, body, width); break;
      case BlockType::Note: {
        const float pad = z.px(18), bar = z.px(8);
        const float inner = width - 2 * pad - bar;
        const ImVec2 size = painter.measure(block.text, lang, body, inner);
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImDrawList* list = ImGui::GetWindowDrawList();
        const float h = size.y + 2 * pad;
        list->AddRectFilled(at, ImVec2(at.x + width, at.y + h), colour(ImVec4(0.88f, 0.93f, 0.99f, 1)), z.px(8));
        // The accent bar sits on the start edge: the right edge in Arabic script.
        const float bar_x = m.rtl ? at.x + width - bar : at.x;
        list->AddRectFilled(ImVec2(bar_x, at.y), ImVec2(bar_x + bar, at.y + h), colour(c.primary));
        const float text_x = m.rtl ? at.x + pad : at.x + bar + pad;
        painter.draw_at(list, ImVec2(text_x, at.y + pad), block.text, lang, body, inner);
        ImGui::Dummy(ImVec2(width, h));
        break;
      }
      case BlockType::List: {
        const float marker_w = z.px(block.ordered ? 64 : 44);
        const float text_w = width - marker_w;
        text::Style marker = body;
        marker.bold = block.ordered;
        marker.color = c.primary;
        for (std::size_t k = 0; k < block.items.size(); ++k) {
          const ImVec2 at = ImGui::GetCursorScreenPos();
          const std::string mark = block.ordered ? list_number(static_cast<int>(k) + 1, lang) : "•";
          ImDrawList* list = ImGui::GetWindowDrawList();
          const float marker_x = m.rtl ? at.x + width - marker_w : at.x;
          painter.draw_at(list, ImVec2(marker_x, at.y), mark, lang, marker, marker_w);
          const float text_x = m.rtl ? at.x : at.x + marker_w;
          const ImVec2 size = painter.draw_at(list, ImVec2(text_x, at.y), block.items[k], lang, body, text_w);
          ImGui::Dummy(ImVec2(width, size.y + z.px(8)));
        }
        break;
      }
      case BlockType::Image: {
        const std::string path = b.root + "/" + block.src;
        auto tex = painter.cache().bitmap("png:" + path, [&] { return kt::load_png(path); });
        if (tex) draw_texture_at_start(painter.cache(), m, *tex, width);
        widgets::log_item(ui, "image");
        break;
      }
      case BlockType::Qr: {
        const int module_px = std::max(3, static_cast<int>(z.px(5)));
        auto tex = painter.cache().bitmap("qr:" + std::to_string(module_px) + ":" + block.url,
                                          [&] { return kt::qr_bitmap(block.url, module_px); });
        if (!tex) break;
        const float side = static_cast<float>(tex->width);
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float qr_x = m.rtl ? at.x + width - side : at.x;
        ImDrawList* list = ImGui::GetWindowDrawList();
        list->AddImage(text::to_imgui(tex->id), ImVec2(qr_x, at.y), ImVec2(qr_x + side, at.y + side));
        const float text_w = width - side - z.gap();
        const float text_x = m.rtl ? at.x : at.x + side + z.gap();
        const ImVec2 cap = painter.draw_at(list, ImVec2(text_x, at.y + z.gap()), block.text, lang, body, text_w);
        text::Style hint = body;
        hint.size_px = z.small;
        hint.color = c.text_muted;
        painter.draw_at(list, ImVec2(text_x, at.y + z.gap() * 2 + cap.y), say(b, lang, "scan_qr"), lang, hint, text_w);
        ImGui::Dummy(ImVec2(width, side));
        widgets::log_item(ui, "qr");
        break;
      }
    }
    ImGui::PopID();
    ImGui::Dummy(ImVec2(0, z.gap()));
  }
}

}  // namespace ws::kiosk::ui::info
