// The admin's local vault grant (kiosk/core/vm/local_grant.hpp, docs/security.md "Accounts
// without a copy"): on a kiosk that is never online, an account without a copy of the vault key
// gets one from an admin at the kiosk, its holder typing their own PIN; wrong PINs count in the
// account's sign-in lockout; disabled accounts and a closed vault get nothing; the Accounts
// screen shows which accounts cannot open the records and walks through the dialog.
#include <atomic>
#include <future>
#include <memory>
#include <set>

#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/store/audit.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "tests/support/fast_vault.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

constexpr const char* kAmalPin = "135790";
constexpr const char* kBenPin = "246810";

// An account as a pull or another kiosk leaves it: a `counsellor` record, no copy of the key here.
std::string add_account(const std::string& data_dir, const std::string& name, const std::string& role,
                        const std::string& pin) {
  auto store = Store::open(data_dir);
  REQUIRE(store);
  if (!(*store)->identity()->enrolled()) {
    REQUIRE((*store)->set_identity({ws::new_uuid_v7(), ws::crypto::random_token(), "osl", "http://127.0.0.1:9"}));
  }
  auto id = (*store)->save("counsellor",
                           {{"name", name}, {"role", role}, {"pin_hash", ws::test::cheap_hash(pin)}, {"active", true}});
  REQUIRE(id);
  return *id;
}

void sign_in(vm::Workspace& ws, const std::string& id, const std::string& pin, std::int64_t at) {
  REQUIRE(ws.session().submit(id, pin, at));
  ws.session().wait_for_verification();
  ws.tick(at + 1);
  REQUIRE(ws.session().signed_in());
}

// The fixture world, with the vault holding copies for the first counsellor and the admin; the
// workspace checks PINs instantly (the fixture's is 1234), as these tests are about the flow.
struct World {
  std::unique_ptr<vm::FixtureWorld> fixtures;
  std::unique_ptr<vm::Workspace> ws;
  std::string yusuf;  // the account without a copy

  explicit World(vm::Session::Verifier verifier = {}) {
    auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE_MESSAGE(w, (w ? "" : w.error().message));
    fixtures = std::move(*w);
    if (!verifier) verifier = [](const std::string&, const std::string& secret) { return secret == vm::kFixturePin; };
    vm::MemoryWorkspaceData& data = *fixtures->data;
    data.set_vault_copies(std::set<std::string>{fixtures->counsellor_id(), fixtures->admin_id()});
    for (const auto& a : data.accounts)
      if (a.name == "Yusuf Karimi") yusuf = a.id;
    REQUIRE_FALSE(yusuf.empty());
    ws = std::make_unique<vm::Workspace>(data, vm::SessionPolicy{}, verifier, data.today);
  }
  vm::MemoryWorkspaceData& data() { return *fixtures->data; }
  void admin_in(std::int64_t at) { sign_in(*ws, fixtures->admin_id(), vm::kFixturePin, at); }
  // The dialog open for Yusuf, at his PIN pad.
  void at_pin_pad() {
    REQUIRE(ws->start_grant(yusuf));
    CHECK(ws->grant().step() == vm::GrantStep::Confirm);
    ws->confirm_grant();
    REQUIRE(ws->grant().step() == vm::GrantStep::Pin);
  }
  int events(const std::string& action) const {
    int n = 0;
    for (const auto& e : fixtures->data->audit_events) n += e.action == action;
    return n;
  }
};

}  // namespace

