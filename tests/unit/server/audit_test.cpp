#include <doctest/doctest.h>

#include "sync-server/core/audit.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws::server;
using namespace ws::server::testing;

TEST_CASE("server audit: audit_erasure appends one verified entry naming the case, not the reason text") {
  TestDb t;
  REQUIRE(audit_erasure(*t.db, "cli:hq", "case-123", {{"records", 4}}));
  REQUIRE(record_audit(*t.db, ws::audit::Event{"cli:hq", "consent.withdrawn", "case-123", {}}));
  auto lease = t.db->acquire();
  REQUIRE(lease);
  auto entries = ws::audit::list(**lease);
  REQUIRE(entries);
  REQUIRE(entries->size() == 2);
  CHECK(entries->front().action == "case.erased");
  CHECK(entries->front().object_id == "case-123");
  CHECK(entries->front().details == R"({"records":4})");
  auto verdict = ws::audit::verify(**lease);
  REQUIRE(verdict);
  CHECK(verdict->ok);
}
