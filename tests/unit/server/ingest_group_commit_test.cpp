#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sync-server/core/ingest.hpp"
#include "tests/unit/server/eventually.hpp"
#include "tests/unit/server/fixtures.hpp"

// Batches of several kiosks written in one transaction (group_commit.hpp): sequences, the batch
// log, counts and replies stay exact; a batch and its identical retry in one group store it
// once; a batch that fails inside a group leaves nothing and touches no other kiosk's batch.

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// More than one shared INSERT per batch (64 + 4 + 2).
constexpr int kRecords = 70;

struct Push {
  const Device* device;
  json body;
};

struct Fixture {
  TestDb t;
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device oslo2 = enroll_device(*t.db, "OSLO", "oslo-2");
  Device bergen = enroll_device(*t.db, "BERGEN", "bergen-1");
  std::string first_id = new_uuid_v7();  // the one record of the push that holds the writer

  json intakes(const Device& d, int n) {
    const auto v = version_at(now_ms(), d.id);
    json records = json::array();
    for (int i = 0; i < n; ++i) {
      records.push_back(record_json(new_uuid_v7(), "intake", d.centre, v, {{"name", "n"}, {"x", i}}));
    }
    return batch_json(new_uuid_v7(), records);
  }

  // A first push (oslo's, one record) takes the writer while the test holds the write lock;
  // `pushes` queue behind it one at a time, so they form the next group in their order.
  std::vector<Result<PushReply>> push_as_one_group(const std::vector<Push>& pushes) {
    GroupCommit& group = ingest.group_commit();
    std::unique_lock held(t.db->write_mutex());
    std::thread first([&] {
      const auto v = version_at(now_ms(), oslo.id);
      auto r = ingest.push(oslo, batch_json(new_uuid_v7(), json::array({record_json(first_id, "intake", "OSLO", v,
                                                                                    {{"name", "first"}})})));
      CHECK(r.has_value());
    });
    // Leading with its own job taken from the queue: it waits for the lock.
    REQUIRE(eventually([&] { return group.writing() && group.queued() == 0; }));
    std::vector<Result<PushReply>> results(pushes.size(), fail("internal", "not run"));
    std::vector<std::thread> others;
    for (std::size_t i = 0; i < pushes.size(); ++i) {
      others.emplace_back([&, i] { results[i] = ingest.push(*pushes[i].device, pushes[i].body); });
      REQUIRE(eventually([&] { return group.queued() == i + 1; }));
    }
    held.unlock();
    first.join();
    for (auto& th : others) th.join();
    return results;
  }

  std::int64_t count(const std::string& sql) { return db_count(*t.db, sql); }
  void exec(const std::string& sql) {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE((*lease)->exec(sql.c_str()).has_value());
  }
  // The reply names this batch alone as the device's feed between cursor_from and cursor.
  void check_cursors(const Device& d, const PushReply& reply, int records) {
    const auto body = json::parse(reply.body);
    const std::string from = body["cursor_from"], to = body["cursor"];
    CHECK(count("SELECT COUNT(*) FROM records WHERE centre = '" + d.centre + "' AND seq > " + from +
                " AND seq <= " + to) == records);
  }
  void check_all_applied(const Result<PushReply>& r, int records) {
    REQUIRE(r.has_value());
    CHECK(r->counts.applied == records);
    CHECK(json::parse(r->body)["results"].size() == static_cast<std::size_t>(records));
  }
  // No sequence gap, and every stored record counted once.
  void check_sequences(std::int64_t records) {
    CHECK(count("SELECT COUNT(*) FROM records") == records);
    CHECK(count("SELECT MAX(seq) - MIN(seq) + 1 FROM records") == records);
    CHECK(count("SELECT SUM(received) FROM record_counts") == records);
  }
};

}  // namespace

