#include "kiosk/ui/keyboard/on_screen_keyboard.hpp"

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <optional>
#include <utility>

#include <imgui_internal.h>

#include "kiosk/ui/text/gl_texture_sink.hpp"
#include "kiosk/ui/text/shaped_text.hpp"
#include "kiosk/ui/widgets/keyboard_hint.hpp"

namespace ws::kiosk::ui::keyboard {
namespace {

std::string hex_id(const char* prefix, const std::string& text) {
  std::string id = prefix;
  for (char32_t cp : code_points(text)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(cp));
    id += buf;
  }
  return id;
}

// Stable names for tests and KIOSK_DEBUG_FRAMES: code points for characters, words for controls.
std::string key_id(const Key& k) {
  switch (k.kind) {
    case KeyKind::Char: return hex_id("kb_u", k.text);
    case KeyKind::Consonant: return hex_id("kb_c", k.text);
    case KeyKind::Syllable: return hex_id("kb_s", k.text);
    case KeyKind::Shift: return "kb_shift";
    case KeyKind::Switch: return "kb_switch";
    case KeyKind::Symbols: return "kb_symbols";
    case KeyKind::Letters: return "kb_letters";
    case KeyKind::Space: return "kb_space";
    case KeyKind::Backspace: return "kb_backspace";
    case KeyKind::Left: return "kb_left";
    case KeyKind::Right: return "kb_right";
    case KeyKind::Enter: return "kb_enter";
    case KeyKind::Hide: return "kb_hide";
  }
  return "kb_key";
}

bool inside(ImVec2 p, ImVec2 min, ImVec2 max) { return p.x >= min.x && p.y >= min.y && p.x < max.x && p.y < max.y; }

// What ImGui would have made of the pointer: nothing (no hover, no click, no drag).
void hide_pointer(ImGuiIO& io) {
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  io.MouseDelta = ImVec2(0, 0);
  for (int i = 0; i < IM_ARRAYSIZE(io.MouseClicked); ++i) {
    io.MouseClicked[i] = false;
    io.MouseReleased[i] = false;
    io.MouseDoubleClicked[i] = false;
  }
}

// Index in io.KeysDown for an ImGui key. The GLFW backend maps every key it knows; a context
// without a backend (headless tests) gets an index above the backend's range.
int key_index(ImGuiIO& io, ImGuiKey key) {
  if (io.KeyMap[key] < 0) io.KeyMap[key] = IM_ARRAYSIZE(io.KeysDown) - ImGuiKey_COUNT + key;
  return io.KeyMap[key];
}

bool key_pressed(const ImGuiIO& io) {
  for (float duration : io.KeysDownDuration)
    if (duration == 0.0f) return true;
  return false;
}

ImU32 colour(const ImVec4& c) { return ImGui::ColorConvertFloat4ToU32(c); }

}  // namespace

OnScreenKeyboard::OnScreenKeyboard() = default;
OnScreenKeyboard::~OnScreenKeyboard() = default;

text::TextPainter& OnScreenKeyboard::painter() {
  if (!painter_) painter_ = std::make_unique<text::TextPainter>(text::make_texture_sink());
  return *painter_;
}

int OnScreenKeyboard::key_at(ImVec2 pos) const {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (inside(pos, keys_[i].min, keys_[i].max)) return static_cast<int>(i);
  return -1;
}

void OnScreenKeyboard::before_draw() {
  ImGuiIO& io = ImGui::GetIO();
  // Someone types on a real keyboard: the on-screen one makes way (until the next field).
  if (field_ != 0 && (!io.InputQueueCharacters.empty() || key_pressed(io))) hidden_ = physical_ = true;
  const bool down = io.MouseDown[0];
  const ImVec2 pos = io.MousePos;
  const bool over = (visible_ || hidden_) && inside(pos, panel_min_, panel_max_);
  if (down && !was_down_ && over) {
    capturing_ = true;
    pressed_ = key_at(pos);
  }
  const bool eat = over || capturing_;
  if (capturing_ && !down) {
    // A key fires on release over the key it was pressed on, as ImGui's buttons do.
    if (pressed_ >= 0 && key_at(pos) == pressed_) activate(keys_[static_cast<std::size_t>(pressed_)].key);
    capturing_ = false;
    pressed_ = -1;
  }
  was_down_ = down;
  if (eat) {
    hidden_pos_ = pos;
    hide_pointer(io);
  }
}

