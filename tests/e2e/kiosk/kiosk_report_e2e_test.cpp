// The kiosk's sync report through the real binaries: a sync leaves the kiosk's outbox,
// quarantine, app version and audit head on its device row; the head is the anchor that
// `kiosk audit verify --anchor` checks, so a chain rewritten afterwards fails.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/e2e/kiosk/harness.hpp"
#include "tests/support/audit_tamper.hpp"
#include "ws/audit_chain.hpp"
#include "ws/sqlite.hpp"

using namespace ws::e2e;
using nlohmann::json;

namespace {

json anchors(const std::string& db) {
  auto r = run({server_bin(), "audit", "anchors", "--db", db});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return json::parse(r.out).at("devices");
}

}  // namespace

TEST_CASE("a sync reports the kiosk's state and audit head; verify --anchor catches a rewritten chain") {
  TempDir dir;
  const std::string db = dir.sub("server.db");
  Server server(db);
  server.start();
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO");
  k.add("intake", intake(1), dir.path());
  REQUIRE(k.cli({"list", "--kind", "intake"}).code == 0);  // an audit entry
  auto synced = k.cli({"sync"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);

  const json devices = anchors(db);
  REQUIRE(devices.size() == 1);
  REQUIRE(devices[0]["anchor"].is_string());
  const std::string anchor = devices[0]["anchor"];
  {
    auto conn = ws::sql::Connection::open(db);
    REQUIRE(conn);
    auto st = conn->prepare("SELECT report_outbox, report_quarantined, report_app FROM devices");
    REQUIRE(st);
    REQUIRE(st->step().value());
    CHECK(st->column_int(0) == 0);  // the pull after the push reports an empty outbox
    CHECK(st->column_int(1) == 0);
    CHECK_FALSE(st->column_text(2).empty());
  }

  CHECK(k.cli({"audit", "verify", "--anchor", anchor}).code == 0);
  REQUIRE(k.cli({"list", "--kind", "intake"}).code == 0);  // the chain grows past the anchor
  CHECK(k.cli({"audit", "verify", "--anchor", anchor}).code == 0);
  CHECK(k.cli({"audit", "verify", "--anchor", "nonsense"}).code == 2);

  // Someone with the file rewrites the whole chain consistently: plain verify cannot tell,
  // the anchor the server kept can.
  {
    auto conn = ws::sql::Connection::open(ws::kiosk::Store::database_path(k.data_dir));
    REQUIRE(conn);
    ws::test::drop_audit_triggers(*conn);
    ws::test::exec_or_throw(*conn, "DELETE FROM audit_log");
    for (int i = 0; i < 4; ++i) {
      REQUIRE(ws::audit::append(*conn, ws::audit::Event{"cli", "records.listed", "", json::object()}, 1000 + i));
    }
  }
  CHECK(k.cli({"audit", "verify"}).code == 0);
  auto caught = k.cli({"audit", "verify", "--anchor", anchor});
  CHECK(caught.code == 1);
  CHECK_FALSE(caught.err.empty());
}
