// Clean handover and trustworthy sync state, headless: the staff sign-in leaves for the attract
// screen after a minute unused, the next visitor starts in the kiosk's language with an empty
// appointment form, badges follow every sync round without reopening anything, and the sync
// panel says in words what the last round did and when the next one runs.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/ui/screens/info/register.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

struct Rig {
  Headless imgui;
  std::unique_ptr<vm::FixtureWorld> world;
  std::unique_ptr<ui::Shell> shell;

  explicit Rig(const std::string& lang = "en") {
    auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE(w);
    world = std::move(*w);
    ui::AppView view;
    view.lang = lang;
    view.assets_dir = WS_TEST_ASSETS_DIR;
    shell = std::make_unique<ui::Shell>(ui::make_registry(), world->workspace.get(), view);
  }
};

}  // namespace

TEST_CASE("the staff sign-in returns to the attract screen after 60 s unused, not before") {
  Rig rig;
  REQUIRE(rig.shell->navigate("attract"));
  (void)rig.imgui.frame(*rig.shell);
  REQUIRE(rig.shell->navigate("login"));
  (void)rig.imgui.frame(*rig.shell);
  REQUIRE(rig.shell->current() == "login");
  // The window sleeps until exactly then: the deadline is part of the frame's outcome.
  const auto deadline = rig.shell->next_deadline_ms();
  REQUIRE(deadline.has_value());
  CHECK(*deadline == rig.imgui.now_ms + ui::Shell::kSignInTimeoutMs);
  rig.imgui.now_ms += ui::Shell::kSignInTimeoutMs - 1;
  (void)rig.imgui.frame(*rig.shell);
  CHECK(rig.shell->current() == "login");
  rig.imgui.now_ms += 1;
  (void)rig.imgui.frame(*rig.shell);
  CHECK(rig.shell->current() == "attract");
  CHECK_FALSE(rig.shell->view().can_go_back);
}

TEST_CASE("the attract screen restores the kiosk's language for the next visitor") {
  Rig rig("nb");
  REQUIRE(rig.shell->navigate("attract"));
  rig.imgui.tap(*rig.shell, "touch_to_start");
  REQUIRE(rig.shell->current() == "languages");
  rig.imgui.tap(*rig.shell, "lang_prs");
  REQUIRE(rig.shell->view().lang == "prs");
  REQUIRE(rig.shell->navigate("attract"));
  CHECK(rig.shell->view().lang == "nb");
}

TEST_CASE("'Thank you, sent' is not shown to the next visitor opening the form") {
  Rig rig("so");
  REQUIRE(rig.shell->navigate("appointment"));
  rig.imgui.type(*rig.shell, "appointment_name", "Amina");
  rig.imgui.tap(*rig.shell, "appointment_consent");
  rig.imgui.tap(*rig.shell, "appointment_send");
  (void)rig.imgui.frame(*rig.shell);
  REQUIRE(rig.imgui.shows("appointment_sent"));
  // The next visitor: another language, the form again.
  REQUIRE(rig.shell->navigate("languages"));
  rig.imgui.tap(*rig.shell, "lang_ar");
  REQUIRE(rig.shell->navigate("appointment"));
  (void)rig.imgui.frame(*rig.shell);
  CHECK_FALSE(rig.imgui.shows("appointment_sent"));
  CHECK(rig.imgui.shows("appointment_send"));
}

TEST_CASE("case badges follow a finished sync round without reopening the case") {
  Rig rig;
  REQUIRE(rig.world->sign_in(rig.imgui.now_ms));
  vm::Workspace& ws = *rig.world->workspace;
  (void)ws.tick(rig.imgui.now_ms);
  const std::string case_id = rig.world->first_case_id();
  REQUIRE(ws.open_case(case_id));
  for (auto& r : rig.world->data->records) r.sync = vm::RecordSync::Pending;
  ws.reload_cases();
  REQUIRE(ws.open_case(case_id));
  REQUIRE(ws.current_case()->summary.sync == vm::RecordSync::Pending);

  // The engine finished a round that sent everything: the next frame's tick shows it.
  for (auto& r : rig.world->data->records) r.sync = vm::RecordSync::Synced;
  CHECK_FALSE(ws.tick(rig.imgui.now_ms));  // no round finished yet: nothing re-read
  CHECK(ws.current_case()->summary.sync == vm::RecordSync::Pending);
  rig.world->data->status.rounds_finished += 1;
  CHECK(ws.tick(rig.imgui.now_ms));
  CHECK(ws.current_case()->summary.sync == vm::RecordSync::Synced);
  for (const auto& c : ws.cases()) CHECK(c.sync == vm::RecordSync::Synced);
}

TEST_CASE("the sync panel says what the last round did and when the next one runs") {
  vm::SyncPanel panel;
  const std::int64_t now = 1'715'688'000'000;
  panel.status.enrolled = true;
  CHECK(panel.result_text(now).empty());  // no round yet
  panel.status.rounds_finished = 1;
  panel.status.last_round_ok = true;
  panel.status.last_round_sent = 3;
  panel.status.last_round_received = 12;
  panel.status.last_round_ms = now - 2'000;
  CHECK(panel.result_text(now) == "Sent 3, received 12, just now");
  CHECK(panel.result_text(now + 40'000) == "Sent 3, received 12, 42 s ago");
  CHECK(panel.result_text(now + 300'000) == "Sent 3, received 12, 5 min ago");
  panel.status.next_attempt_ms = now + 11'200;
  CHECK(panel.next_try_text(now) == "Next try in 12 s");
  panel.status.last_round_ok = false;
  panel.status.last_error = "the server cannot be reached";
  CHECK(panel.result_text(now) == "Could not sync: the server cannot be reached");
  panel.status.syncing = true;
  CHECK(panel.result_text(now) == "Syncing now\xe2\x80\xa6");
  CHECK(panel.next_try_text(now).empty());
  panel.status.enrolled = false;
  CHECK(panel.result_text(now) == "This kiosk is not enrolled with a server yet.");
}

TEST_CASE("the sync screen shows the result under Sync now and asks for a frame each second") {
  Rig rig;
  REQUIRE(rig.world->sign_in(rig.imgui.now_ms));
  auto& status = rig.world->data->status;
  status.enrolled = true;
  status.rounds_finished = 4;
  status.last_round_ok = true;
  status.last_round_sent = 3;
  status.last_round_received = 12;
  status.last_round_ms = rig.world->data->unix_ms - 1'500;
  status.next_attempt_ms = rig.world->data->unix_ms + 11'200;
  REQUIRE(rig.shell->navigate("sync"));
  (void)rig.imgui.frame(*rig.shell);
  (void)rig.imgui.frame(*rig.shell);
  CHECK(rig.imgui.shows("##sync_result"));
  CHECK(rig.world->workspace->sync().result_text(rig.world->data->unix_ms) == "Sent 3, received 12, just now");
  const auto deadline = rig.shell->next_deadline_ms();
  REQUIRE(deadline.has_value());
  CHECK(*deadline > rig.imgui.now_ms);
  CHECK(*deadline <= rig.imgui.now_ms + 1'000);
}
