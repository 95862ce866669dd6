#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sync-server/core/check_pool.hpp"
#include "tests/unit/server/eventually.hpp"
#include "tests/unit/server/ingest_fixture.hpp"

// A large push's second half is checked by an idle helper of a fixed pool, never by a thread
// made for the batch; with no helper idle the request thread checks it all.

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// Work that holds its helper until released.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool entered = false;
  bool open = false;
  void hold() {
    std::unique_lock lock(mutex);
    entered = true;
    changed.notify_all();
    changed.wait(lock, [&] { return open; });
  }
  void wait_entered() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return entered; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

std::size_t threads_in_process() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

std::vector<std::string> new_ids(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(new_uuid_v7());
  return ids;
}

// Valid and invalid records mixed (each refusal a different check), one per id.
json mixed_records(const std::string& device_id, const std::vector<std::string>& ids, std::int64_t at_ms) {
  const auto v = version_at(at_ms, device_id);
  json records = json::array();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    switch (i % 6) {
      case 0: records.push_back(record_json(ids[i], "intake", "OSLO", v, {{"age", i}})); break;  // no name
      case 1: records.push_back(record_json(ids[i], "spaceship", "OSLO", v, {{"x", i}})); break;
      case 2: records.push_back(json{{"id", "not-a-uuid"}}); break;
      default: records.push_back(record_json(ids[i], "intake", "OSLO", v, {{"name", "n"}, {"x", i}}));
    }
  }
  return records;
}

json results(Ingest& ingest, const Device& device, const json& records, bool as_text) {
  Result<PushReply> reply = fail("internal", "not pushed");
  if (as_text) {
    std::vector<std::string> texts;
    for (const auto& r : records) texts.push_back(r.dump());
    protocol::PushRequest request;
    request.batch_id = new_uuid_v7();
    for (const auto& t : texts) request.record_texts.push_back(t);
    reply = ingest.push(device, std::move(request));
  } else {
    reply = ingest.push(device, batch_json(new_uuid_v7(), records));
  }
  REQUIRE_MESSAGE(reply.has_value(), (reply.has_value() ? "" : reply.error().message));
  return json::parse(reply->body)["results"];
}

}  // namespace

TEST_CASE("a helper takes handed-off work, and is idle again once its caller has waited") {
  CheckPool pool(1);
  REQUIRE(pool.helpers() == 1);
  for (int round = 0; round < 3; ++round) {
    std::thread::id ran_on;
    auto handoff = pool.try_hand_off([&] { ran_on = std::this_thread::get_id(); });
    REQUIRE(handoff.has_value());
    handoff->wait();
    CHECK(ran_on != std::this_thread::get_id());
  }
  CHECK(pool.handed_off() == 3);
}

TEST_CASE("with no idle helper the caller is told to do the work itself") {
  CHECK_FALSE(CheckPool(0).try_hand_off([] {}).has_value());

  CheckPool pool(1);
  Gate gate;
  auto held = pool.try_hand_off([&] { gate.hold(); });
  REQUIRE(held.has_value());
  gate.wait_entered();
  CHECK_FALSE(pool.try_hand_off([] { FAIL("a busy helper took more work"); }).has_value());
  gate.release();
  held->wait();
  CHECK(pool.try_hand_off([] {}).has_value());
  CHECK(pool.handed_off() == 2);
}

TEST_CASE("what the work throws reaches its caller, and the helper serves on") {
  CheckPool pool(1);
  auto handoff = pool.try_hand_off([] { throw std::runtime_error("checked badly"); });
  REQUIRE(handoff.has_value());
  CHECK_THROWS_WITH(handoff->wait(), "checked badly");
  auto next = pool.try_hand_off([] {});
  REQUIRE(next.has_value());
  next->wait();
}