// The field sees the key this very frame: characters through ImGui's character queue, editing
// keys as a key held down for this frame only (released in after_draw, before the next
// NewFrame, so keyboard navigation never sees it).
void OnScreenKeyboard::activate(const Key& key) {
  if (key.kind == KeyKind::Hide && hidden_) {  // the "show keyboard" key while put away
    hidden_ = false;
    return;
  }
  const Effect e = model_.press(key);
  ImGuiIO& io = ImGui::GetIO();
  ImGuiKey imgui_key = ImGuiKey_COUNT;
  switch (e.kind) {
    case Effect::Kind::None: return;
    case Effect::Kind::Text: io.AddInputCharactersUTF8(e.text.c_str()); return;
    case Effect::Kind::Hide: hidden_ = true; return;
    case Effect::Kind::Backspace: imgui_key = ImGuiKey_Backspace; break;
    case Effect::Kind::Left: imgui_key = ImGuiKey_LeftArrow; break;
    case Effect::Kind::Right: imgui_key = ImGuiKey_RightArrow; break;
    case Effect::Kind::Enter: imgui_key = ImGuiKey_Enter; break;
  }
  held_key_ = key_index(io, imgui_key);
  io.KeysDown[held_key_] = true;
  io.KeysDownDuration[held_key_] = 0.0f;  // "pressed this frame" for IsKeyPressed
}

void OnScreenKeyboard::after_draw(Ui& ui, bool migrant_screen) {
  ImGuiIO& io = ImGui::GetIO();
  if (held_key_ >= 0) io.KeysDown[std::exchange(held_key_, -1)] = false;
  // The pointer is where it was: only this frame's widgets were not to see it.
  if (hidden_pos_) io.MousePos = *std::exchange(hidden_pos_, std::nullopt);

  std::optional<widgets::KeyboardHint> hint = widgets::take_keyboard_hint();
  const ImGuiID active = ImGui::GetActiveID();
  // A text field that does not report itself still gets a keyboard, without a kind or place.
  if (!hint && active != 0 && GImGui->InputTextState.ID == active) hint = widgets::KeyboardHint{};
  if (!hint || active == 0) {
    field_ = 0;
    hidden_ = physical_ = false;
  } else if (active != field_) {
    field_ = active;
    hidden_ = physical_ = false;
    const std::string lang = !hint->language.empty() ? hint->language : migrant_screen ? ui.view.lang : "en";
    model_.open(hint->kind, lang);
  }
  visible_ = field_ != 0 && !hidden_;
  place_keys(ui.theme);
  if (visible_ && hint) keep_field_visible(ui.theme, *hint);
  if (!visible_) offset_ = 0.0f;
  draw_keys(ui);

  char state[160];
  std::snprintf(state, sizeof state, "%d %d %.1f %s %d %u %d", visible_, hidden_, static_cast<double>(offset_),
                model_.layout().id.c_str(), model_.shifted(), static_cast<unsigned>(model_.pending_consonant()),
                pressed_);
  changed_ = last_state_ != state;
  last_state_ = state;
}

