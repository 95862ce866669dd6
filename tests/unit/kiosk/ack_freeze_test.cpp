// Acknowledging batch N in the transaction that freezes the batch after the one in flight
// (Store::acknowledge_and_freeze), and a crash (SIGKILL) at any instant of that.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "kiosk/core/store/store.hpp"
#include "tests/unit/kiosk/support.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;
namespace fs = std::filesystem;

namespace {

constexpr BatchLimits kTen{.max_records = 10, .max_bytes = 1 << 22};

PushResponse all_applied(const OutboxBatch& b) {
  PushResponse r{b.batch_id, {}, "1", ""};
  for (const auto& id : b.record_ids) r.results.push_back({id, RecordStatus::Applied, ""});
  return r;
}

// The push's order without a server: one batch "in flight", the next frozen; each verdict is
// applied with the freeze of the batch after the one in flight.
bool drain(Store& store) {
  auto first = store.next_batch(kTen);
  if (!first) return false;
  std::optional<OutboxBatch> current = std::move(*first), upcoming;
  if (current) {
    auto second = store.next_batch(kTen, {current->batch_id});
    if (!second) return false;
    upcoming = std::move(*second);
  }
  while (current) {
    const std::string ahead = upcoming ? upcoming->batch_id : std::string();
    auto done = store.acknowledge_and_freeze(current->batch_id, all_applied(*current), kTen, {ahead});
    if (!done) return false;
    current = std::move(upcoming);
    upcoming = std::move(done->next);
    if (!current) std::swap(current, upcoming);
  }
  return true;
}

// What must hold whenever the folder is opened, whatever instant a crash hit.
void check_consistent(const std::string& dir, std::int64_t records) {
  auto db = ws::sql::Connection::open(Store::database_path(dir));
  REQUIRE(db);
  CHECK(count(*db, "SELECT COUNT(*) FROM records") == records);
  CHECK(count(*db, "SELECT COUNT(*) FROM records JOIN record_sync USING (id)") == records);
  // Nothing doubled: one outbox row per unsent record.
  CHECK(count(*db, "SELECT COUNT(*) FROM (SELECT record_id FROM outbox GROUP BY record_id HAVING COUNT(*) > 1)") == 0);
  // Nothing lost: a record is either acknowledged (the server holds its version) or still queued,
  // which is what makes it pending (schema 20: record_sync keeps refusals only, none here).
  CHECK(count(*db,
              "SELECT COUNT(*) FROM records r JOIN record_sync s ON s.id = r.id WHERE s.base_version IS NOT r.version "
              "AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.record_id = r.id)") == 0);
  CHECK(count(*db, "SELECT COUNT(*) FROM record_sync WHERE sync_state <> 0") == 0);
  // Every frozen batch is whole, and every frozen row belongs to one.
  CHECK(count(*db,
              "SELECT COUNT(*) FROM outbox_batches b WHERE b.record_count <> "
              "(SELECT COUNT(*) FROM outbox o WHERE o.batch = b.id)") == 0);
  CHECK(count(*db,
              "SELECT COUNT(*) FROM outbox o WHERE o.batch IS NOT NULL AND NOT EXISTS("
              "SELECT 1 FROM outbox_batches b WHERE b.id = o.batch)") == 0);
}

}  // namespace

TEST_CASE("a verdict is applied in the transaction that freezes the batch after the one in flight") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  for (int i = 0; i < 35; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  auto n = store->next_batch(kTen);
  REQUIRE(n);
  REQUIRE(*n);
  auto n1 = store->next_batch(kTen, {(*n)->batch_id});
  REQUIRE(n1);
  REQUIRE(*n1);

  auto done = store->acknowledge_and_freeze((*n)->batch_id, all_applied(**n), kTen, {(*n1)->batch_id});
  REQUIRE(done);
  CHECK(done->ack.accepted == 10);
  REQUIRE(done->next);
  CHECK(done->next->batch_id != (*n1)->batch_id);
  CHECK(done->next->record_count == 10);
  CHECK(store->pending_count().value() == 25);
  for (const auto& id : (*n)->record_ids) CHECK(store->get(id).value()->sync_state == SyncState::Sent);

  // The last batches: nothing is left to freeze behind the one in flight.
  auto last = store->acknowledge_and_freeze((*n1)->batch_id, all_applied(**n1), kTen, {done->next->batch_id});
  REQUIRE(last);
  REQUIRE(last->next);
  CHECK(last->next->record_count == 5);
  auto end = store->acknowledge_and_freeze(done->next->batch_id, all_applied(*done->next), kTen, {last->next->batch_id});
  REQUIRE(end);
  CHECK_FALSE(end->next);
}

