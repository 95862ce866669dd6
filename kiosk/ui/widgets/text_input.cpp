#include "kiosk/ui/widgets/text_input.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <imgui.h>
#include <imgui_internal.h>

#include "kiosk/text/fonts.hpp"
#include "kiosk/text/text_edit.hpp"
#include "kiosk/ui/text/gl_texture_sink.hpp"
#include "kiosk/ui/text/shaped_text.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::widgets {
namespace {

namespace kt = ws::kiosk::text;

// One field has focus at a time; what it holds is dropped the moment it loses focus.
struct ActiveField {
  ImGuiID id = 0;
  std::unique_ptr<kt::TextEdit> edit;
  float scroll_x = 0.0f, scroll_y = 0.0f;
  bool selecting = false;  // a press inside the field is being dragged
};

ActiveField& active() {
  static ActiveField field;
  return field;
}

// One painter for every field. Never destroyed: its GL textures die with the context, and a
// static destructor would run after GLFW is gone.
text::TextPainter& painter() {
  static text::TextPainter* p = new text::TextPainter(text::make_texture_sink());
  static int collected_frame = -1;
  if (ImGui::GetFrameCount() != collected_frame) {
    collected_frame = ImGui::GetFrameCount();
    p->end_frame();
  }
  return *p;
}

// ImGui sizes a font by its line (ascent + descent), Pango by its em. The ratio of the two for
// the body family, measured once, makes typed text as large as the ImGui labels around it.
float em_for_imgui_size(float imgui_size) {
  static const float line_per_em = [] {
    kt::TextSpec probe;
    probe.text = "Hg";
    probe.font_family = kt::font_family_for("en");
    probe.size_px = 100.0;
    probe.line_spacing = 1.0;
    auto e = painter().layouter().measure(probe);
    return e && e->height > 0 ? static_cast<float>(e->height) / 100.0f : 1.0f;
  }();
  return imgui_size / line_per_em;
}

std::uint8_t channel(float v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

kt::EditStyle edit_style(const Ui& ui, const TextInputOptions& o, float wrap_width) {
  const std::string code = o.language.empty() ? ui.view.lang : o.language;
  const auto* lang = ws::content::find_language(code);
  kt::EditStyle s;
  s.language = lang ? std::string(lang->bcp47) : "en";
  // Digits, dates and phone numbers read left to right in every language we show.
  s.fallback = lang && lang->rtl && o.filter == InputFilter::None ? kt::Direction::Rtl : kt::Direction::Ltr;
  s.size_px = std::round(o.size_px > 0 ? o.size_px : em_for_imgui_size(ImGui::GetFontSize()));
  const ImVec4 c = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  s.color = {channel(c.x), channel(c.y), channel(c.z), channel(c.w)};
  s.wrap_width_px = wrap_width > 0 ? static_cast<int>(wrap_width) : 0;
  s.max_bytes = o.max_bytes;
  return s;
}

bool accepts(InputFilter filter, ImWchar c) {
  const bool digit = c >= '0' && c <= '9';
  switch (filter) {
    case InputFilter::None: return c >= 0x20 && c != 0x7F && c != IM_UNICODE_CODEPOINT_INVALID;
    case InputFilter::Decimal: return digit || c == '.' || c == '+' || c == '-' || c == '*' || c == '/';
    case InputFilter::Scientific: return digit || c == '.' || c == '+' || c == '-' || c == '*' || c == '/' || c == 'e' || c == 'E';
    case InputFilter::Phone: return digit || c == '+' || c == ' ' || c == '-';
  }
  return false;
}

std::string utf8_of(ImWchar c) {
  char buf[8] = {};
  ImTextCharToUtf8(buf, c);
  return buf;
}

bool pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key)); }

// Keys and typed characters of this frame; true when the text changed. `done` is set when the
// field should give up focus (Enter on one line, Escape).
bool apply_keys(kt::TextEdit& e, const TextInputOptions& o, bool multiline, bool& done) {
  ImGuiIO& io = ImGui::GetIO();
  const bool shift = io.KeyShift, ctrl = io.KeyCtrl || io.KeySuper;
  bool changed = false;
  if (pressed(ImGuiKey_LeftArrow)) e.move_visually(-1, shift);
  if (pressed(ImGuiKey_RightArrow)) e.move_visually(+1, shift);
  if (multiline && pressed(ImGuiKey_UpArrow)) e.move_line(-1, shift);
  if (multiline && pressed(ImGuiKey_DownArrow)) e.move_line(+1, shift);
  if (pressed(ImGuiKey_Home)) e.home(shift);
  if (pressed(ImGuiKey_End)) e.end(shift);
  if (pressed(ImGuiKey_Backspace)) changed |= e.backspace();
  if (pressed(ImGuiKey_Delete)) changed |= e.delete_forward();
  if (ctrl && pressed(ImGuiKey_A)) e.select_all();
  if (ctrl && (pressed(ImGuiKey_C) || pressed(ImGuiKey_X)) && e.has_selection())
    ImGui::SetClipboardText(e.selected_text().c_str());
  if (ctrl && pressed(ImGuiKey_X)) changed |= e.backspace();
  if (ctrl && pressed(ImGuiKey_V))
    if (const char* clip = ImGui::GetClipboardText()) changed |= e.insert(o.filter == InputFilter::None ? clip : "");
  if (pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter)) {
    if (multiline) changed |= e.insert("\n");
    else done = true;
  }
  if (pressed(ImGuiKey_Escape)) done = true;
  if (!ctrl) {
    std::string typed;
    for (ImWchar c : io.InputQueueCharacters)
      if (accepts(o.filter, c)) typed += utf8_of(c);
    if (!typed.empty()) changed |= e.insert(typed);
  }
  io.InputQueueCharacters.resize(0);  // taken: nothing else reads them
  return changed;
}

