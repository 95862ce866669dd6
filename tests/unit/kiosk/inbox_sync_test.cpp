// An appointment request made on one kiosk reaches the inbox of another kiosk of the centre
// through the real server, and the counsellor's status change there syncs back. The real
// server core on loopback, the real stores, the real sync engine and workspace on kiosk B.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "kiosk/core/sync/sync_round.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "tests/unit/kiosk/tick_until.hpp"

using namespace ws::kiosk;
using namespace std::chrono_literals;
using ws::kiosk::test::tick_until;

TEST_CASE("inbox over sync: a request saved on kiosk A appears in kiosk B's inbox, and B's status change reaches A") {
  test::TestServer server;
  ws::test::TempDir dir;
  auto a = test::enrolled_store(dir.file("a"), server.enroll("OSLO", "kiosk a"));
  test::FaultyTransport to_server(server.url());
  auto request = a->save("appointment", {{"name", "Amal Haddad"}, {"preferred_language", "ar"}, {"consent_contact", true}});
  REQUIRE(request);
  auto pushed = SyncRound(*a, to_server).run();
  REQUIRE_MESSAGE(pushed, (pushed ? "" : pushed.error().message));

  const std::string b_dir = dir.file("b");
  (void)test::enrolled_store(b_dir, server.enroll("OSLO", "kiosk b"));
  auto account = ws::server::add_counsellor(server.database(), "OSLO", "Inbox Reader", "counsellor", "246813");
  REQUIRE(account);
  auto opened = vm::StoreWorkspaceData::open(b_dir, WS_SOURCE_ASSETS_DIR);
  REQUIRE(opened);
  vm::StoreWorkspaceData& data = **opened;
  vm::Workspace ws(data, {}, [](const std::string&, const std::string& pin) { return pin == "246813"; });
  REQUIRE(tick_until(ws, data, [&] { return ws.session().accounts().size() == 1; }));
  REQUIRE(ws.session().submit(account->id, "246813", 2000));
  ws.session().wait_for_verification();
  REQUIRE(tick_until(ws, data, [&] { return ws.session().signed_in(); }));

  REQUIRE(tick_until(ws, data, [&] { return ws.new_requests() == 1; }));
  REQUIRE(ws.inbox().size() == 1);
  CHECK(ws.inbox()[0].id == *request);
  CHECK(ws.inbox()[0].name == "Amal Haddad");
  CHECK(ws.inbox()[0].language_label == "Arabic");

  REQUIRE(ws.set_request_status(*request, "booked"));
  REQUIRE(tick_until(ws, data, [&] { return ws.sync().status.pending == 0 && !ws.sync().status.syncing; }));
  // Kiosk A pulls the change: the request now says booked, and who booked it.
  bool seen = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    REQUIRE(SyncRound(*a, to_server).run());
    auto stored = a->get(*request);
    REQUIRE(stored);
    seen = *stored && (*stored)->envelope.payload.value("_inbox_status", "") == "booked";
    if (!seen) std::this_thread::sleep_for(50ms);
  }
  REQUIRE(seen);
  CHECK((*a->get(*request))->envelope.payload["_handled_by"] == account->id);
}