void OnScreenKeyboard::place_keys(const Theme& t) {
  keys_.clear();
  panel_min_ = panel_max_ = ImVec2(0, 0);
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float gap = t.px(8), pad = t.px(12);
  if (hidden_ && !physical_ && field_ != 0) {  // put away: one key to bring it back
    const float s = t.touch() * 1.4f;
    const ImVec2 max(display.x - pad, display.y - pad);
    keys_.push_back({Key{KeyKind::Hide, "", "", 1.0f}, "kb_show", ImVec2(max.x - s, max.y - s), max});
    panel_min_ = keys_.back().min;
    panel_max_ = max;
    return;
  }
  if (!visible_) return;
  const auto rows = model_.rows();
  float units = 1.0f;
  for (const auto& r : rows) {
    float u = 0;
    for (const auto& k : r) u += k.width;
    units = std::max(units, u);
  }
  // Keys as tall as a finger needs and, on a wide screen, not wider than twice their height.
  const float base_h = std::max(t.touch(), std::min(display.y * 0.085f, display.x * 0.075f));
  const float panel_w = std::min(display.x, display.y * 1.6f);
  const float slot_w = std::min((panel_w - 2 * pad) / units, base_h * 2.0f);
  const float key_h = std::max(t.touch(), std::min(base_h, slot_w * 0.9f));
  const float height = 2 * pad + static_cast<float>(rows.size()) * (key_h + gap) - gap;
  panel_min_ = ImVec2(0, display.y - height);
  panel_max_ = display;
  float y = panel_min_.y + pad;
  for (const auto& r : rows) {
    float u = 0;
    for (const auto& k : r) u += k.width;
    float x = (display.x - u * slot_w) / 2;
    for (const auto& k : r) {
      const float w = k.width * slot_w;
      keys_.push_back({k, key_id(k), ImVec2(x + gap / 2, y), ImVec2(x + w - gap / 2, y + key_h)});
      x += w;
    }
    y += key_h + gap;
  }
}

// The screen moves up just enough for the field to sit above the keyboard, never so far that
// the field's top leaves the screen.
void OnScreenKeyboard::keep_field_visible(const Theme& t, const widgets::KeyboardHint& hint) {
  if (hint.width <= 0 && hint.height <= 0) return;
  const float margin = t.gap();
  const float top = hint.y + offset_, bottom = hint.y + hint.height + offset_;  // as if not moved
  float target = std::max(0.0f, bottom + margin - panel_min_.y);
  target = std::min(target, std::max(0.0f, top - margin));
  offset_ = target;
}

void OnScreenKeyboard::draw_keys(Ui& ui) {
  if (keys_.empty()) return;
  const Theme& t = ui.theme;
  const Palette& c = t.colors();
  ImDrawList* list = ImGui::GetForegroundDrawList();
  if (visible_) list->AddRectFilled(panel_min_, panel_max_, colour(ImVec4(0.80f, 0.82f, 0.85f, 1.0f)));
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const Placed& p = keys_[i];
    const bool pressed = static_cast<int>(i) == pressed_;
    const bool primary = p.key.kind == KeyKind::Enter || p.id == "kb_show";
    const bool control = p.key.kind != KeyKind::Char && p.key.kind != KeyKind::Consonant &&
                         p.key.kind != KeyKind::Syllable && p.key.kind != KeyKind::Space;
    const bool lit = pressed || (p.key.kind == KeyKind::Shift && model_.shifted()) ||
                     (p.key.kind == KeyKind::Consonant && code_points(p.key.text).front() == model_.pending_consonant());
    ImVec4 fill = primary ? c.primary : control ? c.neutral : c.panel;
    if (lit) fill = primary ? c.primary_active : c.selected;
    list->AddRectFilled(p.min, p.max, colour(fill), t.px(10));
    list->AddRect(p.min, p.max, colour(c.border), t.px(10));
    const std::string label = p.id == "kb_show" ? "\xe2\x8c\xa8" : model_.label(p.key);  // ⌨
    text::Style style;
    style.size_px = (p.max.y - p.min.y) * 0.42f;
    style.color = primary ? ImVec4(1, 1, 1, 1) : c.text;
    std::string lang = language_of_text(label);
    if (lang.empty()) lang = "en";
    const ImVec2 size = painter().measure(label, lang, style, 0.0f);
    const ImVec2 at((p.min.x + p.max.x - size.x) / 2, (p.min.y + p.max.y - size.y) / 2);
    painter().draw_at(list, at, label, lang, style);
    if (ui.log) {
      // Keys are drawn on the keyboard's own layer: the layout check compares them with each
      // other, not with the page the keyboard slides over.
      ItemLog::Item item;
      item.label = p.id;
      item.id = p.id;
      item.min = p.min;
      item.max = p.max;
      item.interactive = true;
      item.window = ImGui::GetID("##on_screen_keyboard");
      item.clip_min = ImVec2(0, 0);
      item.clip_max = ImGui::GetIO().DisplaySize;
      ui.log->items.push_back(std::move(item));
    }
  }
  painter().end_frame();
}

}  // namespace ws::kiosk::ui::keyboard
