#include "kiosk/ui/screens/info/info_widgets.hpp"

#include <algorithm>
#include <cstdio>

#include "kiosk/ui/widgets/touch.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::info {

ImU32 colour(const ImVec4& c) { return ImGui::ColorConvertFloat4ToU32(c); }

Sizes Sizes::of(const Theme& t) {
  // The frame ImGui draws this frame; the theme's own scale when there is none yet.
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  const bool portrait = d.y > d.x && d.x > 0;
  const float k = portrait ? Theme::scale_for_size(static_cast<int>(d.x), static_cast<int>(d.y)) : t.scale();
  return {k, 32 * k, 28 * k, 38 * k, 50 * k, 64 * k, 104 * k, 80 * k, portrait};
}

bool is_rtl(const std::string& language) {
  const auto* l = wc::find_language(language);
  return l && l->rtl;
}

const std::string& say(const kc::ActiveBundle& b, const std::string& lang, const std::string& key) {
  return wc::ui_text(*b.bundle, lang, key);
}

namespace {

text::Style button_text_style(const Ui& ui, ButtonTone tone, float text_px) {
  const Palette& c = ui.theme.colors();
  text::Style style;
  style.size_px = text_px > 0 ? text_px : Sizes::of(ui.theme).body;
  style.bold = tone == ButtonTone::Primary;
  style.align = ws::kiosk::text::Align::Center;
  // The colour is part of the texture's key: measure with the one that will be drawn, so
  // measuring and drawing share one cached bitmap.
  style.color = tone == ButtonTone::Primary || tone == ButtonTone::Selected ? ImVec4(1, 1, 1, 1)
                : tone == ButtonTone::Quiet                                 ? c.on_dark_muted
                                                                            : c.text;
  return style;
}

}  // namespace

ImVec2 shaped_button_size(Ui& ui, InfoSession& s, const std::string& label, const std::string& lang, float max_width,
                          ButtonTone tone, float text_px) {
  const Sizes z = Sizes::of(ui.theme);
  const text::Style style = button_text_style(ui, tone, text_px);
  const float pad = z.px(12);
  const ImVec2 one_line = s.painter().measure(label, lang, style, 0.0f);
  // +1: the measured width is rounded; wrapping at exactly it could break the last word off.
  const float width = std::clamp(one_line.x + 2 * pad + 1.0f, z.touch(), std::max(z.touch(), max_width));
  const float text_h = width < max_width ? one_line.y : s.painter().measure(label, lang, style, width - 2 * pad).y;
  return ImVec2(width, std::max(z.touch(), text_h + 2 * pad));
}

bool shaped_button(Ui& ui, InfoSession& s, const char* id, const std::string& label, const std::string& lang,
                   ImVec2 size, ButtonTone tone, float text_px) {
  const Palette& c = ui.theme.colors();
  const Sizes z = Sizes::of(ui.theme);
  size.x = std::max(size.x, z.touch());
  const text::Style style = button_text_style(ui, tone, text_px);
  const float pad = z.px(12);
  const float inner = size.x - 2 * pad;
  const ImVec2 measured = s.painter().measure(label, lang, style, inner);
  // A label that wraps (long titles, tall Naskh lines) makes the button taller, never clipped.
  size.y = std::max({size.y, z.touch(), measured.y + 2 * pad});
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const bool pressed = ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  const bool held = ImGui::IsItemActive();
  widgets::log_item(ui, id);

  ImVec4 fill = c.neutral;
  switch (tone) {
    case ButtonTone::Primary:
    case ButtonTone::Selected:
      fill = held ? c.primary_active : hovered ? c.primary_hover : c.primary;
      break;
    case ButtonTone::Quiet:
      fill = held ? c.primary_active : ImVec4(0, 0, 0, 0);  // on the dark bar: light text on dark
      break;
    case ButtonTone::Neutral:
      fill = held || hovered ? c.neutral_hover : c.neutral;
      break;
  }
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 max(pos.x + size.x, pos.y + size.y);
  const float rounding = z.px(12);
  if (fill.w > 0) list->AddRectFilled(pos, max, colour(fill), rounding);
  if (tone == ButtonTone::Selected) list->AddRect(pos, max, colour(c.text), rounding, 0, z.px(4));
  if (tone == ButtonTone::Quiet) list->AddRect(pos, max, colour(c.on_dark_muted), rounding, 0, z.px(2));

  const float y = pos.y + std::max(0.0f, (size.y - measured.y) / 2);
  s.painter().draw_at(list, ImVec2(pos.x + pad, y), label, lang, style, inner);
  return pressed;
}