// Two kiosks' batches, or one kiosk's two in flight (a kiosk keeps three on the wire): those
// that queue while the writer commits another share the next commit alike.
TEST_CASE("two batches in one group, of two kiosks or one kiosk's: one commit, exact sequences, counts, batch log and cursors") {
  for (const bool one_kiosk : {false, true}) {
    CAPTURE(one_kiosk);
    Fixture f;
    const Device& second = one_kiosk ? f.oslo2 : f.bergen;
    const auto results = f.push_as_one_group({{&f.oslo2, f.intakes(f.oslo2, kRecords)},
                                              {&second, f.intakes(second, kRecords)}});
    f.check_all_applied(results[0], kRecords);
    f.check_all_applied(results[1], kRecords);
    const auto stats = f.ingest.group_commit().stats();
    CHECK(stats.commits == 2);  // the first push alone, then both together
    CHECK(stats.shared_commits == 1);
    f.check_sequences(1 + 2 * kRecords);
    CHECK(f.count("SELECT COUNT(*) FROM batches") == 3);
    f.check_cursors(f.oslo2, *results[0], kRecords);
    f.check_cursors(second, *results[1], kRecords);
    CHECK(json::parse(results[1]->body)["cursor"] == std::to_string(1 + 2 * kRecords));
  }
}

TEST_CASE("a batch and its identical retry in one group are stored once, and the retry gets the same reply") {
  Fixture f;
  const json body = f.intakes(f.oslo2, kRecords);
  const auto results = f.push_as_one_group({{&f.oslo2, body}, {&f.oslo2, body}});
  f.check_all_applied(results[0], kRecords);
  REQUIRE(results[1].has_value());
  CHECK(!results[0]->replay);
  CHECK(results[1]->replay);
  CHECK(results[1]->body == results[0]->body);
  CHECK(f.ingest.group_commit().stats().shared_commits == 1);
  f.check_sequences(1 + kRecords);
  CHECK(f.count("SELECT COUNT(*) FROM batches") == 2);
}

TEST_CASE("a batch that fails inside a group leaves nothing, and the other kiosks' batches of the group are stored") {
  Fixture f;
  // A stand-in for a database failure in one batch, after all its records were written: the
  // batch log refuses the entry of one device.
  f.exec("CREATE TRIGGER fail_bergen BEFORE INSERT ON batches WHEN NEW.device_id = '" + f.bergen.id +
         "' BEGIN SELECT RAISE(ABORT, 'failed by the test'); END;");
  const json failing = f.intakes(f.bergen, kRecords);
  const auto results = f.push_as_one_group({{&f.oslo2, f.intakes(f.oslo2, kRecords)},
                                            {&f.bergen, failing},
                                            {&f.oslo, f.intakes(f.oslo, kRecords)}});
  f.check_all_applied(results[0], kRecords);
  CHECK(!results[1].has_value());
  f.check_all_applied(results[2], kRecords);
  const auto stats = f.ingest.group_commit().stats();
  CHECK(stats.rolled_back_groups == 1);
  CHECK(stats.commits == 3);  // the first push, then the two good batches each alone
  CHECK(f.count("SELECT COUNT(*) FROM records WHERE centre = 'BERGEN'") == 0);
  CHECK(f.count("SELECT COUNT(*) FROM refused") == 0);
  f.check_sequences(1 + 2 * kRecords);
  CHECK(f.count("SELECT COUNT(*) FROM batches") == 3);
  f.check_cursors(f.oslo2, *results[0], kRecords);
  f.check_cursors(f.oslo, *results[2], kRecords);

  // The kiosk's retry of the same batch, once the fault is gone, stores it whole.
  f.exec("DROP TRIGGER fail_bergen");
  auto retry = f.ingest.push(f.bergen, failing);
  f.check_all_applied(retry, kRecords);
  CHECK(!retry->replay);
  f.check_sequences(1 + 3 * kRecords);
}

TEST_CASE("a batch refused whole in the middle of its writes, inside a group, never half-applies") {
  Fixture f;
  // Bergen's batch writes new records, then names an id that Oslo's first push stored.
  json refused = f.intakes(f.bergen, kRecords);
  refused["records"].push_back(
      record_json(f.first_id, "intake", "BERGEN", version_at(now_ms(), f.bergen.id), {{"name", "n"}}));
  const auto results = f.push_as_one_group({{&f.bergen, refused}, {&f.oslo2, f.intakes(f.oslo2, kRecords)}});
  REQUIRE(!results[0].has_value());
  CHECK(results[0].error().code == "forbidden");
  f.check_all_applied(results[1], kRecords);
  CHECK(f.count("SELECT COUNT(*) FROM records WHERE centre = 'BERGEN'") == 0);
  f.check_sequences(1 + kRecords);
  CHECK(f.count("SELECT COUNT(*) FROM batches") == 2);
  f.check_cursors(f.oslo2, *results[1], kRecords);
}
