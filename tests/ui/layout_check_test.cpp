// The layout check on hand-made frames: what counts as an overlap, a clipped label, off screen.
#include <doctest/doctest.h>

#include "kiosk/ui/layout_check.hpp"

using namespace ws::kiosk::ui;

namespace {

ItemLog::Item item(const char* label, float x, float y, float w, float h, bool interactive = true) {
  ItemLog::Item i;
  i.label = label;
  i.min = ImVec2(x, y);
  i.max = ImVec2(x + w, y + h);
  i.interactive = interactive;
  i.window = 1;
  i.clip_min = ImVec2(0, 0);
  i.clip_max = ImVec2(1280, 800);
  return i;
}

}  // namespace

TEST_CASE("two buttons on top of each other are an overlap; side by side, touching, or in a popup they are not") {
  ItemLog log;
  log.items = {item("Send", 100, 100, 200, 64), item("Cancel", 250, 120, 200, 64)};
  auto problems = check_layout(log, 1280);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].what == "overlap");
  CHECK(problems[0].detail.find("'Send'") != std::string::npos);
  CHECK(problems[0].detail.find("'Cancel'") != std::string::npos);

  log.items = {item("Send", 100, 100, 200, 64), item("Cancel", 300, 100, 200, 64)};
  CHECK(check_layout(log, 1280).empty());

  auto popup = item("OK", 150, 110, 100, 64);
  popup.window = 2;
  log.items = {item("Send", 100, 100, 200, 64), popup};
  CHECK(check_layout(log, 1280).empty());

  // A heading above a button is not in its way.
  log.items = {item("Send", 100, 100, 200, 64), item("Title", 100, 40, 300, 40, false)};
  CHECK(check_layout(log, 1280).empty());
}

TEST_CASE("a button drawn over a piece of text covers it; text beside text is no problem") {
  ItemLog log;
  log.items = {item("Send", 100, 100, 200, 64), item("Title", 120, 110, 300, 40, false)};
  auto problems = check_layout(log, 1280);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].what == "covers text");
  CHECK(problems[0].detail.find("'Title'") != std::string::npos);

  log.items = {item("Title", 100, 100, 300, 40, false), item("Intro", 120, 110, 300, 40, false)};
  CHECK(check_layout(log, 1280).empty());

  // The touch-anywhere backdrop has the screen's text on it by design.
  auto backdrop = item("touch_to_start", 0, 0, 1280, 800);
  backdrop.backdrop = true;
  log.items = {backdrop, item("Title", 120, 110, 300, 40, false)};
  CHECK(check_layout(log, 1280).empty());
}

TEST_CASE("text wider than the window that shows it is cut off at the side") {
  ItemLog log;
  auto name = item("request_name", 900, 100, 420, 40, false);
  name.clip_max = ImVec2(1260, 800);  // its panel ends before the text does
  log.items = {name};
  auto problems = check_layout(log, 1280);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].what == "cut off");
  name.min.x = 800;
  name.max.x = 1220;
  log.items = {name};
  CHECK(check_layout(log, 1280).empty());
}

TEST_CASE("widgets scrolled out of their window's view are not compared") {
  ItemLog log;
  auto a = item("Row 1", 0, 900, 400, 64);
  auto b = item("Row 2", 100, 910, 400, 64);
  log.items = {a, b};
  CHECK(check_layout(log, 1280).empty());
}

TEST_CASE("a label wider than its button is clipped") {
  ItemLog log;
  auto b = item("A long label", 0, 0, 100, 64);
  b.label_width = 140;
  b.label_room = 84;
  log.items = {b};
  auto problems = check_layout(log, 1280);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].what == "clipped label");
  b.label_width = 80;
  log.items = {b};
  CHECK(check_layout(log, 1280).empty());
}

TEST_CASE("a button past the right edge of the screen is off screen") {
  ItemLog log;
  log.items = {item("Next", 1200, 700, 200, 64)};
  log.items[0].clip_max = ImVec2(2000, 800);
  auto problems = check_layout(log, 1280);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].what == "off screen");
}

TEST_CASE("a backdrop (touch anywhere) under a button is not an overlap") {
  ItemLog log;
  auto backdrop = item("touch_to_start", 0, 0, 1280, 800);
  backdrop.backdrop = true;
  log.items = {backdrop, item("Staff", 1000, 700, 200, 64)};
  CHECK(check_layout(log, 1280).empty());
}
