// Sending a refused record again, unchanged: Store::send_again and send_again_all.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws::kiosk;

namespace {

std::unique_ptr<Store> open_enrolled(const std::string& dir) {
  auto store = Store::open(dir);
  REQUIRE(store);
  REQUIRE((*store)->set_identity({"device-1", "token", "OSLO", "http://127.0.0.1:1"}));
  return std::move(*store);
}

std::string save_refused(Store& store, int n) {
  auto id = store.save("intake", {{"full_name", "Person " + std::to_string(n)}});
  REQUIRE(id);
  REQUIRE(store.quarantine(*id, "no form definition 'intake' version 2"));
  return *id;
}

}  // namespace

TEST_CASE("requeue: a refused record goes back to the outbox unchanged, and out in the next batch") {
  ws::test::TempDir dir;
  auto store = open_enrolled(dir.path());
  const std::string id = save_refused(*store, 1);
  const auto before = store->get(id).value().value();
  CHECK(store->pending_count().value() == 0);
  CHECK(store->quarantined_count().value() == 1);

  REQUIRE(store->send_again(id));
  CHECK(store->pending_count().value() == 1);
  CHECK(store->quarantined_count().value() == 0);
  const auto after = store->get(id).value().value();
  CHECK(after.sync_state == SyncState::Pending);
  CHECK(after.sync_error.empty());
  CHECK(after.envelope.version.to_string() == before.envelope.version.to_string());  // unchanged
  CHECK(after.envelope.payload == before.envelope.payload);

  auto batch = store->next_batch({.max_records = 10, .max_bytes = 1 << 20});
  REQUIRE(batch);
  REQUIRE(*batch);
  CHECK((*batch)->record_ids == std::vector<std::string>{id});
}

TEST_CASE("requeue: only refused records, and unknown ids and pending records are refused in words") {
  ws::test::TempDir dir;
  auto store = open_enrolled(dir.path());
  auto pending = store->save("intake", {{"full_name", "Waiting"}});
  REQUIRE(pending);
  auto again = store->send_again(*pending);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == "not_quarantined");
  auto missing = store->send_again("01890000-0000-7000-8000-000000000000");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "not_found");
  CHECK(store->pending_count().value() == 1);  // nothing doubled
}

TEST_CASE("requeue: all refused records at once") {
  ws::test::TempDir dir;
  auto store = open_enrolled(dir.path());
  for (int i = 0; i < 5; ++i) save_refused(*store, i);
  auto n = store->send_again_all();
  REQUIRE(n);
  CHECK(*n == 5);
  CHECK(store->quarantined_count().value() == 0);
  CHECK(store->pending_count().value() == 5);
  CHECK(store->send_again_all().value() == 0);
}
