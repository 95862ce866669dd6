// The on-screen keyboard through the real Shell and Dear ImGui, headless: a tap on a field opens
// it in the visitor's language, taps on its keys type into the field through ImGui's own input
// (the field keeps its focus), editing keys work, the field is never covered, and a physical
// keyboard still types.
#include <doctest/doctest.h>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "headless.hpp"
#include "kiosk/ui/widgets/active_field.hpp"
#include "kiosk/ui/widgets/touch.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

// One text field at a chosen height, reporting itself like every kiosk field does.
struct FieldSpec {
  float y = 100.0f;
  ui::widgets::KeyboardKind kind = ui::widgets::KeyboardKind::Text;
  std::string language;
};

std::string g_value;  // what the field holds (the screen is rebuilt by the registry)

class FieldScreen : public ui::Screen {
 public:
  explicit FieldScreen(FieldSpec spec) : spec_(std::move(spec)) {}
  void draw(ui::Ui& ui) override {
    ImGui::SetCursorPosY(spec_.y);
    ImGui::SetNextItemWidth(ui.theme.px(600));
    ImGui::InputText("##field", &g_value);
    ui::widgets::hint_active_field(spec_.kind, spec_.language);
    ui::widgets::log_item(ui, "field");
    if (ui::widgets::button(ui, "elsewhere")) clicked_elsewhere = true;
  }
  static inline bool clicked_elsewhere = false;

 private:
  FieldSpec spec_;
};

struct Rig {
  Headless imgui;
  std::unique_ptr<ui::Shell> shell;

  explicit Rig(FieldSpec spec, const std::string& lang = "prs") {
    g_value.clear();
    ui::ScreenRegistry registry;
    REQUIRE(registry.add({"field", ui::Audience::Migrant, [spec] { return std::make_unique<FieldScreen>(spec); }, "a field"}));
    ui::AppView view;
    view.lang = lang;
    shell = std::make_unique<ui::Shell>(std::move(registry), nullptr, view);
    REQUIRE(shell->navigate("field"));
    (void)imgui.frame(*shell);
  }
  void tap(const std::string& id) { (void)imgui.tap(*shell, id); }
};

}  // namespace

TEST_CASE("taps on the keyboard type Dari into the field, which keeps its focus") {
  Rig rig({});
  CHECK_FALSE(rig.shell->keyboard().visible());
  rig.tap("field");
  REQUIRE(rig.shell->keyboard().visible());
  CHECK(rig.shell->keyboard().model().layout().id == "prs");  // the visitor's language
  for (const char* key : {"kb_u067e", "kb_u062f", "kb_u0631"}) rig.tap(key);  // پ د ر
  CHECK(g_value == "\xd9\xbe\xd8\xaf\xd8\xb1");
  CHECK(rig.shell->keyboard().visible());
  // Backspace, then cursor left and a letter before the last one.
  rig.tap("kb_backspace");
  CHECK(g_value == "\xd9\xbe\xd8\xaf");
  rig.tap("kb_left");
  rig.tap("kb_u0627");  // ا
  CHECK(g_value == "\xd9\xbe\xd8\xa7\xd8\xaf");
  rig.tap("kb_right");
  rig.tap("kb_space");
  CHECK(g_value == "\xd9\xbe\xd8\xa7\xd8\xaf ");
  // Done: the field lets go and the keyboard closes.
  rig.tap("kb_enter");
  (void)rig.imgui.frame(*rig.shell);
  CHECK_FALSE(rig.shell->keyboard().visible());
  CHECK_FALSE(rig.imgui.shows("kb_space"));
}

TEST_CASE("a tap on a key over a button does not press the button under it") {
  FieldScreen::clicked_elsewhere = false;
  Rig rig({});
  rig.tap("field");
  // Put the "elsewhere" button under the keyboard's space bar: tap the space bar, no click.
  REQUIRE(rig.shell->keyboard().visible());
  rig.tap("kb_space");
  CHECK(g_value == " ");
  CHECK_FALSE(FieldScreen::clicked_elsewhere);
}

TEST_CASE("the Tigrinya picker types a syllable: consonant, then vowel order") {
  Rig rig({}, "ti");
  rig.tap("field");
  REQUIRE(rig.shell->keyboard().model().layout().id == "ti");
  rig.tap("kb_c1230");  // ሰ
  rig.tap("kb_s1232");  // ሲ
  rig.tap("kb_c1208");  // ለ
  rig.tap("kb_s120e");  // ሎ
  CHECK(g_value == "\xe1\x88\xb2\xe1\x88\x8e");
}