TEST_CASE("local grant: offline, the admin gives an account its copy, which then signs in and reads the records") {
  ws::test::FastKdf fast;
  ws::test::TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  const std::string amal = add_account(data_dir, "Amal Haddad", "admin", kAmalPin);
  auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
  REQUIRE(data);
  vm::Workspace ws(**data);
  ws.refresh_accounts();
  CHECK_FALSE(ws.kiosk_has_vault());  // nothing encrypted yet: nobody needs a copy

  sign_in(ws, amal, kAmalPin, 10);  // the first sign-in makes the vault
  auto case_id = (*data)->save_record("case", "", {{"case_number", "DEMO-G-1"}, {"name_latin", "Leyla Rahimi"}, {"status", "open"}}, 1);
  REQUIRE(case_id);
  // Ben's account arrives (made at HQ or on another kiosk): it has no copy here.
  const std::string ben = add_account(data_dir, "Ben Tesfaye", "counsellor", kBenPin);
  ws.refresh_accounts();
  CHECK(ws.kiosk_has_vault());
  CHECK(ws.has_vault_copy(amal));
  CHECK_FALSE(ws.has_vault_copy(ben));
  CHECK(ws.can_give_vault_copies());

  REQUIRE(ws.start_grant(ben));
  ws.confirm_grant();
  REQUIRE(ws.submit_grant_pin(kBenPin, 20));
  ws.finish_grant_now();
  CHECK(ws.grant().step() == vm::GrantStep::Closed);
  CHECK(ws.grants_given() == 1);
  CHECK(ws.has_vault_copy(ben));
  CHECK(ws.notice().find("Ben Tesfaye can now open") != std::string::npos);
  ws.session().logout();
  ws.tick(30);
  CHECK_FALSE(vault::unlocked(data_dir));

  // No server anywhere (the kiosk's address refuses connections): Ben's own copy opens it.
  sign_in(ws, ben, kBenPin, 40);
  CHECK(vault::unlocked(data_dir));
  CHECK(ws.notice().empty());
  REQUIRE(ws.cases().size() == 1);
  CHECK(ws.cases().front().display_name() == "Leyla Rahimi");
  REQUIRE(ws.open_case(*case_id));
  ws.session().logout();
  ws.tick(50);

  auto store = Store::open(data_dir);
  REQUIRE(store);
  auto entries = audit_entries(**store);
  REQUIRE(entries);
  int granted = 0;
  for (const auto& e : *entries) {
    CHECK(e.details.find(kBenPin) == std::string::npos);
    if (e.action != "vault.local_grant") continue;
    ++granted;
    CHECK(e.actor == "counsellor:" + amal);
    CHECK(e.object_id == ben);
  }
  CHECK(granted == 1);
}

TEST_CASE("local grant: the store refuses a copy for a disabled account, and never makes a vault") {
  ws::test::FastKdf fast;
  ws::test::TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  const std::string amal = add_account(data_dir, "Amal Haddad", "admin", kAmalPin);
  const std::string ben = add_account(data_dir, "Ben Tesfaye", "counsellor", kBenPin);
  auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
  REQUIRE(data);
  // No vault yet: a grant must not make one under Ben's PIN.
  auto early = (*data)->give_vault_copy(ben, kBenPin);
  REQUIRE_FALSE(early);
  CHECK(early.error().code == "no_vault");
  {
    auto store = Store::open(data_dir);
    REQUIRE(store);
    CHECK(vault::public_key(**store).value().empty());
    REQUIRE(vault::add_copy(**store, amal, kAmalPin));
    REQUIRE((*store)->update(ben, {{"active", false}}));
  }
  auto disabled = (*data)->give_vault_copy(ben, kBenPin);
  REQUIRE_FALSE(disabled);
  CHECK(disabled.error().code == "disabled");
  vault::lock(data_dir);
}

