#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sync-server/core/records.hpp"
#include "tests/unit/server/ingest_fixture.hpp"

// New records are written several to one INSERT (records_insert.hpp): the change sequences
// still follow the batch's order, a record written twice in one batch still merges, and a row
// the store refuses inside a shared INSERT is refused alone.

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct Fixture : OsloIngest {
  std::vector<std::string> ids_by_seq() {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    auto st = (*lease)->prepare("SELECT id FROM records ORDER BY seq");
    REQUIRE(st.has_value());
    auto ids = st->collect_column(0);
    REQUIRE(ids.has_value());
    return *ids;
  }
};

// More than one shared INSERT and a remainder in halving chunks (64 + 32 + 8 + 2 + 1).
constexpr int kRecords = 107;

}  // namespace

TEST_CASE("a large batch of new records is stored in its order, with no sequence gap and every count") {
  Fixture f;
  const auto v = version_at(unix_ms_now(), f.oslo.id);
  json records = json::array();
  std::vector<std::string> ids;
  for (int i = 0; i < kRecords; ++i) {
    ids.push_back(new_uuid_v7());
    records.push_back(record_json(ids.back(), i % 2 ? "case" : "intake", "OSLO", v, {{"name", "n"}, {"x", i}}));
  }
  const auto reply = f.push(records);
  for (const auto& r : reply["results"]) CHECK(r["status"] == "applied");
  CHECK(f.ids_by_seq() == ids);
  CHECK(f.count("SELECT MAX(seq) - MIN(seq) + 1 FROM records") == kRecords);
  CHECK(reply["cursor"] == std::to_string(f.count("SELECT MAX(seq) FROM records")));
  CHECK(f.count("SELECT SUM(received) FROM record_counts") == kRecords);
  CHECK(f.count("SELECT count(*) FROM case_index") == kRecords / 2);
}

TEST_CASE("a record sent twice in one batch, and a stored one changed between new ones, keep the batch's order") {
  Fixture f;
  const auto t0 = unix_ms_now();
  const std::string stored = new_uuid_v7();
  f.push(json::array({record_json(stored, "case", "OSLO", version_at(t0, f.oslo.id), {{"x", 0}})}));
  mark_pulled(*f.t.db, f.oslo);
  const auto before = f.count("SELECT MAX(seq) FROM records");

  const std::string twice = new_uuid_v7();
  const std::string a = new_uuid_v7(), b = new_uuid_v7();
  const auto reply = f.push(json::array({
      record_json(a, "case", "OSLO", version_at(t0 + 1, f.oslo.id), {{"x", 1}}),
      record_json(twice, "case", "OSLO", version_at(t0 + 2, f.oslo.id), {{"x", 2}}),
      record_json(stored, "case", "OSLO", version_at(t0 + 3, f.oslo.id), {{"x", 3}}),
      record_json(twice, "case", "OSLO", version_at(t0 + 4, f.oslo.id), {{"x", 4}}),
      record_json(b, "case", "OSLO", version_at(t0 + 5, f.oslo.id), {{"x", 5}}),
  }));
  for (const auto& r : reply["results"]) CHECK(r["status"] == "applied");
  CHECK(f.ids_by_seq() == std::vector<std::string>{a, stored, twice, b});
  CHECK(stored_record(*f.t.db, twice).payload == json{{"x", 4}});
  CHECK(stored_record(*f.t.db, stored).payload == json{{"x", 3}});
  CHECK(f.count("SELECT MAX(seq) FROM records") == before + 5);  // one sequence per write, none skipped
  CHECK(f.count("SELECT count(*) FROM record_history") == 2);
}

TEST_CASE("a row the store refuses inside a shared INSERT is refused alone, leaving no row, gap or count") {
  Fixture f;
  // A stand-in for any constraint a row can break: RAISE(ABORT) fails the statement as one does.
  f.exec("CREATE TRIGGER refuse_some BEFORE INSERT ON records WHEN NEW.payload LIKE '%\"x\":13}%'"
         " OR NEW.payload LIKE '%\"x\":70}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
  const auto v = version_at(unix_ms_now(), f.oslo.id);
  json records = json::array();
  std::vector<std::string> kept;
  for (int i = 0; i < kRecords; ++i) {
    const std::string id = new_uuid_v7();
    if (i != 13 && i != 70) kept.push_back(id);
    records.push_back(record_json(id, "intake", "OSLO", v, {{"name", "n"}, {"x", i}}));
  }
  const auto reply = f.push(records);
  const auto& results = reply["results"];
  REQUIRE(results.size() == static_cast<std::size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    const bool refused = i == 13 || i == 70;
    CHECK(results[i]["status"] == (refused ? "rejected" : "applied"));
    if (refused) CHECK(results[i]["error"] == "the record conflicts with stored data");
  }
  CHECK(f.ids_by_seq() == kept);
  CHECK(f.count("SELECT MAX(seq) - MIN(seq) + 1 FROM records") == kRecords - 2);
  CHECK(reply["cursor"] == std::to_string(f.count("SELECT MAX(seq) FROM records")));
  CHECK(f.count("SELECT SUM(received) FROM record_counts") == kRecords - 2);
  CHECK(f.count("SELECT count(*) FROM refused WHERE centre = 'OSLO'") == 2);
}
