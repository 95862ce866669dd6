// The case page shows the case's conflicts (value kept, value lost, who, when); "Restore this
// value" emits an intent that writes the lost value back as a new edit and resolves the entry.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

TEST_CASE("case page: a conflict shows kept and lost values, who and when, and restoring writes the lost value back") {
  Headless imgui;
  auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE(w);
  auto& world = **w;
  ui::Shell shell(ui::make_registry(), world.workspace.get(), ui::AppView{});
  const std::string case_id = world.first_case_id();
  const std::string kept = world.data->find(case_id)->answers.value("status", std::string());
  const std::string lost = kept == "considering" ? "will_apply" : "considering";
  world.data->conflicts.push_back({7, case_id, "status", lost, "device 0190c2a1", "2024-05-14 09:12",
                                   "2024-05-14 08:55", false});

  REQUIRE(world.sign_in(imgui.now_ms));
  REQUIRE(world.workspace->open_case(case_id));
  const auto& shown = world.workspace->current_case()->conflicts;
  REQUIRE(shown.size() == 1);
  CHECK(shown[0].field == "status");
  CHECK(shown[0].value_kept == kept);
  CHECK(shown[0].value_lost == lost);
  CHECK_FALSE(shown[0].resolved);

  REQUIRE(shell.navigate("case", case_id));
  (void)imgui.frame(shell);
  CHECK(imgui.shows("Edits replaced by later ones"));
  CHECK(imgui.shows(lost));
  CHECK(imgui.shows("by device 0190c2a1, 2024-05-14 09:12"));
  CHECK(imgui.shows("by this kiosk, 2024-05-14 08:55"));

  auto intents = imgui.tap(shell, "Restore this value");
  const auto* restore = Headless::find<ui::RestoreConflict>(intents);
  REQUIRE(restore != nullptr);
  CHECK(restore->seq == 7);
  // The shell applied it: the record holds the lost value again, the entry is resolved.
  CHECK(world.data->find(case_id)->answers["status"] == lost);
  REQUIRE(world.workspace->current_case());
  REQUIRE(world.workspace->current_case()->conflicts.size() == 1);
  CHECK(world.workspace->current_case()->conflicts[0].resolved);
  CHECK(world.workspace->current_case()->conflicts[0].value_kept == lost);
  (void)imgui.frame(shell);
  CHECK(imgui.shows("Dealt with"));
  CHECK_FALSE(imgui.shows("Restore this value"));
  // Restoring twice is refused.
  CHECK_FALSE(world.workspace->restore_conflict(7));
}
