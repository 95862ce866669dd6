// The shaped text field without a window: taps focus it and place the caret, characters and
// keys arrive through ImGui IO (as from a physical or the on-screen keyboard), the keyboard
// hint is given while it has focus, and right-to-left text sits at the right edge.
#include <cfloat>
#include <functional>
#include <string>

#include <doctest/doctest.h>
#include <imgui.h>

#include "headless.hpp"
#include "kiosk/ui/widgets/keyboard_hint.hpp"
#include "kiosk/ui/widgets/text_input.hpp"

using namespace ws::kiosk::ui;
using ws::kiosk::ui::widgets::InputFilter;
using ws::kiosk::ui::widgets::KeyboardKind;
using ws::kiosk::ui::widgets::TextInputOptions;

namespace {

class FieldHarness {
 public:
  FieldHarness() {
    ImGuiIO& io = ImGui::GetIO();
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;  // key index = ImGuiKey
  }

  // One frame with the field at (100, 100), 600 px wide.
  bool frame() {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("host", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGui::SetCursorScreenPos(ImVec2(100, 100));
    Ui ui{headless.theme, view, intents, nullptr};
    const bool changed = widgets::text_input(ui, "##field", value, options);
    min = ImGui::GetItemRectMin();
    max = ImGui::GetItemRectMax();
    ImGui::End();
    ImGui::Render();
    hint = widgets::take_keyboard_hint();
    return changed;
  }

  void tap(float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
  }
  void tap_middle() { tap((min.x + max.x) / 2, (min.y + max.y) / 2); }

  void type(const char* utf8) {
    ImGui::GetIO().AddInputCharactersUTF8(utf8);
    frame();
  }

  void key(ImGuiKey k, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyShift = shift;
    io.KeysDown[k] = true;
    frame();
    io.KeysDown[k] = false;
    io.KeyShift = false;
    frame();
  }

  ui_test::Headless headless;
  AppView view;
  IntentQueue intents;
  std::string value;
  TextInputOptions options{600.0f, 0.0f, nullptr, "", InputFilter::None, KeyboardKind::Text, 4096};
  std::optional<widgets::KeyboardHint> hint;
  ImVec2 min, max;
};

}  // namespace

TEST_CASE("a tap focuses the field, typed text lands in it and the keyboard is asked for") {
  FieldHarness h;
  h.frame();
  CHECK_FALSE(h.hint.has_value());
  CHECK(h.max.x - h.min.x == doctest::Approx(600));
  h.tap_middle();
  CHECK(widgets::text_input_active());
  REQUIRE(h.hint.has_value());
  CHECK(h.hint->kind == KeyboardKind::Text);
  CHECK(h.hint->x == doctest::Approx(100));
  CHECK(h.hint->width == doctest::Approx(600));
  h.type("Ahmad ");
  h.type("احمد");
  CHECK(h.value == "Ahmad احمد");
  CHECK(h.hint.has_value());  // every frame while focused

  // A tap elsewhere gives up focus; the keyboard is no longer asked for.
  h.tap(50, 700);
  CHECK_FALSE(widgets::text_input_active());
  CHECK_FALSE(h.hint.has_value());
  h.type("x");
  CHECK(h.value == "Ahmad احمد");
}

TEST_CASE("keys edit through IO: arrows, backspace, delete, shift-selection, Enter") {
  FieldHarness h;
  h.frame();
  h.tap_middle();
  h.type("abcd");
  h.key(ImGuiKey_LeftArrow);
  h.key(ImGuiKey_Backspace);
  CHECK(h.value == "abd");
  h.key(ImGuiKey_Home);
  h.key(ImGuiKey_Delete);
  CHECK(h.value == "bd");
  h.key(ImGuiKey_End);
  h.key(ImGuiKey_LeftArrow, true);
  h.key(ImGuiKey_LeftArrow, true);
  h.type("سلام");  // replaces the selection
  CHECK(h.value == "سلام");
  h.key(ImGuiKey_Enter);  // one line: Enter leaves the field
  CHECK_FALSE(widgets::text_input_active());
}

TEST_CASE("right-to-left text starts at the field's right edge: a tap there puts the caret before it") {
  FieldHarness h;
  h.value = "سلام دنیا";
  h.frame();
  h.tap(h.max.x - 20, (h.min.y + h.max.y) / 2);
  h.type("x");
  CHECK(h.value == "xسلام دنیا");
  // And Latin text starts at the left edge.
  h.value = "hello";
  h.frame();
  h.tap(h.min.x + 20, (h.min.y + h.max.y) / 2);
  h.type("y");
  CHECK(h.value == "yhello");
}

TEST_CASE("a value changed from outside replaces what the field holds") {
  FieldHarness h;
  h.frame();
  h.tap_middle();
  h.type("abc");
  h.value.clear();  // e.g. the screen reset its form
  h.frame();
  h.type("z");
  CHECK(h.value == "z");
}

TEST_CASE("filters and kinds: a phone field takes digits, +, - and spaces and asks for the phone pad") {
  FieldHarness h;
  h.options.filter = InputFilter::Phone;
  h.options.keyboard = KeyboardKind::Phone;
  h.frame();
  h.tap_middle();
  REQUIRE(h.hint.has_value());
  CHECK(h.hint->kind == KeyboardKind::Phone);
  h.type("+47 a12-3b");
  CHECK(h.value == "+47 12-3");
}

TEST_CASE("a note wraps and Enter starts a new line") {
  FieldHarness h;
  h.options.height = 200.0f;
  h.frame();
  CHECK(h.max.y - h.min.y == doctest::Approx(200));
  h.tap_middle();
  h.type("first");
  h.key(ImGuiKey_Enter);
  h.type("ثانی");
  CHECK(h.value == "first\nثانی");
  CHECK(widgets::text_input_active());
}

TEST_CASE("a focused field with nothing typed lets the window sleep: active, but waiting for text") {
  // The window loop counts an active item as busy (redraw every frame) unless it waits for
  // text input, as a focused field does: with no blink, a still field draws nothing.
  FieldHarness h;
  h.frame();
  h.tap_middle();
  h.type("abc");
  h.frame();
  h.frame();
  CHECK(ImGui::IsAnyItemActive());
  CHECK(ImGui::GetIO().WantTextInput);
  h.tap(50, 700);
  h.frame();
  CHECK_FALSE(ImGui::IsAnyItemActive());
  CHECK_FALSE(ImGui::GetIO().WantTextInput);
}