void activate(ImGuiID id, ImGuiWindow* window, bool multiline) {
  ImGuiContext& g = *GImGui;
  ImGui::SetActiveID(id, window);
  ImGui::SetFocusID(id, window);
  ImGui::FocusWindow(window);
  // Arrows, Home/End and Escape edit the text instead of moving keyboard navigation.
  g.ActiveIdUsingNavDirMask |= (1 << ImGuiDir_Left) | (1 << ImGuiDir_Right);
  if (multiline) g.ActiveIdUsingNavDirMask |= (1 << ImGuiDir_Up) | (1 << ImGuiDir_Down);
  g.ActiveIdUsingNavInputMask |= (1 << ImGuiNavInput_Cancel);
  g.ActiveIdUsingKeyInputMask |= (static_cast<ImU64>(1) << ImGuiKey_Home) | (static_cast<ImU64>(1) << ImGuiKey_End);
}

// Where the layout box's top-left goes so the caret stays inside the field: one line scrolls
// sideways (right-to-left text starts at the right edge), a note scrolls down.
ImVec2 box_origin(ActiveField* a, const ImRect& inner, const ImVec2& box, bool rtl, bool multiline, const kt::CaretRect* caret) {
  if (multiline) {
    float scroll = a ? a->scroll_y : 0.0f;
    if (a && caret) {
      scroll = std::min(scroll, caret->y);
      scroll = std::max(scroll, caret->y + caret->height - inner.GetHeight());
      scroll = std::clamp(scroll, 0.0f, std::max(0.0f, box.y - inner.GetHeight()));
      a->scroll_y = scroll;
    }
    return ImVec2(inner.Min.x, inner.Min.y - scroll);
  }
  const float inner_w = inner.GetWidth();
  const float base = rtl ? inner_w - box.x : 0.0f;
  float scroll = a ? a->scroll_x : 0.0f;
  if (a && caret) {
    const float cx = base + scroll + caret->x;
    if (cx < 0) scroll -= cx;
    if (cx > inner_w - 2) scroll -= cx - (inner_w - 2);
    const float overflow = std::max(0.0f, box.x - inner_w);
    scroll = rtl ? std::clamp(scroll, 0.0f, overflow) : std::clamp(scroll, -overflow, 0.0f);
    a->scroll_x = scroll;
  }
  return ImVec2(inner.Min.x + base + scroll, inner.GetCenter().y - box.y / 2);
}

void draw_field(const ImRect& bb, const ImRect& inner, const kt::TextSpec& spec, ActiveField* a, bool multiline,
                const char* hint) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  ImDrawList* list = window->DrawList;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::RenderFrame(bb.Min, bb.Max, ImGui::GetColorU32(a ? ImGuiCol_FrameBgActive : ImGuiCol_FrameBg), true,
                     style.FrameRounding);
  if (a) list->AddRect(bb.Min, bb.Max, ImGui::GetColorU32(ImGuiCol_NavHighlight), style.FrameRounding, 0, 2.0f);
  auto tex = painter().cache().text(spec);
  const ImVec2 box = tex ? ImVec2(static_cast<float>(tex->box_width), static_cast<float>(tex->box_height))
                         : ImVec2(0, ImGui::GetFontSize());
  kt::CaretRect caret{};
  if (a) caret = a->edit->caret_rect();
  const ImVec2 at = box_origin(a, inner, box, spec.direction == kt::Direction::Rtl, multiline, a ? &caret : nullptr);
  list->PushClipRect(ImVec2(inner.Min.x - 2, bb.Min.y), ImVec2(inner.Max.x + 2, bb.Max.y), true);
  if (a)
    for (const auto& r : a->edit->selection_rects())
      list->AddRectFilled(ImVec2(at.x + r.x0, at.y + r.y0), ImVec2(at.x + r.x1, at.y + r.y1),
                          ImGui::GetColorU32(ImGuiCol_TextSelectedBg));
  if (spec.text.empty() && hint)
    list->AddText(ImVec2(inner.Min.x, multiline ? inner.Min.y : inner.GetCenter().y - ImGui::GetFontSize() / 2),
                  ImGui::GetColorU32(ImGuiCol_TextDisabled), hint);
  else
    (void)painter().draw_spec(list, at, spec);
  if (a) {
    const float x = std::floor(std::clamp(at.x + caret.x, inner.Min.x - 1, inner.Max.x + 1));
    const float w = std::max(2.0f, std::round(ImGui::GetFontSize() / 14));
    list->AddRectFilled(ImVec2(x - w / 2, at.y + caret.y), ImVec2(x + w / 2, at.y + caret.y + caret.height),
                        ImGui::GetColorU32(ImGuiCol_Text));
  }
  list->PopClipRect();
}

}  // namespace

