// A push with several batches in flight at once (issue 14): each failure of one of them leaves
// nothing lost or doubled, and two batches holding the same record never overlap.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::Fault;
using ws::kiosk::test::FaultyTransport;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;

namespace {

using Kiosk = test::EnrolledKiosk;

// Takes two pushes at once and holds each batch of `holds` until another is on its way (or its
// time there passed), so that two overlap whenever the round lets them, however slow the build
// (a sanitizer build freezes the next batch after a short reply has long come back). A batch is
// known by its bytes (a sealed one hides its id; a retry is the same bytes), numbered in the
// order first seen.
// `fail_batch`: that batch's first request is dropped before or after the server applies it.
class Overlapping final : public Transport {
 public:
  explicit Overlapping(FaultyTransport& inner) : inner_(inner) { inner_.allow_two_in_flight(); }

  ws::Result<HttpReply> send(HttpRequest request) override {
    if (request.path != ws::protocol::kRoutePush) return inner_.send(request);
    int number = 0;
    bool first_try = false;
    {
      std::unique_lock lock(mutex_);
      number = numbers_.try_emplace(request.body, static_cast<int>(numbers_.size()) + 1).first->second;
      first_try = tried_.insert(request.body).second;
      for (int other : in_flight_) overlapped_.insert({std::min(other, number), std::max(other, number)});
      in_flight_.insert(number);
      most_in_flight = std::max(most_in_flight, in_flight_.size());
      changed_.notify_all();
      if (const auto held = holds.find(number); first_try && held != holds.end()) {
        const auto partner = partners.find(number);
        changed_.wait_for(lock, held->second, [&] {
          return partner == partners.end() ? in_flight_.size() > 1 : in_flight_.count(partner->second) > 0;
        });
      }
    }
    ws::Result<HttpReply> reply = ws::fail("network", "dropped on purpose");
    if (first_try && number == fail_batch && fault == Fault::NetworkBefore) {
      // Never reaches the server.
    } else {
      reply = inner_.send(request);
      if (first_try && number == fail_batch && fault == Fault::NetworkAfter) reply = ws::fail("network", "reply lost");
    }
    std::lock_guard lock(mutex_);
    in_flight_.erase(number);
    return reply;
  }
  void cancel() override { inner_.cancel(); }
  bool concurrent() const override { return true; }

  // Gives a batch frozen before the round its number up front: requests on their own threads may
  // reach this transport in either order.
  void name(const std::string& body, int number) {
    std::lock_guard lock(mutex_);
    numbers_[body] = number;
  }

  bool overlapped(int a, int b) const {
    std::lock_guard lock(mutex_);
    return overlapped_.count({a, b}) > 0;
  }

  // Batch number -> how long its first request waits for another batch to overlap it.
  std::map<int, std::chrono::milliseconds> holds{{1, std::chrono::seconds(10)}};
  // Batch number -> the batch whose arrival ends its hold (else any other batch's).
  std::map<int, int> partners;
  int fail_batch = 0;
  Fault fault = Fault::NetworkBefore;
  std::size_t most_in_flight = 0;

 private:
  FaultyTransport& inner_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, int> numbers_;
  std::set<std::string> tried_;
  std::set<int> in_flight_;
  std::set<std::pair<int, int>> overlapped_;
};

RoundOptions batches_of(std::size_t n, std::size_t depth = 2) {
  RoundOptions o;
  o.batch.max_records = n;
  o.push_depth = depth;
  return o;
}

}  // namespace

