// The staff screens in portrait: one scale for a 1080x1920 design (text as large as on the same
// panel in landscape), and layouts that reflow instead of leaving half the screen empty. The
// real-window layout check at every size is in screenshot_test.cpp; these look at the choices.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/ui/layout_check.hpp"
#include "kiosk/ui/registry.hpp"
#include "kiosk/ui/scenarios.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

struct Scenario {
  Headless imgui;
  std::unique_ptr<vm::FixtureWorld> world;
  std::unique_ptr<ui::Shell> shell;

  Scenario(const std::string& name, int width, int height) : imgui(width, height) {
    auto made = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE(made);
    world = std::move(*made);
    const ui::ScreenRegistry registry = ui::make_registry();
    auto target = ui::prepare_scenario(name, registry, *world, imgui.now_ms);
    REQUIRE(target);
    imgui.now_ms = target->now_ms;
    ui::AppView view;
    view.assets_dir = WS_TEST_ASSETS_DIR;
    view.screenshot = true;
    shell = std::make_unique<ui::Shell>(ui::make_registry(), world->workspace.get(), view);
    REQUIRE(shell->navigate(target->screen, target->param));
    (void)imgui.frame(*shell);
    (void)imgui.frame(*shell);  // tables and wrapped rows settle in the second frame
    REQUIRE(shell->current() == target->screen);
  }
  const ui::ItemLog::Item& item(const std::string& label) const {
    const auto* found = imgui.log.find(label);
    REQUIRE_MESSAGE(found != nullptr, "no widget '" << label << "'");
    return *found;
  }
  float height(const std::string& label) const { return item(label).max.y - item(label).min.y; }
};

}  // namespace

TEST_CASE("reflow: the scale turns with the screen, and portrait is the narrow layout") {
  CHECK(ui::Theme::scale_for_size(1920, 1080) == doctest::Approx(1.0));
  CHECK(ui::Theme::scale_for_size(1080, 1920) == doctest::Approx(1.0));  // was 0.56 by the landscape rule
  CHECK(ui::Theme::scale_for_size(1280, 800) == doctest::Approx(1280.0 / 1920));
  CHECK(ui::Theme::scale_for_size(1366, 768) == doctest::Approx(768.0 / 1080));
  CHECK(ui::Theme::scale_for_size(800, 1280) == doctest::Approx(1280.0 / 1920));
  CHECK(ui::Theme::scale_for_size(1080, 1080) == doctest::Approx(1080.0 / 1920));  // square: the landscape rule
  {
    Headless portrait(1080, 1920);
    CHECK(portrait.theme.narrow());
  }
  for (auto [w, h] : {std::pair{1920, 1080}, {1366, 768}, {1280, 800}}) {
    Headless landscape(w, h);
    CHECK_FALSE(landscape.theme.narrow());
  }
}

TEST_CASE("reflow: in portrait the case list's buttons are touch-sized and get their own row") {
  Scenario s("cases", 1080, 1920);
  const float touch = s.imgui.theme.touch();
  CHECK(touch == doctest::Approx(64.0));
  CHECK(s.height("+ New case") >= touch);
  CHECK(s.height("Any") >= touch);
  // The search has the whole row; Requests and New case share the next one.
  const auto& search = s.item("##search");
  const auto& new_case = s.item("+ New case");
  CHECK(new_case.min.y >= search.max.y);
  CHECK(s.item("Requests \xc2\xb7 2 new").min.y == doctest::Approx(new_case.min.y));
  CHECK(ui::check_layout(s.imgui.log, 1080).empty());
}

TEST_CASE("reflow: the form's footer is two rows in portrait and one in landscape") {
  {
    Scenario s("form:intake-errors", 1080, 1920);
    const auto& previous = s.item("\xe2\x86\x90 Previous");
    const auto& next = s.item("Next \xe2\x86\x92");
    const auto& close = s.item("Close (keep draft)");
    const auto& save = s.item("Save");
    CHECK(next.min.y == doctest::Approx(previous.min.y));
    CHECK(save.min.y == doctest::Approx(close.min.y));
    CHECK(close.min.y > previous.max.y);
    CHECK(s.imgui.shows("##form_status"));
    // The long title keeps the bar's first row; the account buttons get a row under it.
    CHECK(s.item("Sign out").min.y >= s.imgui.theme.px(96));
    CHECK(ui::check_layout(s.imgui.log, 1080).empty());
  }
  {
    Scenario s("form:intake-errors", 1920, 1080);
    CHECK(s.item("Close (keep draft)").min.y == doctest::Approx(s.item("Save").min.y));
    CHECK(s.item("Close (keep draft)").min.y == doctest::Approx(s.item("Next \xe2\x86\x92").min.y));
    CHECK(s.item("Sign out").min.y < s.imgui.theme.px(96));
  }
}

TEST_CASE("reflow: every staff screen is free of overlaps and cut-off labels in portrait, headless") {
  for (const char* name : {"login", "cases", "case", "case-conflicts", "form:intake-errors", "form:consent", "sync",
                           "inbox", "accounts"}) {
    CAPTURE(name);
    Scenario s(name, 1080, 1920);
    const auto problems = ui::check_layout(s.imgui.log, 1080);
    for (const auto& p : problems) MESSAGE(p.what << ": " << p.detail);
    CHECK(problems.empty());
  }
}
