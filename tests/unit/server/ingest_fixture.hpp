#pragma once
// One centre's kiosk pushing to a real Ingest over a fresh database, for the ingest tests.
#include <string>

#include "sync-server/core/ingest.hpp"
#include "tests/unit/server/fixtures.hpp"

namespace ws::server::testing {

struct OsloIngest {
  TestDb t;
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");

  // The reply's JSON; a batch the server refuses whole fails the test.
  nlohmann::json push(const nlohmann::json& records) {
    auto r = ingest.push(oslo, batch_json(new_uuid_v7(), records));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    return nlohmann::json::parse(r->body);
  }
  std::int64_t count(const std::string& sql) { return db_count(*t.db, sql); }
  // One text (a group_concat of rows).
  std::string text(const std::string& sql) { return db_text(*t.db, sql); }
  void exec(const char* sql) {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE((*lease)->exec(sql).has_value());
  }
};

}  // namespace ws::server::testing
