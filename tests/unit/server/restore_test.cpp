// The server's epoch, POST /v1/have's answer, and `backup` / `restore` on the real core.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "sync-server/core/backup.hpp"
#include "sync-server/core/epoch.hpp"
#include "sync-server/core/have.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/records.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

class AcceptAll : public PayloadValidator {
 public:
  std::vector<FieldProblem> validate(const std::string&, int, const json&) const override { return {}; }
};

struct Fixture {
  TestDb t;
  AcceptAll validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");

  // Pushes one new case and returns its id once the server acknowledged it.
  std::string push_case(const Version& v) {
    const auto id = new_uuid_v7();
    auto r = ingest.push(oslo, batch_json(new_uuid_v7(), json::array({record_json(id, "case", "OSLO", v, {{"n", id}})})));
    REQUIRE(r.has_value());
    REQUIRE(json::parse(r->body)["results"][0]["status"] == "applied");
    return id;
  }
};

std::set<std::string> ids_in(const std::string& path) {
  auto db = sql::Connection::open(path, sql::OpenOptions{.read_only = true, .create = false});
  REQUIRE(db.has_value());
  auto st = db->prepare("SELECT id FROM records");
  REQUIRE(st.has_value());
  std::set<std::string> ids;
  while (st->step().value()) ids.insert(st->column_text(0));
  return ids;
}

std::string epoch_of(const std::string& path) {
  auto db = Database::open(path);
  REQUIRE(db.has_value());
  return (*db)->epoch();
}

}  // namespace

TEST_CASE("a new database has an epoch of its own that stays the same across opens") {
  TempDir a, b;
  const auto first = epoch_of(a.file("s.db"));
  CHECK(first.size() == 32);
  CHECK(epoch_of(a.file("s.db")) == first);
  CHECK(epoch_of(b.file("s.db")) != first);
}

TEST_CASE("a database rolled back by hand gets a new epoch when serving starts, an untouched one keeps it") {
  Fixture f;
  const std::string path = f.t.db->path();
  f.push_case(version_at(now_ms(), f.oslo.id));
  auto lease = f.t.db->acquire();
  REQUIRE(lease.has_value());
  const auto epoch = read_epoch(**lease);
  REQUIRE(epoch.has_value());
  auto kept = start_epoch(**lease, path);  // sidecar now says seq 1
  REQUIRE(kept.has_value());
  CHECK(*kept == *epoch);
  CHECK(start_epoch(**lease, path).value() == *epoch);
  // The sidecar remembers a later change than the file holds: the file went back in time.
  REQUIRE(remember_epoch(path, *epoch, 5).has_value());
  auto renewed = start_epoch(**lease, path);
  REQUIRE(renewed.has_value());
  CHECK(*renewed != *epoch);
  CHECK(read_epoch(**lease).value() == *renewed);
}

TEST_CASE("have names the records the server lacks or holds older, never another centre's") {
  Fixture f;
  const auto t0 = now_ms();
  const auto same = f.push_case(version_at(t0, f.oslo.id));
  const auto older = f.push_case(version_at(t0, f.oslo.id));
  const Device bergen = enroll_device(*f.t.db, "BERGEN", "bergen-1");
  const auto theirs = new_uuid_v7();
  REQUIRE(f.ingest.push(bergen, batch_json(new_uuid_v7(), json::array({record_json(theirs, "case", "BERGEN",
                                                                                   version_at(t0, bergen.id), {{"n", 1}})})))
              .has_value());
  const auto absent = new_uuid_v7();
  auto request = parse_have_request(json{{"records",
                                          {{{"id", same}, {"version", version_at(t0, f.oslo.id).to_string()}},
                                           {{"id", older}, {"version", version_at(t0 + 10, f.oslo.id).to_string()}},
                                           {{"id", theirs}, {"version", version_at(t0 + 10, f.oslo.id).to_string()}},
                                           {{"id", absent}, {"version", version_at(t0, f.oslo.id).to_string()}}}}});
  REQUIRE(request.has_value());
  auto missing = missing_records(*f.t.db, "OSLO", *request);
  REQUIRE(missing.has_value());
  CHECK(std::set<std::string>(missing->begin(), missing->end()) == std::set<std::string>{older, absent});
}

TEST_CASE("have refuses malformed and oversized lists") {
  CHECK(parse_have_request(json{{"records", 3}}).error().code == "invalid_request");
  CHECK(parse_have_request(json{{"records", {{{"id", "x"}, {"version", "nope"}}}}}).error().code == "invalid_request");
  json many = json::array();
  for (std::size_t i = 0; i <= protocol::kMaxHaveRecords; ++i) many.push_back({{"id", "x"}, {"version", "y"}});
  CHECK(parse_have_request(json{{"records", many}}).error().code == "too_large");
}

TEST_CASE("restore refuses a database a running server holds, and gives a restored one a new epoch") {
  TempDir dir;
  const std::string live = dir.file("server.db");
  const std::string old_epoch = epoch_of(live);
  REQUIRE(backup_database(live, dir.file("backup.db")).has_value());
  {
    auto serving = Database::open(live, DatabaseOptions{.background_checkpoints = true, .serving = true});
    REQUIRE(serving.has_value());
    auto refused = restore_database(dir.file("backup.db"), live);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == "database_in_use");
    // A second server on the same file is refused too.
    CHECK_FALSE(Database::open(live, DatabaseOptions{.background_checkpoints = true, .serving = true}).has_value());
  }
  auto restored = restore_database(dir.file("backup.db"), live);
  REQUIRE(restored.has_value());
  CHECK(restored->epoch != old_epoch);
  CHECK(epoch_of(live) == restored->epoch);
  struct stat st {};
  REQUIRE(::stat(live.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("restore refuses a backup that is not a sound database") {
  TempDir dir;
  dir.write("junk.db", std::string(8192, 'x'));
  auto r = restore_database(dir.file("junk.db"), dir.file("server.db"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == "corrupt");
}

TEST_CASE("a backup taken while pushes go on is sound, private, and holds every record acknowledged before it") {
  Fixture f;
  std::mutex m;
  std::condition_variable grew;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::thread pusher([&] {
    while (!stop) {
      const auto id = f.push_case(version_at(now_ms(), f.oslo.id));
      std::lock_guard lock(m);
      acknowledged.push_back(id);
      grew.notify_all();
    }
  });
  // Wait (bounded) for a good number of records, then back up while the pusher keeps going.
  std::vector<std::string> before;
  {
    std::unique_lock lock(m);
    grew.wait_for(lock, std::chrono::minutes(2), [&] { return acknowledged.size() >= 100; });
    before = acknowledged;
  }
  const std::string copy = f.t.dir.file("backup.db");
  auto report = backup_database(f.t.db->path(), copy);
  stop = true;
  pusher.join();
  REQUIRE_MESSAGE(report.has_value(), (report ? "" : report.error().message));
  CHECK(report->integrity == "ok");
  CHECK(check_integrity(copy).has_value());
  const auto held = ids_in(copy);
  for (const auto& id : before) CHECK(held.count(id) == 1);
  CHECK(static_cast<std::int64_t>(held.size()) == report->records);
  struct stat st {};
  REQUIRE(::stat(copy.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}
