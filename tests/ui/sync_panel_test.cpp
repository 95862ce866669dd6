// The sync panel: "Send again" puts a refused record back in the outbox; the clock warning.
#include <doctest/doctest.h>

#include "kiosk/core/vm/fixtures.hpp"

using namespace ws::kiosk::vm;

TEST_CASE("send again: a refused record leaves the panel's list and waits to be sent") {
  auto w = make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE(w);
  Workspace& ws = *(*w)->workspace;
  CHECK_FALSE(ws.send_again("anything"));  // signed out: nothing personal, nothing to send
  REQUIRE((*w)->sign_in(0));
  ws.refresh_sync();
  REQUIRE(ws.sync().quarantined.size() == 1);
  const std::string id = ws.sync().quarantined[0].record_id;

  REQUIRE(ws.send_again(id));
  CHECK(ws.sync().quarantined.empty());
  CHECK_FALSE(ws.notice_is_error());
  // Twice is an error said in words, not a second copy.
  CHECK_FALSE(ws.send_again(id));
  CHECK(ws.notice_is_error());
}

TEST_CASE("the sync panel warns in words when the kiosk's clock is more than a minute off") {
  SyncPanel panel;
  CHECK(panel.clock_warning().empty());  // not measured yet
  panel.status.clock_offset_ms = 59'000;
  CHECK(panel.clock_warning().empty());
  panel.status.clock_offset_ms = -3LL * 24 * 3600 * 1000 - 5000;  // server minus local: local runs ahead
  CHECK(panel.clock_warning().rfind("This kiosk's clock is 3 days ahead of the server's.", 0) == 0);
  panel.status.clock_offset_ms = 2LL * 3600 * 1000 + 1;
  CHECK(panel.clock_warning().rfind("This kiosk's clock is 2 hours behind the server's.", 0) == 0);
  panel.status.clock_offset_ms = 61'000;
  CHECK(panel.clock_warning().rfind("This kiosk's clock is 1 minute behind", 0) == 0);
}
