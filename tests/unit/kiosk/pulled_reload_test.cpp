// A running kiosk picks up what a pull brings without a restart: forms HQ publishes, accounts
// HQ adds, and a disabled account's open session ends. The real server core on loopback, the
// real store and sync engine (its own thread), the real workspace view-model.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "tests/unit/kiosk/tick_until.hpp"

using namespace ws::kiosk;
using namespace std::chrono_literals;
using ws::kiosk::test::tick_until;

namespace {

nlohmann::json shipped_form(const std::string& id) {
  std::ifstream in(std::string(WS_SOURCE_ASSETS_DIR) + "/forms/" + id + ".json");
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("a running kiosk reloads published forms and accounts after a pull and signs out a disabled account") {
  test::TestServer server;
  ws::test::TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  (void)test::enrolled_store(data_dir, server.enroll("OSLO"));
  auto account = ws::server::add_counsellor(server.database(), "OSLO", "Hq Made", "counsellor", "246813");
  REQUIRE(account);

  auto opened = vm::StoreWorkspaceData::open(data_dir, WS_SOURCE_ASSETS_DIR);
  REQUIRE(opened);
  vm::StoreWorkspaceData& data = **opened;
  // Instant verifier: this test is about what reaches the session, not Argon2id.
  vm::Workspace ws(data, {}, [](const std::string&, const std::string& pin) { return pin == "246813"; });

  // The account HQ made arrives with the first pull and can sign in, without a restart.
  REQUIRE(tick_until(ws, data, [&] { return ws.session().accounts().size() == 1; }));
  REQUIRE(ws.session().submit(account->id, "246813", 2000));
  ws.session().wait_for_verification();
  REQUIRE(tick_until(ws, data, [&] { return ws.session().signed_in(); }));

  // HQ publishes a new version of the case form: the running kiosk's forms have it after a pull.
  auto form = shipped_form("case");
  const int next_version = form["version"].get<int>() + 1;
  form["version"] = next_version;
  REQUIRE(ws::server::publish(server.database(), "form", form, ""));
  CHECK(data.forms().find("case", next_version) == nullptr);
  CHECK(tick_until(ws, data, [&] { return data.forms().find("case", next_version) != nullptr; }));

  // HQ disables the account: the session open on the kiosk ends at the next pull.
  REQUIRE(ws::server::disable_counsellor(server.database(), account->id));
  CHECK(tick_until(ws, data, [&] { return !ws.session().signed_in(); }));
  CHECK(ws.session().accounts().empty());
}
