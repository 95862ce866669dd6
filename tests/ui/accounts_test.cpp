// The admin's Accounts screen: only admins reach it, fields are checked and errors named, the
// PIN is hashed off the UI thread, and the new account can sign in. Also the login screen of a
// kiosk that has no account yet.
#include <future>

#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "ws/crypto.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

std::unique_ptr<vm::FixtureWorld> world() {
  auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE_MESSAGE(w, (w ? "" : w.error().message));
  return std::move(*w);
}

const vm::CounsellorAccount* account_named(const vm::Workspace& ws, const std::string& name) {
  for (const auto& a : ws.session().accounts())
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("accounts: only a signed-in admin may add one") {
  auto w = world();
  vm::Workspace& ws = *w->workspace;
  const vm::NewAccount good{"Nina Berg", "counsellor", "555555", "555555"};
  CHECK(ws.add_account(good).error().code == "admin_only");  // nobody signed in
  REQUIRE(w->sign_in(0));  // a counsellor, not an admin
  CHECK_FALSE(ws.admin_signed_in());
  CHECK(ws.add_account(good).error().code == "admin_only");
  ws.session().logout();
  REQUIRE(w->sign_in(10, w->admin_id()));
  CHECK(ws.admin_signed_in());
  CHECK(ws.add_account(good));
}

TEST_CASE("accounts: each field's problem is reported under that field, and nothing is saved") {
  auto w = world();
  vm::Workspace& ws = *w->workspace;
  REQUIRE(w->sign_in(0, w->admin_id()));
  const std::size_t before = w->data->accounts.size();

  CHECK_FALSE(ws.add_account({"   ", "boss", "12", "12"}));
  const vm::AccountCreator& c = ws.account_creator();
  CHECK(c.problem("name") == "Name: enter the counsellor's name.");
  CHECK(c.problem("role") == "Role: choose counsellor or admin.");
  CHECK(c.problem("pin") == "PIN: use at least 6 digits, or a passphrase of at least 8 characters.");
  CHECK(c.problem("pin_again").empty());  // one PIN problem at a time
  CHECK_FALSE(c.busy());

  CHECK_FALSE(ws.add_account({"Ingrid Solberg", "counsellor", "555555", "555556"}));
  CHECK(c.problem("name").find("exists already") != std::string::npos);
  CHECK(c.problem("pin_again") == "PIN again: the two PINs differ.");
  CHECK(c.problem("pin").empty());

  ws.tick(5);
  CHECK(w->data->accounts.size() == before);
}

TEST_CASE("accounts: the PIN is hashed off the UI thread, then the account is saved and can sign in") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto w = world();
  // A workspace whose hasher waits for the test: proof that tick() never blocks on it.
  vm::Workspace ws(*w->data, {}, {}, {}, [released](const std::string& secret) {
    released.wait();
    return ws::crypto::hash_password(secret);
  });
  REQUIRE(ws.session().submit(w->admin_id(), vm::kFixturePin, 0));
  ws.session().wait_for_verification();
  ws.tick(0);
  REQUIRE(ws.admin_signed_in());

  REQUIRE(ws.add_account({"  Nina Berg ", "admin", "555555", "555555"}));
  CHECK(ws.account_creator().busy());
  ws.tick(1);  // must return at once
  CHECK(ws.account_creator().busy());
  CHECK(ws.add_account({"Other", "counsellor", "6666", "6666"}).error().code == "busy");
  CHECK(ws.accounts_added() == 0);
  release.set_value();
  ws.finish_account_now();
  CHECK(ws.accounts_added() == 1);
  CHECK_FALSE(ws.notice_is_error());
  CHECK(ws.notice().find("Nina Berg") != std::string::npos);
  CHECK(w->data->sync_requests > 0);

  const vm::CounsellorAccount* nina = account_named(ws, "Nina Berg");
  REQUIRE(nina != nullptr);
  CHECK(nina->role == "admin");
  CHECK(nina->pin_hash.rfind("$argon2id$", 0) == 0);
  ws.session().logout();
  REQUIRE(ws.session().submit(nina->id, "555555", 10));
  ws.session().wait_for_verification();
  ws.tick(10);
  CHECK(ws.session().signed_in());
}

TEST_CASE("accounts screen: hidden from counsellors, reached by admins through the staff bar") {
  Headless imgui;
  auto w = world();
  ui::Shell shell(ui::make_registry(), w->workspace.get(), ui::AppView{});
  // Signed out: the login screen.
  REQUIRE(shell.navigate("accounts"));
  CHECK(shell.current() == "login");

  REQUIRE(w->sign_in(imgui.now_ms));
  REQUIRE(shell.navigate("cases"));
  (void)imgui.frame(shell);
  CHECK_FALSE(imgui.shows("Accounts"));
  CHECK_FALSE(shell.navigate("accounts"));
  CHECK(shell.current() == "cases");
  w->workspace->session().logout();
  (void)imgui.frame(shell);

  REQUIRE(w->sign_in(imgui.now_ms, w->admin_id()));
  REQUIRE(shell.navigate("cases"));
  (void)imgui.tap(shell, "Accounts");
  (void)imgui.frame(shell);
  REQUIRE(shell.current() == "accounts");
  CHECK(imgui.shows("Ingrid Solberg"));
  CHECK(imgui.shows("Marte Lie"));

  // Filling the form emits one intent with the fields; the PIN boxes are emptied at once.
  (void)imgui.type(shell, "Name", "Nina Berg");
  (void)imgui.tap(shell, "Admin (can add accounts)");
  (void)imgui.type(shell, "PIN or passphrase (at least 6 digits or 8 characters)", "555555");
  (void)imgui.type(shell, "PIN again", "555555");
  auto intents = imgui.tap(shell, "Add account");
  const auto* add = Headless::find<ui::AddCounsellor>(intents);
  REQUIRE(add != nullptr);
  CHECK(add->name == "Nina Berg");
  CHECK(add->role == "admin");
  CHECK(add->pin == "555555");
  CHECK(add->pin_again == "555555");
  w->workspace->finish_account_now();
  (void)imgui.frame(shell);
  (void)imgui.frame(shell);
  CHECK(imgui.shows("Nina Berg"));
  CHECK(account_named(*w->workspace, "Nina Berg") != nullptr);

  // Signing out leaves the admin screen at once.
  w->workspace->session().logout();
  (void)imgui.frame(shell);
  CHECK(shell.current() == "login");
}

TEST_CASE("login: a kiosk without accounts says how to make the first one instead of an empty picker") {
  Headless imgui;
  auto w = world();
  w->data->accounts.clear();
  w->workspace->refresh_accounts();
  ui::Shell shell(ui::make_registry(), w->workspace.get(), ui::AppView{});
  REQUIRE(shell.navigate("login"));
  (void)imgui.frame(shell);
  CHECK(imgui.shows("No counsellor accounts on this kiosk yet"));
  CHECK_FALSE(imgui.shows("Sign in"));
  CHECK_FALSE(imgui.shows("Who are you?"));
}