TEST_CASE("with two batches in flight, a verdict freezes a third and offers neither again") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  for (int i = 0; i < 45; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  auto n = store->next_batch(kTen).value();
  auto n1 = store->next_batch(kTen, {n->batch_id}).value();
  auto n2 = store->next_batch(kTen, {n->batch_id, n1->batch_id}).value();
  REQUIRE(n2);
  CHECK(n2->batch_id != n1->batch_id);
  CHECK(n2->batch_id != n->batch_id);
  // A freeze that names one of the two others in flight is offered the other one (oldest first).
  auto again = store->next_batch(kTen, {n->batch_id, n2->batch_id}).value();
  REQUIRE(again);
  CHECK(again->batch_id == n1->batch_id);

  auto done = store->acknowledge_and_freeze(n->batch_id, all_applied(*n), kTen, {n1->batch_id, n2->batch_id});
  REQUIRE(done);
  CHECK(done->ack.accepted == 10);
  REQUIRE(done->next);
  CHECK(done->next->batch_id != n1->batch_id);
  CHECK(done->next->batch_id != n2->batch_id);
  CHECK(done->next->record_count == 10);
  auto db = ws::sql::Connection::open(Store::database_path(dir.path()));
  REQUIRE(db);
  CHECK(count(*db, "SELECT COUNT(*) FROM outbox_batches") == 3);
  CHECK(store->pending_count().value() == 35);
}

TEST_CASE("a reply for another batch neither acknowledges nor freezes anything") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  for (int i = 0; i < 25; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  auto n = store->next_batch(kTen);
  REQUIRE(n);
  REQUIRE(*n);
  auto reply = all_applied(**n);
  reply.batch_id = "another";
  auto done = store->acknowledge_and_freeze((*n)->batch_id, reply, kTen, {});
  CHECK_FALSE(done);
  check_consistent(dir.path(), 25);
  // Still the same frozen batch first, and no second one was frozen.
  auto again = store->next_batch(kTen, {});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->batch_id == (*n)->batch_id);
  auto db = ws::sql::Connection::open(Store::database_path(dir.path()));
  REQUIRE(db);
  CHECK(count(*db, "SELECT COUNT(*) FROM outbox_batches") == 1);
}

TEST_CASE("a kiosk killed while acknowledging and freezing loses and doubles nothing") {
  TempDir base;
  const std::string pristine = base.path() + "/pristine";
  constexpr int kRecords = 200;
  {
    auto store = test::enrolled_store(pristine);
    for (int i = 0; i < kRecords; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  }
  for (int delay_us : {-1, 0, 3000, 10000, 30000, 80000}) {
    CAPTURE(delay_us);
    const std::string dir = base.path() + "/run" + std::to_string(delay_us + 1);
    fs::copy(pristine, dir, fs::copy_options::recursive);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      auto store = Store::open(dir);
      _exit(store && drain(**store) ? 0 : 3);
    }
    if (delay_us >= 0) {
      // Where the kill lands is what varies; nothing waits on it.
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
      kill(child, SIGKILL);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    if (delay_us < 0) CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    check_consistent(dir, kRecords);
    // The next run picks up where the killed one stopped and finishes the queue.
    auto store = Store::open(dir);
    REQUIRE(store);
    REQUIRE(drain(**store));
    CHECK((*store)->pending_count().value() == 0);
    check_consistent(dir, kRecords);
  }
}