bool text_input_active() {
  const ActiveField& a = active();
  return a.edit && GImGui && GImGui->ActiveId == a.id;
}

bool text_input(Ui& ui, const char* id_str, std::string& value, const TextInputOptions& o) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (window->SkipItems) return false;
  ImGuiContext& g = *GImGui;
  ImGuiIO& io = g.IO;
  const ImGuiID id = window->GetID(id_str);
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool multiline = o.height > 0;
  const float width = o.width < 0 ? ImGui::GetContentRegionAvail().x : o.width;
  const ImVec2 size(std::max(width, 1.0f), multiline ? o.height : ImGui::GetFrameHeight());
  const ImRect bb(window->DC.CursorPos, ImVec2(window->DC.CursorPos.x + size.x, window->DC.CursorPos.y + size.y));
  const ImRect inner(ImVec2(bb.Min.x + style.FramePadding.x, bb.Min.y + (multiline ? style.FramePadding.y : 0)),
                     ImVec2(bb.Max.x - style.FramePadding.x, bb.Max.y - (multiline ? style.FramePadding.y : 0)));
  ImGui::ItemSize(size, style.FramePadding.y);
  if (!ImGui::ItemAdd(bb, id)) return false;
  const bool hovered = ImGui::ItemHoverable(bb, id);
  if (hovered) g.MouseCursor = ImGuiMouseCursor_TextInput;

  ActiveField& a = active();
  if (a.id != 0 && g.ActiveId != a.id) a = ActiveField{};  // focus went elsewhere: forget the text
  const kt::EditStyle edit = edit_style(ui, o, multiline ? inner.GetWidth() : 0.0f);
  const bool clicked = hovered && io.MouseClicked[0];
  if (clicked && a.id != id) {
    activate(id, window, multiline);
    a = ActiveField{};
    a.id = id;
    a.edit = std::make_unique<kt::TextEdit>(painter().layouter(), edit);
    a.edit->set_text(value);
  } else if (a.id == id && io.MouseClicked[0] && !hovered) {
    ImGui::ClearActiveID();
    a = ActiveField{};
  }

  bool changed = false;
  if (a.id == id) {
    kt::TextEdit& e = *a.edit;
    e.set_style(edit);
    if (e.text() != value) e.set_text(value);  // changed from outside (reset, prefill)
    g.WantTextInputNextFrame = 1;
    // Where the layout box lies this frame, for taps: the same origin draw_field uses.
    auto tex = painter().cache().text(e.spec());
    const ImVec2 box = tex ? ImVec2(static_cast<float>(tex->box_width), static_cast<float>(tex->box_height)) : ImVec2();
    const ImVec2 at = box_origin(&a, inner, box, e.spec().direction == kt::Direction::Rtl, multiline, nullptr);
    if (clicked) {
      e.place(io.MousePos.x - at.x, io.MousePos.y - at.y, io.KeyShift);
      a.selecting = true;
    } else if (a.selecting && io.MouseDown[0]) {
      if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0) e.place(io.MousePos.x - at.x, io.MousePos.y - at.y, true);
    } else {
      a.selecting = false;
    }
    bool done = false;
    changed = apply_keys(e, o, multiline, done);
    if (changed) value = e.text();
    hint_keyboard({o.keyboard, o.language, bb.Min.x, bb.Min.y, size.x, size.y});
    if (done) {
      ImGui::ClearActiveID();
      draw_field(bb, inner, e.spec(), nullptr, multiline, o.hint);
      a = ActiveField{};
      return changed;
    }
    draw_field(bb, inner, e.spec(), &a, multiline, o.hint);
    return changed;
  }
  const kt::TextSpec spec = kt::typed_text_spec(value, edit);
  draw_field(bb, inner, spec, nullptr, multiline, o.hint);
  return false;
}

}  // namespace ws::kiosk::ui::widgets