TEST_CASE("local grant: wrong PINs give nothing and count in the account's sign-in lockout") {
  World w;
  w.admin_in(1000);
  w.at_pin_pad();
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(w.ws->submit_grant_pin("999999", 2000));
    w.ws->finish_grant_now();
    CHECK(w.ws->grant().step() == vm::GrantStep::Pin);
    if (i < 5) CHECK(w.ws->grant().problem() == "Wrong PIN. " + std::to_string(5 - i) + (i == 4 ? " try" : " tries") + " left before a pause.");
  }
  CHECK(w.ws->grant().problem() == "Wrong PIN. Locked for 30 s.");
  CHECK_FALSE(w.ws->has_vault_copy(w.yusuf));
  CHECK(w.ws->grants_given() == 0);
  // Paused: even the right PIN waits, before any check runs.
  auto paused = w.ws->submit_grant_pin(vm::kFixturePin, 2000);
  REQUIRE_FALSE(paused);
  CHECK(paused.error().code == "locked_out");
  CHECK_FALSE(w.ws->grant().busy());
  CHECK(w.ws->grant().problem() == "Too many wrong PINs. Try again in 30 s.");
  // The same counts as sign-in: kept across restarts, and Yusuf's own sign-in is paused too.
  CHECK(w.data().login_guards[w.yusuf].failures == 5);
  CHECK(w.events("vault.local_grant_refused") == 5);
  CHECK(w.fixtures->data->audit_events.back().details.value("locked_seconds", 0) == 30);
  CHECK(w.fixtures->data->audit_events.back().actor == "counsellor:" + w.fixtures->admin_id());
  w.ws->cancel_grant();
  w.ws->session().logout();
  w.ws->tick(2100);
  CHECK_FALSE(w.ws->session().submit(w.yusuf, vm::kFixturePin, 2200));
  CHECK(w.ws->session().last_error().find("Too many wrong PINs") != std::string::npos);

  // After the pause, the right PIN gives the copy and clears the count.
  w.admin_in(40'000);
  w.at_pin_pad();
  REQUIRE(w.ws->submit_grant_pin(vm::kFixturePin, 40'010));
  w.ws->finish_grant_now();
  CHECK(w.ws->grant().step() == vm::GrantStep::Closed);
  CHECK(w.ws->has_vault_copy(w.yusuf));
  CHECK(w.data().login_guards[w.yusuf].failures == 0);
  CHECK(w.events("vault.local_grant") == 1);
}

TEST_CASE("local grant: refused for counsellors, a closed vault, an account with a copy and a disabled one") {
  World w;
  sign_in(*w.ws, w.fixtures->counsellor_id(), vm::kFixturePin, 1000);  // not an admin
  CHECK(w.ws->start_grant(w.yusuf).error().code == "admin_only");
  w.ws->session().logout();
  w.ws->tick(1100);

  w.admin_in(2000);
  CHECK(w.ws->start_grant(w.fixtures->counsellor_id()).error().code == "has_copy");
  w.data().vault_is_open = false;  // the admin's own sign-in could not open the records
  CHECK_FALSE(w.ws->can_give_vault_copies());
  CHECK(w.ws->start_grant(w.yusuf).error().code == "locked");
  CHECK(w.ws->notice_is_error());
  w.data().vault_is_open = true;

  // HQ disables the account while the dialog is open; it arrives with a pull.
  w.at_pin_pad();
  std::erase_if(w.data().accounts, [&](const vm::CounsellorAccount& a) { return a.id == w.yusuf; });
  w.ws->refresh_accounts();
  auto refused = w.ws->submit_grant_pin(vm::kFixturePin, 2100);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "disabled");
  CHECK(w.ws->grant().problem() == "This account is disabled: it cannot be given access. Ask HQ.");
  CHECK_FALSE(w.ws->has_vault_copy(w.yusuf));
  REQUIRE(w.events("vault.local_grant_refused") == 1);
  CHECK(w.data().audit_events.back().details.value("reason", "") == "disabled");
}

TEST_CASE("local grant: the PIN check and the copy run off the UI thread, with a busy dialog") {
  auto hold = std::make_shared<std::atomic<bool>>(false);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  World w([hold, released](const std::string&, const std::string& secret) {
    if (hold->load()) released.wait();  // the grant's check waits for the test, the sign-in does not
    return secret == vm::kFixturePin;
  });
  w.admin_in(1000);
  w.at_pin_pad();
  hold->store(true);
  REQUIRE(w.ws->submit_grant_pin(vm::kFixturePin, 1100));
  (void)w.ws->tick(1200);  // must return at once
  CHECK(w.ws->grant().step() == vm::GrantStep::Working);
  CHECK(w.ws->grant().busy());
  CHECK(w.ws->submit_grant_pin(vm::kFixturePin, 1300).error().code == "no_grant");
  w.ws->cancel_grant();  // not while it runs
  CHECK(w.ws->grant().step() == vm::GrantStep::Working);
  release.set_value();
  w.ws->finish_grant_now();
  CHECK(w.ws->grant().step() == vm::GrantStep::Closed);
  CHECK(w.ws->has_vault_copy(w.yusuf));
}

TEST_CASE("accounts screen: an account without a copy, and the grant dialog from the admin to its holder") {
  Headless imgui;
  World w;
  ui::Shell shell(ui::make_registry(), w.ws.get(), ui::AppView{});
  w.admin_in(imgui.now_ms);
  REQUIRE(shell.navigate("accounts"));
  (void)imgui.frame(shell);
  REQUIRE(shell.current() == "accounts");
  CHECK(imgui.shows("Cannot open this kiosk's records yet"));

  auto intents = imgui.tap(shell, "Give access on this kiosk");
  const auto* start = Headless::find<ui::StartVaultGrant>(intents);
  REQUIRE(start != nullptr);
  CHECK(start->account_id == w.yusuf);
  (void)imgui.frame(shell);
  // The dialog covers the screen: no other account, no staff bar, nothing of the admin's session.
  CHECK(imgui.shows("Give Yusuf Karimi access to this kiosk's records?"));
  CHECK_FALSE(imgui.shows("Ingrid Solberg"));
  CHECK_FALSE(imgui.shows("Sign out"));
  REQUIRE(Headless::find<ui::ConfirmVaultGrant>(imgui.tap(shell, "Continue")) != nullptr);
  (void)imgui.frame(shell);
  CHECK(imgui.shows("Yusuf Karimi, type your PIN"));

  for (const char* key : {"1", "2", "3", "4"}) (void)imgui.tap(shell, key);
  intents = imgui.tap(shell, "Give access");
  const auto* pin = Headless::find<ui::SubmitVaultGrantPin>(intents);
  REQUIRE(pin != nullptr);
  CHECK(pin->secret == vm::kFixturePin);
  w.ws->finish_grant_now();
  (void)imgui.frame(shell);
  (void)imgui.frame(shell);
  CHECK(shell.current() == "accounts");
  CHECK(imgui.shows("Ingrid Solberg"));
  CHECK_FALSE(imgui.shows("Cannot open this kiosk's records yet"));
  CHECK(w.ws->notice() == "Yusuf Karimi can now open this kiosk's records, with their own PIN.");

  // A wrong PIN keeps the dialog, says so, and the pad is empty for the next try.
  w.data().set_vault_copies(std::set<std::string>{w.fixtures->admin_id()});
  w.ws->refresh_accounts();
  (void)imgui.frame(shell);
  (void)imgui.tap(shell, "Give access on this kiosk");
  (void)imgui.tap(shell, "Continue");
  for (const char* key : {"9", "9"}) (void)imgui.tap(shell, key);
  (void)imgui.tap(shell, "Give access");
  w.ws->finish_grant_now();
  (void)imgui.frame(shell);
  CHECK(imgui.shows("Wrong PIN. 4 tries left before a pause."));
  REQUIRE(Headless::find<ui::CancelVaultGrant>(imgui.tap(shell, "Cancel")) != nullptr);
  (void)imgui.frame(shell);
  CHECK(w.ws->grant().step() == vm::GrantStep::Closed);
  CHECK(imgui.shows("Add account"));
}
