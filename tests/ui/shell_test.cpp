// Screens driven headless through the Shell: taps become intents, intents change state, and
// nothing personal stays on screen once the session ends.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

struct Rig {
  Headless imgui;
  std::unique_ptr<vm::FixtureWorld> world;
  std::unique_ptr<ui::Shell> shell;

  Rig() {
    auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE(w);
    world = std::move(*w);
    shell = std::make_unique<ui::Shell>(ui::make_registry(), world->workspace.get(), ui::AppView{});
  }
  void signed_in_at(const std::string& screen) {
    REQUIRE(world->sign_in(imgui.now_ms));
    REQUIRE(shell->navigate(screen));
    (void)imgui.frame(*shell);
  }
};

}  // namespace

TEST_CASE("staff screens are not shown to someone who is not signed in") {
  Rig r;
  REQUIRE(r.shell->navigate("cases"));
  CHECK(r.shell->current() == "login");
  REQUIRE(r.shell->navigate("sync"));
  CHECK(r.shell->current() == "login");
  CHECK_FALSE(r.shell->navigate("no-such-screen"));
}

TEST_CASE("login: tap a name, type the PIN on the keypad, sign in, land on the case list") {
  Rig r;
  REQUIRE(r.shell->navigate("login"));
  (void)r.imgui.tap(*r.shell, "Ingrid Solberg");
  for (const char* key : {"1", "2", "3", "4"}) (void)r.imgui.tap(*r.shell, key);
  auto intents = r.imgui.tap(*r.shell, "Sign in");
  const auto* login = Headless::find<ui::SubmitLogin>(intents);
  REQUIRE(login != nullptr);
  CHECK(login->counsellor_id == r.world->counsellor_id());
  CHECK(login->secret == "1234");
  r.world->workspace->session().wait_for_verification();
  (void)r.imgui.frame(*r.shell);
  (void)r.imgui.frame(*r.shell);
  CHECK(r.shell->current() == "cases");
  CHECK(r.imgui.shows("DEMO-2024-0117"));
}

TEST_CASE("login: a wrong PIN keeps the login screen and says so") {
  Rig r;
  REQUIRE(r.shell->navigate("login"));
  (void)r.imgui.tap(*r.shell, "Ingrid Solberg");
  for (const char* key : {"9", "9", "9", "9"}) (void)r.imgui.tap(*r.shell, key);
  (void)r.imgui.tap(*r.shell, "Sign in");
  r.world->workspace->session().wait_for_verification();
  (void)r.imgui.frame(*r.shell);
  CHECK(r.shell->current() == "login");
  CHECK(r.world->workspace->session().failed_attempts(r.world->counsellor_id()) == 1);
  CHECK(r.world->workspace->session().last_error().find("Wrong PIN") != std::string::npos);
}

TEST_CASE("case list: search emits a filter; tapping a row opens the case") {
  Rig r;
  r.signed_in_at("cases");
  auto typed = r.imgui.type(*r.shell, "##search", "kovalenko");
  const auto* filter = Headless::find<ui::SetCaseFilter>(typed);
  REQUIRE(filter != nullptr);
  CHECK(filter->query == "kovalenko");
  (void)r.imgui.frame(*r.shell);
  CHECK(r.world->workspace->cases().size() == 1);
  auto opened = r.imgui.tap(*r.shell, "DEMO-2024-0098");
  REQUIRE(Headless::find<ui::OpenCase>(opened) != nullptr);
  CHECK(r.shell->current() == "case");
  REQUIRE(r.world->workspace->current_case());
  CHECK(r.world->workspace->current_case()->summary.case_number == "DEMO-2024-0098");
}

TEST_CASE("case: a new record button opens that form for this case; Back returns") {
  Rig r;
  REQUIRE(r.world->sign_in(r.imgui.now_ms));
  REQUIRE(r.world->workspace->open_case(r.world->first_case_id()));
  REQUIRE(r.shell->navigate("cases"));
  REQUIRE(r.shell->navigate("case", r.world->first_case_id()));
  auto intents = r.imgui.tap(*r.shell, r.world->workspace->form_title("counselling"));
  const auto* open = Headless::find<ui::OpenForm>(intents);
  REQUIRE(open != nullptr);
  CHECK(open->form_id == "counselling");
  CHECK(open->case_id == r.world->first_case_id());
  CHECK(r.shell->current() == "form");
  (void)r.imgui.tap(*r.shell, "Close (keep draft)");
  CHECK(r.shell->current() == "case");
  (void)r.imgui.tap(*r.shell, "\xe2\x86\x90 Back");
  CHECK(r.shell->current() == "cases");
}

TEST_CASE("idle prompt hides the screen; 'Yes, continue' keeps the session") {
  Rig r;
  r.signed_in_at("cases");
  CHECK(r.imgui.shows("DEMO-2024-0117"));
  r.imgui.now_ms += vm::SessionPolicy{}.idle_warning_ms + 1;
  (void)r.imgui.frame(*r.shell);
  CHECK(r.world->workspace->session().state() == vm::SessionState::IdleWarning);
  CHECK_FALSE(r.imgui.shows("DEMO-2024-0117"));  // nobody walking up sees the list
  auto intents = r.imgui.tap(*r.shell, "Yes, continue");
  CHECK(Headless::find<ui::ConfirmPresence>(intents) != nullptr);
  CHECK(r.world->workspace->session().state() == vm::SessionState::SignedIn);
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows("DEMO-2024-0117"));
}

TEST_CASE("idle lock and sign-out go back to the login with nothing personal left") {
  Rig r;
  r.signed_in_at("cases");
  r.imgui.now_ms += vm::SessionPolicy{}.idle_warning_ms + vm::SessionPolicy{}.idle_grace_ms + 1;
  (void)r.imgui.frame(*r.shell);
  CHECK(r.shell->current() == "login");
  CHECK(r.world->workspace->cases().empty());
  CHECK_FALSE(r.imgui.shows("DEMO-2024-0117"));

  r.signed_in_at("sync");
  auto intents = r.imgui.tap(*r.shell, "Sign out");
  CHECK(Headless::find<ui::Logout>(intents) != nullptr);
  CHECK(r.shell->current() == "login");
  CHECK_FALSE(r.world->workspace->session().signed_in());
}

TEST_CASE("sync panel: Sync now asks the engine for a round") {
  Rig r;
  r.signed_in_at("sync");
  const int before = r.world->data->sync_requests;
  auto intents = r.imgui.tap(*r.shell, "Sync now");
  CHECK(Headless::find<ui::SyncNow>(intents) != nullptr);
  CHECK(r.world->data->sync_requests == before + 1);
}

TEST_CASE("screens lay out at 1280x800 as well as at 1080p") {
  Headless small(1280, 800);
  auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE(w);
  ui::Shell shell(ui::make_registry(), (*w)->workspace.get(), ui::AppView{});
  REQUIRE((*w)->sign_in(small.now_ms));
  REQUIRE(shell.navigate("cases"));
  (void)small.frame(shell);
  const auto* row = small.log.find("DEMO-2024-0117");
  REQUIRE(row != nullptr);
  CHECK(row->max.x <= 1280.0f);
  // Touch targets stay at least 48 px high at 1080p-equivalent (scaled: 48 * 800/1080).
  const auto* sign_out = small.log.find("Sign out");
  REQUIRE(sign_out != nullptr);
  CHECK(sign_out->max.y - sign_out->min.y >= 48.0f * 800.0f / 1080.0f);
}
