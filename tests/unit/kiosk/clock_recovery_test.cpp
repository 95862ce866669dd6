// Store::recover_future_stamps: versions a fast clock wrote beyond the server's window, which
// only this kiosk holds, are stamped again in their order and go (back) to the outbox.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws::kiosk;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

// The kiosk learns that the server's time is `server_minus_local` away from its own.
void tell_server_time(Store& store, std::int64_t server_minus_local) {
  const std::int64_t now = ws::HlcClock::system_wall_ms();
  store.use_server_time(now + server_minus_local, now, now);
  REQUIRE(store.save_clock_offset(server_minus_local));
}

}  // namespace

TEST_CASE("clock recovery: pending and refused versions beyond the window are stamped again in order") {
  ws::test::TempDir dir;
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  REQUIRE(store.set_identity({"device-1", "token", "OSLO", "http://127.0.0.1:1"}));

  // As if this kiosk's clock ran 3 days ahead: every stamp is 3 days in the future.
  tell_server_time(store, 3 * kDayMs);
  auto first = store.save("intake", {{"full_name", "Person 1"}});
  auto second = store.save("intake", {{"full_name", "Person 2"}});
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(store.quarantine(*second, "version stamped more than a day ahead of the server"));
  CHECK(store.recover_future_stamps().value() == 0);  // still within the (wrong) window

  // The clock is right again, and a reply says so.
  tell_server_time(store, 0);
  REQUIRE(store.recover_future_stamps().value() == 2);
  const std::int64_t limit = ws::HlcClock::system_wall_ms() + ws::HlcClock::kMaxForwardDriftMs;
  auto a = store.get(*first).value();
  auto b = store.get(*second).value();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->envelope.version.hlc.wall_ms < limit);
  CHECK(b->envelope.version.hlc.wall_ms < limit);
  CHECK(a->envelope.version < b->envelope.version);  // the order they were made in
  for (const auto& [field, v] : b->envelope.field_versions) CHECK(v.hlc.wall_ms < limit);
  CHECK(b->sync_state == SyncState::Pending);  // the refused one goes out again
  CHECK(store.pending_count().value() == 2);
  CHECK(store.quarantined_count().value() == 0);

  // Nothing is left to recover, and later saves are stamped after the recovered ones.
  CHECK(store.recover_future_stamps().value() == 0);
  auto third = store.save("intake", {{"full_name", "Person 3"}});
  REQUIRE(third);
  CHECK(store.get(*third).value()->envelope.version > b->envelope.version);
}
