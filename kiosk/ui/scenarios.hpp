#pragma once
// Named states of the kiosk for screenshot mode: a screen plus the fixture state it shows
// (e.g. "form:intake-errors" is the intake form after a failed save). Any registered screen
// also works by name, with an optional ":param" ("form:consent", "info:travel").
#include <string>
#include <vector>

#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/ui/registry.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::ui {

struct ScenarioTarget {
  std::string screen;
  std::string param;
  std::int64_t now_ms = 0;  // the clock the frames are drawn at (later than set-up for idle-lock)
};

// Sets the fixture world up for `name` and says which screen to show; unknown names are
// refused with the list of known ones.
Result<ScenarioTarget> prepare_scenario(const std::string& name, const ScreenRegistry& registry,
                                        vm::FixtureWorld& world, std::int64_t now_ms);
// What a scenario does on the screen before the picture: the visitor's language (empty = the
// --lang option) and the widget ids tapped in order (a field, then on-screen keyboard keys).
struct ScenarioScript {
  std::string lang;
  std::vector<std::string> taps;
};
ScenarioScript scenario_script(const std::string& name);

// Every name prepare_scenario accepts (for the error message and the tests).
std::vector<std::string> scenario_names(const ScreenRegistry& registry, const vm::FixtureWorld& world);

}  // namespace ws::kiosk::ui
