// The sync panel's "Send again": a refused record goes back to the outbox and leaves the list.
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