void top_bar(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const std::string& lang, bool show_home) {
  const Theme& t = ui.theme;
  const Sizes z = Sizes::of(t);
  const ImVec2 origin = ImGui::GetCursorPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 screen = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(screen, ImVec2(screen.x + width, screen.y + z.bar),
                                            colour(t.colors().header_bar));
  const Mirror m{is_rtl(lang), origin.x, width};
  const float button_h = z.bar - z.px(20);
  const float button_y = origin.y + z.px(10);
  if (show_home) {
    const float w = z.px(220);
    ImGui::SetCursorPos(ImVec2(m.at_start(w, z.px(16)), button_y));
    if (shaped_button(ui, s, "home", say(b, lang, "home"), lang, ImVec2(w, button_h))) ui.emit(Navigate{"attract", ""});
  }
  // The language button names the current language in its own script, so anyone can find it.
  const auto* current = wc::find_language(lang);
  const std::string label = say(b, lang, "change_language") + ": " + std::string(current ? current->native_name : "English");
  const float w = z.px(420);
  ImGui::SetCursorPos(ImVec2(m.at_end(w, z.px(16)), button_y));
  if (shaped_button(ui, s, "change_language", label, lang, ImVec2(w, button_h))) ui.emit(Navigate{"languages", ""});
  ImGui::SetCursorPos(ImVec2(origin.x, origin.y + z.bar));
}

void general_information_strip(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const std::string& lang) {
  const Theme& t = ui.theme;
  const Sizes z = Sizes::of(t);
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 screen = ImGui::GetCursorScreenPos();
  text::Style style;
  style.size_px = z.small;
  style.bold = true;
  style.color = ImVec4(0.25f, 0.16f, 0.0f, 1.0f);
  style.align = ws::kiosk::text::Align::Center;
  const float pad = z.px(10);
  const ImVec2 size = s.painter().measure(say(b, lang, "general_information"), lang, style, width - 2 * pad);
  const float h = size.y + 2 * pad;
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(screen, ImVec2(screen.x + width, screen.y + h), colour(ImVec4(1.0f, 0.93f, 0.70f, 1.0f)));
  s.painter().draw_at(list, ImVec2(screen.x + pad, screen.y + pad), say(b, lang, "general_information"), lang, style,
                      width - 2 * pad);
  ImGui::Dummy(ImVec2(width, h));
  widgets::log_item(ui, "general_information");
}

void still_there_prompt(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const std::string& lang) {
  const Theme& t = ui.theme;
  const Sizes z = Sizes::of(t);
  const float width = std::min(ImGui::GetContentRegionAvail().x, z.px(1000));
  const float left = (ImGui::GetWindowWidth() - width) / 2;
  ImGui::SetCursorPos(ImVec2(left, ImGui::GetWindowHeight() * 0.28f));
  text::Style title;
  title.size_px = z.huge;
  title.bold = true;
  title.align = ws::kiosk::text::Align::Center;
  title.color = t.colors().text;
  s.painter().paragraph(say(b, lang, "still_there"), lang, title, width);
  widgets::log_item(ui, "still_there");
  ImGui::SetCursorPosX(left);
  ImGui::Dummy(ImVec2(0, z.gap() * 2));
  // The countdown in seconds, as digits every reader here knows.
  const std::string seconds = std::to_string((s.idle_reset_in_ms(ui.view.now_ms) + 999) / 1000);
  text::Style count = title;
  count.size_px = z.title;
  count.color = t.colors().text_muted;
  ImGui::SetCursorPosX(left);
  s.painter().paragraph(seconds, "en", count, width);
  ImGui::Dummy(ImVec2(0, z.gap() * 2));
  ImGui::SetCursorPosX(left + width * 0.2f);
  if (shaped_button(ui, s, "still_there_yes", say(b, lang, "still_there_yes"), lang, ImVec2(width * 0.6f, z.button * 1.3f),
                    ButtonTone::Primary, z.heading))
    s.confirm_presence(ui.view.now_ms);
}

void content_missing(Ui& ui, InfoSession& s) {
  const Sizes z = Sizes::of(ui.theme);
  ImGui::SetCursorPos(ImVec2(z.px(40), z.px(40)));
  text::Style style;
  style.size_px = z.body;
  style.color = ui.theme.colors().danger;
  s.painter().paragraph("Information pages are not available: " + s.bundle_problem(), "en", style,
                        ImGui::GetContentRegionAvail().x - z.px(40));
  widgets::log_item(ui, "content_missing");
}

}  // namespace ws::kiosk::ui::info