TEST_CASE("two or three batches are in flight at once, as the depth says; every record arrives once, in order") {
  for (const std::size_t depth : {2, 3}) {
    CAPTURE(depth);
    TestServer srv;
    Kiosk k(srv, "OSLO");
    for (int i = 0; i < 250; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
    Overlapping t(k.transport);
    if (depth == 3) {
      // The first two wait for the third: three on the wire at once.
      t.holds = {{1, std::chrono::seconds(10)}, {2, std::chrono::seconds(10)}};
      t.partners = {{1, 3}, {2, 3}};
    }
    std::vector<std::int64_t> progress;
    auto report = SyncRound(*k.store, t, batches_of(50, depth)).run([&](auto sent, auto) { progress.push_back(sent); });
    REQUIRE(report);
    CHECK(t.most_in_flight == depth);
    CHECK(t.overlapped(1, 2));
    if (depth == 3) CHECK(t.overlapped(1, 3));
    CHECK(report->batches == 5);
    CHECK(report->accepted == 250);
    CHECK(progress == std::vector<std::int64_t>{0, 50, 100, 150, 200, 250});
    CHECK(k.transport.distinct_batches() == 5);
    CHECK(k.transport.push_requests() == 5);
    CHECK(srv.records().size() == 250);
    CHECK(k.store->pending_count().value() == 0);
  }
}

TEST_CASE("a push depth of one sends each batch after the reply to the one before") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 120; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  Overlapping t(k.transport);
  t.holds = {{1, std::chrono::milliseconds(300)}};
  auto report = SyncRound(*k.store, t, batches_of(40, 1)).push();
  REQUIRE(report);
  CHECK(t.most_in_flight == 1);
  CHECK(report->batches == 3);
  CHECK(srv.records().size() == 120);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("with three in flight, a batch holding a record of the oldest waits for its reply, not for the middle one") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(k.store->save("intake", test::intake_payload(i)).value());
  const BatchLimits limits{.max_records = 10, .max_bytes = BatchLimits{}.max_bytes};
  // Two batches frozen by an earlier round that stopped, then a record of the first saved again.
  auto first = k.store->next_batch(limits).value();
  REQUIRE(first);
  auto second = k.store->next_batch(limits, {first->batch_id}).value();
  REQUIRE(second);
  REQUIRE(k.store->update(ids[3], nlohmann::json{{"legal_status_notes", "saved again after its batch was frozen"}}));
  for (int i = 20; i < 40; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));

  Overlapping t(k.transport);
  t.name(first->body, 1);
  t.name(second->body, 2);
  // The first waits for the second to join it, the second for the third, which can go only once
  // the first's reply is in (it holds the first's record): no wait here ends by its time alone.
  t.holds = {{1, std::chrono::seconds(10)}, {2, std::chrono::seconds(10)}};
  t.partners = {{1, 2}, {2, 3}};
  auto report = SyncRound(*k.store, t, batches_of(10, 3)).push();
  REQUIRE(report);
  CHECK(t.overlapped(1, 2));
  CHECK_FALSE(t.overlapped(1, 3));  // the same record: one after the other
  CHECK(t.overlapped(2, 3));
  CHECK(srv.records().at(ids[3]).payload["legal_status_notes"] == "saved again after its batch was frozen");
  CHECK(srv.records().size() == 40);
  CHECK(k.transport.push_requests() == k.transport.distinct_batches());
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("a batch holding a record of the batch in flight waits for that batch's reply") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(k.store->save("intake", test::intake_payload(i)).value());
  const BatchLimits limits{.max_records = 10, .max_bytes = BatchLimits{}.max_bytes};
  auto first = k.store->next_batch(limits).value();  // frozen by an earlier round that stopped
  REQUIRE(first);
  REQUIRE(k.store->update(ids[3], nlohmann::json{{"legal_status_notes", "saved again after its batch was frozen"}}));
  auto second = k.store->next_batch(limits, {first->batch_id}).value();
  REQUIRE(second);
  CHECK(std::count(second->record_ids.begin(), second->record_ids.end(), ids[3]) == 1);
  for (int i = 12; i < 32; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));

  Overlapping t(k.transport);
  // The first batch waits 1 s for a second one to overlap it, which must not come; the second
  // waits for the third, which must.
  t.holds = {{1, std::chrono::seconds(1)}, {2, std::chrono::seconds(10)}};
  auto report = SyncRound(*k.store, t, batches_of(10)).push();
  REQUIRE(report);
  CHECK_FALSE(t.overlapped(1, 2));  // the same record: one after the other
  CHECK(t.overlapped(2, 3));        // the next overlaps again
  CHECK(report->batches == 4);
  CHECK(srv.records().at(ids[3]).payload["legal_status_notes"] == "saved again after its batch was frozen");
  CHECK(srv.records().size() == 32);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("a poison record refused while the batch behind it is in flight is quarantined alone") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  std::string poison;
  for (int i = 0; i < 300; ++i) {
    auto payload = test::intake_payload(i);
    if (i == 37) payload["age_years"] = "not a number";
    auto id = k.store->save("intake", payload);
    REQUIRE(id);
    if (i == 37) poison = *id;
  }
  Overlapping t(k.transport);
  auto report = SyncRound(*k.store, t, batches_of(100)).run();
  REQUIRE(report);
  CHECK(t.overlapped(1, 2));
  CHECK(report->rejected == 1);
  CHECK(report->accepted == 299);
  CHECK(srv.records().size() == 299);
  CHECK(srv.records().count(poison) == 0);
  CHECK(k.store->quarantined_count().value() == 1);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("a 409 batch_conflict on the first of two in flight sends its records again under a new id") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  Kiosk other(srv, "OSLO");
  for (int i = 0; i < 40; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  REQUIRE(other.store->save("intake", test::intake_payload(99)));
  const BatchLimits limits{.max_records = 20, .max_bytes = BatchLimits{}.max_bytes};
  auto mine = k.store->next_batch(limits).value();
  auto theirs = other.store->next_batch(limits).value();
  REQUIRE(mine);
  REQUIRE(theirs);
  // Another device took this batch_id first (as a restored data folder could meet it).
  std::string body = theirs->body;
  const auto at = body.find(theirs->batch_id);
  REQUIRE(at != std::string::npos);
  body.replace(at, theirs->batch_id.size(), mine->batch_id);
  auto taken = test::post_raw_push(srv.url(), other.identity.token, body);
  REQUIRE(taken);
  REQUIRE(taken->status == 200);

  Overlapping t(k.transport);
  auto report = SyncRound(*k.store, t, batches_of(20)).push();
  REQUIRE(report);
  CHECK(t.overlapped(1, 2));
  CHECK(report->accepted == 40);
  CHECK(srv.records().size() == 41);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("a network error on one of two batches in flight loses nothing and doubles nothing") {
  for (const int failing : {1, 2}) {
    for (const Fault fault : {Fault::NetworkBefore, Fault::NetworkAfter}) {
      const int fault_code = static_cast<int>(fault);
      CAPTURE(failing);
      CAPTURE(fault_code);
      TestServer srv;
      Kiosk k(srv, "OSLO");
      for (int i = 0; i < 60; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
      Overlapping t(k.transport);
      t.fail_batch = failing;
      t.fault = fault;
      auto first = SyncRound(*k.store, t, batches_of(20)).push();
      REQUIRE_FALSE(first);
      CHECK(first.error().code == "network");
      CHECK(t.overlapped(1, 2));
      // Whatever the server applied, the batches not acknowledged go out again as they were
      // and are answered from its stored replies.
      auto report = SyncRound(*k.store, t, batches_of(20)).push();
      REQUIRE(report);
      CHECK(k.store->pending_count().value() == 0);
      CHECK(srv.records().size() == 60);
      CHECK(k.transport.distinct_batches() == 3);
    }
  }
}
