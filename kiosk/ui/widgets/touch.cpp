#include "kiosk/ui/widgets/touch.hpp"

#include <algorithm>
#include <cstring>

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include "kiosk/ui/widgets/text_input.hpp"

#include "kiosk/ui/widgets/active_field.hpp"
namespace ws::kiosk::ui::widgets {
namespace {

// Inside BeginDisabled(): ImGui's own fading is off (style.DisabledAlpha = 1), the theme's
// disabled colours are used instead.
bool disabled_now() { return (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0; }

void push_tone(const Theme& theme, Tone tone) {
  const Palette& c = theme.colors();
  ImVec4 base = c.neutral, hover = c.neutral_hover, active = c.selected, text = c.text;
  if (disabled_now()) {
    ImGui::PushStyleColor(ImGuiCol_Button, c.disabled);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c.disabled);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, c.disabled);
    ImGui::PushStyleColor(ImGuiCol_Text, c.disabled_text);
    return;
  }
  switch (tone) {
    case Tone::Neutral: break;
    case Tone::Primary: base = c.primary; hover = c.primary_hover; active = c.primary_active; text = ImVec4(1, 1, 1, 1); break;
    case Tone::Danger: base = c.danger; hover = ImVec4(0.80f, 0.15f, 0.15f, 1); active = ImVec4(0.55f, 0.05f, 0.05f, 1); text = ImVec4(1, 1, 1, 1); break;
    case Tone::Selected: base = c.primary; hover = c.primary_hover; active = c.primary_active; text = ImVec4(1, 1, 1, 1); break;
  }
  ImGui::PushStyleColor(ImGuiCol_Button, base);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, hover);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, active);
  ImGui::PushStyleColor(ImGuiCol_Text, text);
}

ImVec2 button_size(const Ui& ui, const char* label, float width) {
  const std::string visible = visible_label(label);
  const ImVec2 text = ImGui::CalcTextSize(visible.c_str());
  const float pad = ImGui::GetStyle().FramePadding.x * 2;
  float w = width;
  if (w == 0.0f) w = std::max(ui.theme.touch() * 1.5f, text.x + pad * 1.5f);
  if (w < 0.0f) w = ImGui::GetContentRegionAvail().x;
  return ImVec2(w, std::max(ui.theme.touch(), text.y + ImGui::GetStyle().FramePadding.y * 2));
}

}  // namespace

std::string visible_label(const char* label) {
  const char* end = std::strstr(label, "##");
  return end ? std::string(label, end) : std::string(label);
}

void log_item(Ui& ui, const char* label) {
  if (!ui.log) return;
  // Widgets without a visible label ("##search") are found by their id instead.
  std::string name = visible_label(label);
  if (name.empty()) name = label;
  ItemLog::Item item;
  item.label = std::move(name);
  if (const char* hashes = std::strstr(label, "##")) item.id = std::string(hashes).substr(std::strspn(hashes, "#"));
  item.min = ImGui::GetItemRectMin();
  item.max = ImGui::GetItemRectMax();
  item.interactive = ImGui::GetItemID() != 0;
  item.window = ImGui::GetCurrentWindow()->RootWindow->ID;
  item.clip_min = ImGui::GetWindowDrawList()->GetClipRectMin();
  item.clip_max = ImGui::GetWindowDrawList()->GetClipRectMax();
  ui.log->items.push_back(std::move(item));
}

void allow_overlap(Ui& ui) {
  ImGui::SetItemAllowOverlap();
  if (ui.log && !ui.log->items.empty()) ui.log->items.back().backdrop = true;
}

namespace {

// A button's label is drawn by ImGui inside its frame, clipped to it: note both widths.
void log_button(Ui& ui, const char* label) {
  log_item(ui, label);
  if (!ui.log) return;
  ItemLog::Item& item = ui.log->items.back();
  item.label_width = ImGui::CalcTextSize(visible_label(label).c_str()).x;
  item.label_room = item.max.x - item.min.x - 2 * ImGui::GetStyle().FramePadding.x;
}

}  // namespace