TEST_CASE("a field's kind and language choose the pad or layout") {
  SUBCASE("a phone field gets the phone pad") {
    Rig rig({100.0f, ui::widgets::KeyboardKind::Phone, ""});
    rig.tap("field");
    CHECK(rig.shell->keyboard().model().layout().id == "phone");
    for (const char* key : {"kb_u002b", "kb_u0034", "kb_u0037"}) rig.tap(key);
    CHECK(g_value == "+47");
    CHECK_FALSE(rig.imgui.shows("kb_switch"));
  }
  SUBCASE("a date field gets the date pad") {
    Rig rig({100.0f, ui::widgets::KeyboardKind::Date, ""});
    rig.tap("field");
    CHECK(rig.shell->keyboard().model().layout().id == "date");
  }
  SUBCASE("a field asking for Ukrainian gets Ukrainian, whatever the visitor's language") {
    Rig rig({100.0f, ui::widgets::KeyboardKind::Text, "uk"});
    rig.tap("field");
    CHECK(rig.shell->keyboard().model().layout().id == "uk");
    rig.tap("kb_shift");
    rig.tap("kb_u0457");  // ї, shifted
    rig.tap("kb_u0457");
    CHECK(g_value == "\xd0\x87\xd1\x97");  // Її
  }
}

TEST_CASE("the field low on the screen moves up above the keyboard") {
  for (auto [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1280, 800}}) {
    CAPTURE(w);
    Rig rig({static_cast<float>(h) * 0.85f, ui::widgets::KeyboardKind::Text, ""});
    ImGui::GetIO().DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
    rig.imgui.theme.apply(ui::Theme::scale_for_size(w, h));
    (void)rig.imgui.frame(*rig.shell);
    rig.tap("field");
    (void)rig.imgui.frame(*rig.shell);
    REQUIRE(rig.shell->keyboard().visible());
    const auto* field = rig.imgui.log.find("field");
    REQUIRE(field != nullptr);
    float keyboard_top = static_cast<float>(h);
    for (const auto& item : rig.imgui.log.items)
      if (item.label.rfind("kb_", 0) == 0) keyboard_top = std::min(keyboard_top, item.min.y);
    CHECK(field->max.y <= keyboard_top);
    CHECK(field->min.y >= 0.0f);
    CHECK(rig.shell->keyboard().offset() > 0.0f);
    // Typing still reaches it where it now is.
    rig.tap("kb_u062f");
    CHECK(g_value == "\xd8\xaf");
  }
}

TEST_CASE("a physical keyboard still types, and the on-screen one makes way for it") {
  Rig rig({});
  rig.tap("field");
  REQUIRE(rig.shell->keyboard().visible());
  ImGui::GetIO().AddInputCharactersUTF8("Amina");
  (void)rig.imgui.frame(*rig.shell);
  CHECK(g_value == "Amina");
  (void)rig.imgui.frame(*rig.shell);
  CHECK_FALSE(rig.shell->keyboard().visible());
}

TEST_CASE("hide puts the keyboard away and its small key brings it back") {
  Rig rig({});
  rig.tap("field");
  rig.tap("kb_hide");
  (void)rig.imgui.frame(*rig.shell);
  CHECK_FALSE(rig.shell->keyboard().visible());
  REQUIRE(rig.imgui.shows("kb_show"));
  rig.tap("kb_show");
  (void)rig.imgui.frame(*rig.shell);
  CHECK(rig.shell->keyboard().visible());
  rig.tap("kb_u062f");
  CHECK(g_value == "\xd8\xaf");
}

TEST_CASE("every key press is a change the redraw rule sees") {
  Rig rig({});
  rig.tap("field");
  (void)rig.imgui.frame(*rig.shell);
  (void)rig.imgui.frame(*rig.shell);
  CHECK_FALSE(rig.shell->changed());  // open and still: nothing to draw
  const auto* key = rig.imgui.log.find("kb_shift");
  if (!key) key = rig.imgui.log.find("kb_switch");
  REQUIRE(key != nullptr);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2((key->min.x + key->max.x) / 2, (key->min.y + key->max.y) / 2);
  (void)rig.imgui.frame(*rig.shell);
  io.MouseDown[0] = true;
  (void)rig.imgui.frame(*rig.shell);
  CHECK(rig.shell->changed());  // the key shows pressed in this frame
  io.MouseDown[0] = false;
  (void)rig.imgui.frame(*rig.shell);
  CHECK(rig.shell->changed());  // and its effect (another layout) in this one
  CHECK(rig.shell->keyboard().model().layout().id != "prs");
}
