// Sign-in without a list of everyone: only those who signed in on this kiosk lately are shown
// by name; anyone else types their name, and an unknown name is treated exactly like a wrong PIN.
#include <chrono>
#include <map>

#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/core/vm/session.hpp"

using namespace ws::kiosk;
using namespace ws::kiosk::vm;
using ui_test::Headless;

namespace {

constexpr std::int64_t kDay = 24 * 3600'000LL;
const CounsellorAccount kAmina{"c1", "Amina Test", "counsellor", "hash-c1"};
const CounsellorAccount kBo{"c2", "Bo Test", "counsellor", "hash-c2"};

bool pin_is_2468(const std::string&, const std::string& secret) { return secret == "2468"; }

// The kiosk store's part, in memory: guards per id, a wall clock the test moves, the audit log.
struct Guards : LoginGuardStore {
  std::map<std::string, ws::kiosk::LoginGuard> rows;
  std::int64_t unix_ms = 1'715'688'000'000;
  std::vector<ws::audit::Event> events;
  ws::Result<ws::kiosk::LoginGuard> login_guard(const std::string& id) override {
    auto it = rows.find(id);
    return it == rows.end() ? ws::kiosk::LoginGuard{} : it->second;
  }
  ws::Status save_login_guard(const std::string& id, const ws::kiosk::LoginGuard& g) override {
    if (g.empty()) rows.erase(id);
    else rows[id] = g;
    return ws::ok();
  }
  std::int64_t unix_now_ms() override { return unix_ms; }
  void record_event(const ws::audit::Event& e) override { events.push_back(e); }
};

void finish_check(Session& s, std::int64_t now) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (s.state() == SessionState::Verifying && std::chrono::steady_clock::now() < deadline) {
    s.wait_for_verification();
    s.tick(now);
  }
  REQUIRE(s.state() != SessionState::Verifying);
}

std::vector<std::string> ids(const std::vector<const CounsellorAccount*>& accounts) {
  std::vector<std::string> out;
  for (const auto* a : accounts) out.push_back(a->id);
  return out;
}

}  // namespace

TEST_CASE("only accounts that signed in on this kiosk within the window are listed, across restarts") {
  Guards guards;
  {
    Session s({}, pin_is_2468, &guards);
    s.set_accounts({kAmina, kBo});
    s.tick(0);
    CHECK(s.recent_accounts().empty());  // a new kiosk names nobody
    REQUIRE(s.submit("c2", "2468", 0));
    finish_check(s, 0);
    REQUIRE(s.signed_in());
    s.logout();
    CHECK(ids(s.recent_accounts()) == std::vector<std::string>{"c2"});
  }
  // A restart keeps the list (it lives in the store), and a wrong PIN does not add anyone.
  guards.unix_ms += kDay;
  Session again({}, pin_is_2468, &guards);
  again.set_accounts({kAmina, kBo});
  again.tick(0);
  CHECK(ids(again.recent_accounts()) == std::vector<std::string>{"c2"});
  REQUIRE(again.submit("c1", "0000", 0));
  finish_check(again, 0);
  CHECK(ids(again.recent_accounts()) == std::vector<std::string>{"c2"});
  // Fourteen days after the last sign-in the name drops off the screen.
  guards.unix_ms += 14 * kDay;
  CHECK(again.recent_accounts().empty());
}

TEST_CASE("a typed name signs in however it is spaced or capitalised") {
  Guards guards;
  Session s({}, pin_is_2468, &guards);
  s.set_accounts({kAmina, kBo});
  REQUIRE(s.submit_by_name("  amina   TEST ", "2468", 0));
  finish_check(s, 0);
  REQUIRE(s.signed_in());
  CHECK(s.counsellor()->id == "c1");
  CHECK(ids(s.recent_accounts()) == std::vector<std::string>{"c1"});
}

TEST_CASE("an unknown name gets the same answer as a known name with a wrong PIN, and is limited the same way") {
  Guards guards;
  Session s({}, pin_is_2468, &guards);
  s.set_accounts({kAmina, kBo});
  REQUIRE(s.submit_by_name("Amina Test", "0000", 0));
  finish_check(s, 0);
  const std::string known_wrong = s.last_error();
  // Even the one PIN the verifier accepts cannot sign in under a name that is nobody's.
  REQUIRE(s.submit_by_name("Nobody Here", "2468", 0));
  finish_check(s, 0);
  CHECK_FALSE(s.signed_in());
  CHECK(s.last_error() == known_wrong);
  CHECK(known_wrong.find("Name or PIN not recognised") != std::string::npos);

  for (int i = 0; i < 4; ++i) {
    REQUIRE(s.submit_by_name("Someone " + std::to_string(i), "1111", 0));
    finish_check(s, 0);
  }
  // Five unknown names: further guesses wait, whatever name is typed next.
  CHECK_FALSE(s.submit_by_name("Yet Another", "1111", 1000));
  CHECK(s.last_error().find("Try again in") != std::string::npos);
  // A real account is not locked by someone guessing names.
  REQUIRE(s.submit_by_name("Bo Test", "2468", 1000));
  finish_check(s, 1000);
  CHECK(s.signed_in());
  // The audit log never holds what was typed.
  for (const auto& e : guards.events) {
    CHECK(e.actor.find("Nobody") == std::string::npos);
    CHECK(e.object_id.find("Someone") == std::string::npos);
  }
}

TEST_CASE("login screen: a kiosk nobody signed in on lately lists no names and takes a typed one") {
  auto w = make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE(w);
  auto world = std::move(*w);
  world->data->login_guards.clear();
  Headless imgui;
  ui::Shell shell(ui::make_registry(), world->workspace.get(), ui::AppView{});
  REQUIRE(shell.navigate("login"));
  (void)imgui.frame(shell);
  (void)imgui.frame(shell);
  CHECK_FALSE(imgui.shows("Ingrid Solberg"));
  CHECK_FALSE(imgui.shows("Yusuf Karimi"));
  (void)imgui.type(shell, "Your name as HQ registered it", "ingrid solberg");
  for (const char* key : {"1", "2", "3", "4"}) (void)imgui.tap(shell, key);
  auto intents = imgui.tap(shell, "Sign in");
  const auto* login = Headless::find<ui::SubmitLogin>(intents);
  REQUIRE(login != nullptr);
  CHECK(login->counsellor_id.empty());
  CHECK(login->typed_name == "ingrid solberg");
  world->workspace->session().wait_for_verification();
  (void)imgui.frame(shell);
  (void)imgui.frame(shell);
  CHECK(shell.current() == "cases");
}

TEST_CASE("login screen: recent names are listed, with Someone else for the rest") {
  auto w = make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE(w);
  auto world = std::move(*w);
  world->data->login_guards.erase(world->admin_id());  // the admin has not signed in here lately
  Headless imgui;
  ui::Shell shell(ui::make_registry(), world->workspace.get(), ui::AppView{});
  REQUIRE(shell.navigate("login"));
  (void)imgui.frame(shell);
  (void)imgui.frame(shell);
  CHECK(imgui.shows("Ingrid Solberg"));
  CHECK_FALSE(imgui.shows("Marte Lie"));
  CHECK(imgui.shows("Someone else"));
  CHECK_FALSE(imgui.shows("Your name as HQ registered it"));
  (void)imgui.tap(shell, "Someone else");
  CHECK(imgui.shows("Your name as HQ registered it"));
}