bool button(Ui& ui, const char* label, float width, Tone tone) {
  push_tone(ui.theme, tone);
  const bool pressed = ImGui::Button(label, button_size(ui, label, width));
  ImGui::PopStyleColor(4);
  log_button(ui, label);
  return pressed;
}

bool toggle(Ui& ui, const char* label, bool selected, float width) {
  push_tone(ui.theme, selected ? Tone::Selected : Tone::Neutral);
  if (selected) ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, ui.theme.px(3));
  const bool pressed = ImGui::Button(label, button_size(ui, label, width));
  if (selected) ImGui::PopStyleVar();
  ImGui::PopStyleColor(4);
  log_button(ui, label);
  return pressed;
}

bool text_field(Ui& ui, const char* label, std::string& value, float width, int flags) {
  const std::string visible = visible_label(label);
  if (!visible.empty()) ImGui::TextUnformatted(visible.c_str());
  const std::string id = std::string("##field_") + label;
  bool changed = false;
  if (flags & ImGuiInputTextFlags_Password) {
    // Secrets stay masked with dots by ImGui: there is nothing to shape.
    ImGui::SetNextItemWidth(width < 0 ? ImGui::GetContentRegionAvail().x : width);
    changed = ImGui::InputText(id.c_str(), &value, flags);
    hint_active_field(KeyboardKind::Text);
  } else {
    TextInputOptions options;
    options.width = width;
    changed = text_input(ui, id.c_str(), value, options);
  }
  log_item(ui, label);
  return changed;
}

void row_label(Ui& ui, const char* text) {
  const float top = ImGui::GetCursorPosY();
  ImGui::PushFont(ui.theme.fonts().small);
  ImGui::SetCursorPosY(top + (ui.theme.touch() - ImGui::GetFontSize()) / 2);
  ImGui::TextUnformatted(text);
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::SetCursorPosY(top);
}

void heading(Ui& ui, const char* text) {
  ImGui::PushFont(ui.theme.fonts().heading);
  ImGui::TextUnformatted(text);
  ImGui::PopFont();
}

void caption(Ui& ui, const char* text) {
  ImGui::PushFont(ui.theme.fonts().small);
  ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.colors().text_muted);
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

void message(Ui& ui, const std::string& text, bool error) {
  if (text.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, error ? ui.theme.colors().danger : ui.theme.colors().success);
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

void badge(Ui& ui, const char* text, const ImVec4& colour) {
  ImGui::PushFont(ui.theme.fonts().small);
  const ImVec2 size = ImGui::CalcTextSize(text);
  const ImVec2 pad(ui.theme.px(10), ui.theme.px(4));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(pos, ImVec2(pos.x + size.x + pad.x * 2, pos.y + size.y + pad.y * 2),
                      ImGui::ColorConvertFloat4ToU32(colour), ui.theme.px(12));
  draw->AddText(ImVec2(pos.x + pad.x, pos.y + pad.y), IM_COL32_WHITE, text);
  ImGui::Dummy(ImVec2(size.x + pad.x * 2, size.y + pad.y * 2));
  ImGui::PopFont();
}

void title_bar(Ui& ui, const char* title, bool back_button) {
  const Theme& t = ui.theme;
  const float height = t.px(96);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height),
                                            ImGui::ColorConvertFloat4ToU32(t.colors().header_bar), t.px(8));
  ImGui::SetCursorScreenPos(ImVec2(pos.x + t.px(16), pos.y + (height - t.touch()) / 2));
  float title_x = pos.x + t.px(24);
  if (back_button) {
    if (button(ui, "\xe2\x86\x90 Back###back", 0.0f, Tone::Neutral)) ui.emit(GoBack{});
    // Not SameLine(): that would move the title down by the button's text offset.
    title_x = ImGui::GetItemRectMax().x + t.gap() + t.px(8);
  }
  ImGui::PushFont(t.fonts().heading);
  ImGui::SetCursorScreenPos(ImVec2(title_x, pos.y + (height - ImGui::GetFontSize()) / 2));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::PopFont();
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + height + t.gap()));
}

}  // namespace ws::kiosk::ui::widgets