TEST_CASE("stopping finishes the work already taken, then refuses more") {
  auto pool = std::make_unique<CheckPool>(2);
  Gate gate;
  bool finished = false;
  auto held = pool->try_hand_off([&] {
    gate.hold();
    finished = true;
  });
  REQUIRE(held.has_value());
  gate.wait_entered();
  std::thread stopper([&] { pool->stop(); });
  gate.release();
  stopper.join();
  held->wait();
  CHECK(finished);
  CHECK_FALSE(pool->try_hand_off([] {}).has_value());
  pool.reset();  // stopping twice is harmless

  // Destroyed with work still running: the destructor waits for it; the caller's wait outlives it.
  auto doomed = std::make_unique<CheckPool>(1);
  Gate gate2;
  auto running = doomed->try_hand_off([&] { gate2.hold(); });
  REQUIRE(running.has_value());
  gate2.wait_entered();
  std::thread destroyer([&] { doomed.reset(); });
  gate2.release();
  destroyer.join();
  running->wait();
}

TEST_CASE("a pool's helpers are made once and joined when it goes") {
  const std::size_t before = threads_in_process();
  {
    CheckPool pool(3);
    CHECK(threads_in_process() == before + 3);
    for (int i = 0; i < 10; ++i) {
      auto h = pool.try_hand_off([] {});
      REQUIRE(h.has_value());
      h->wait();
    }
    CHECK(threads_in_process() == before + 3);
  }
  CHECK(eventually([&] { return threads_in_process() == before; }));
}

TEST_CASE("a batch checked with a helper gets the verdicts it gets checked alone") {
  for (bool as_text : {false, true}) {
    CAPTURE(as_text);
    OsloIngest alone_db;
    Ingest alone(*alone_db.t.db, alone_db.validator, alone_db.clock, 0);
    OsloIngest helped_db;
    Ingest helped(*helped_db.t.db, helped_db.validator, helped_db.clock, 1);
    // The same ids and clock on both sides; each side's records are its own device's.
    const auto ids = new_ids(130);
    const auto at = unix_ms_now();
    const json records = mixed_records(alone_db.oslo.id, ids, at);
    const json a = results(alone, alone_db.oslo, records, as_text);
    const json h = results(helped, helped_db.oslo, mixed_records(helped_db.oslo.id, ids, at), as_text);
    CHECK(helped.checkers().handed_off() == 1);
    CHECK(alone.checkers().handed_off() == 0);
    REQUIRE(a.size() == records.size());
    CHECK(a == h);
    int rejected = 0;
    for (const auto& r : a) rejected += r["status"] == "rejected";
    CHECK(rejected == 66);  // cases 0, 1, 2 of every 6 in 130: 22 + 22 + 22
  }
}

TEST_CASE("twenty kiosks pushing at once all get their verdicts") {
  OsloIngest f;
  Ingest ingest(*f.t.db, f.validator, f.clock, 1);
  constexpr int kKiosks = 20;
  std::vector<Device> devices;
  std::vector<json> batches;
  for (int k = 0; k < kKiosks; ++k) {
    devices.push_back(enroll_device(*f.t.db, "OSLO", "oslo-" + std::to_string(k)));
    batches.push_back(mixed_records(devices.back().id, new_ids(64 + 13 * k), unix_ms_now()));
  }
  std::vector<json> replies(kKiosks);
  std::vector<std::string> failures(kKiosks);
  std::vector<std::thread> kiosks;
  for (int k = 0; k < kKiosks; ++k) {
    kiosks.emplace_back([&, k] {
      auto r = ingest.push(devices[k], batch_json(new_uuid_v7(), batches[k]));
      if (!r) failures[k] = r.error().message;
      else replies[k] = json::parse(r->body)["results"];
    });
  }
  for (auto& t : kiosks) t.join();
  int applied = 0;
  for (int k = 0; k < kKiosks; ++k) {
    CAPTURE(k);
    REQUIRE(failures[k].empty());
    REQUIRE(replies[k].size() == batches[k].size());
    for (std::size_t i = 0; i < batches[k].size(); ++i) {
      CAPTURE(i);
      const bool valid = i % 6 >= 3;
      CHECK(replies[k][i]["status"] == (valid ? "applied" : "rejected"));
      applied += valid;
      if (i % 6 == 0) CHECK(replies[k][i]["error"].get<std::string>().find("'name'") != std::string::npos);
      if (i % 6 == 1) CHECK(replies[k][i]["error"].get<std::string>().find("unknown kind") != std::string::npos);
    }
  }
  CHECK(f.count("SELECT COUNT(*) FROM records") == applied);
  CHECK(ingest.checkers().handed_off() >= 1);
}
