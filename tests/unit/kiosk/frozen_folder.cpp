#include "tests/unit/kiosk/frozen_folder.hpp"

#include <doctest/doctest.h>

#include "tests/unit/kiosk/recording_transport.hpp"
#include "tests/unit/kiosk/support.hpp"

namespace ws::kiosk::test {

FrozenBatchesKiosk::FrozenBatchesKiosk(TestServer& s) : server(s), k(s, "OSLO") {
  REQUIRE(k.sync());  // learns the server's key: the batches below are sealed
  for (int i = 0; i < 6; ++i) ids.push_back(k.store->save("intake", intake_payload(i)).value());
  a = freeze(*k.store, 2);
  b = freeze(*k.store, 2, {a.batch_id});
  REQUIRE(k.store->update(ids[1], {{"nationality", "Edited after the freeze"}}));
}

void FrozenBatchesKiosk::reopen() {
  k.store.reset();
  auto opened = Store::open(k.dir.path());
  REQUIRE_MESSAGE(opened, opened.error().message);
  k.store = std::move(*opened);
}

void FrozenBatchesKiosk::push_all_once(std::size_t accepted) {
  RecordingTransport wire(server.url());
  auto report = SyncRound(*k.store, wire).run();
  REQUIRE(report);
  const auto pushed = wire.pushed();
  REQUIRE(pushed.size() >= 3);
  CHECK(pushed[0] == a.body);
  CHECK(pushed[1] == b.body);
  CHECK(report->accepted == accepted);
  CHECK(report->rejected == 0);
  held_once_at_newest(server, *k.store, ids);
}

void held_once_at_newest(TestServer& server, Store& store, const std::vector<std::string>& ids) {
  const auto held = server.records();
  CHECK(held.size() == ids.size());
  for (const auto& id : ids) {
    REQUIRE(held.count(id) == 1);
    CHECK(held.at(id).version.to_string() == version(store, id));
    CHECK(base_version(store, id) == version(store, id));
  }
  CHECK(store.pending_count().value() == 0);
  for (const char* table : {"outbox", "outbox_items", "outbox_batches", "outbox_frozen_items"}) {
    CHECK(count(store.connection(), std::string("SELECT COUNT(*) FROM ") + table) == 0);
  }
}

}  // namespace ws::kiosk::test
