#pragma once
// Shared test scaffolding: a unique temp directory, a migrated database in it, an enrolled
// device, and envelope builders.
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "sync-server/core/authority.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/payload_validator.hpp"
#include "sync-server/core/records.hpp"
#include "tests/support/records.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/envelope.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::server::testing {

using ws::test::record_json;
using ws::test::TempDir;

struct TestDb {
  TempDir dir;
  std::shared_ptr<Database> db;
  TestDb() {
    auto opened = Database::open(dir.file("server.db"));
    REQUIRE(opened.has_value());
    db = *opened;
  }
};

inline Device enroll_device(Database& db, const std::string& centre, const std::string& name = "kiosk") {
  DeviceRegistry devices(db);
  auto code = devices.create_code(centre, 60'000);
  REQUIRE(code.has_value());
  auto e = devices.enroll(code->code, name);
  REQUIRE(e.has_value());
  return e->device;
}

inline Version version_at(std::int64_t wall_ms, const std::string& device, std::uint32_t logical = 0) {
  return Version{Hlc{wall_ms, logical}, device};
}

inline nlohmann::json batch_json(const std::string& batch_id, const nlohmann::json& records) {
  return {{"batch_id", batch_id}, {"records", records}};
}

// Refuses an intake whose "name" is missing: a stand-in for form validation with one rule.
class NameRequired : public PayloadValidator {
 public:
  std::vector<FieldProblem> validate(const std::string& kind, int, const nlohmann::json& payload) const override {
    if (kind == "intake" && !payload.contains("name")) return {{"name", "required"}};
    return {};
  }
};
// The first column of a query's first row, read by `read`, through a pooled connection.
template <class Read>
auto db_first(Database& db, const std::string& sql, Read read) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare(sql);
  REQUIRE(st.has_value());
  REQUIRE(st->step().value());
  return read(*st);
}

// One integer from the database (a COUNT or MAX).
inline std::int64_t db_count(Database& db, const std::string& sql) {
  return db_first(db, sql, [](auto& st) { return st.column_int(0); });
}

// One text from the database (a value, or a group_concat of rows).
inline std::string db_text(Database& db, const std::string& sql) {
  return db_first(db, sql, [](auto& st) { return st.column_text(0); });
}

inline Envelope stored_record(Database& db, const std::string& id) {
  auto lease = db.acquire();
  REQUIRE(lease.has_value());
  auto e = load_record(**lease, id);
  REQUIRE(e.has_value());
  REQUIRE(e->has_value());
  return **e;
}

// The device pulled everything so far, as a kiosk does before it edits what others wrote.
inline void mark_pulled(Database& db, const Device& d) {
  REQUIRE(remember_pulled(db, d.id, db_count(db, "SELECT COALESCE(MAX(seq), 0) FROM records")).has_value());
}

// Wall times near now, so the server clock accepts them.
inline std::int64_t now_ms() { return HlcClock::system_wall_ms(); }

}  // namespace ws::server::testing
