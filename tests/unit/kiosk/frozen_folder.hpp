#pragma once
// The folder the outbox's schema-upgrade tests take back to an older schema: a kiosk enrolled
// with the real server (tests/unit/kiosk/test_server.hpp), six saved records, two frozen sealed
// batches of two (the second frozen while the first is in flight) and ids[1] edited after its
// batch froze, so it has a frozen row and an unsent one.
#include <string>
#include <vector>

#include "tests/unit/kiosk/test_server.hpp"

namespace ws::kiosk::test {

// Every record of `ids` on the server once, at the kiosk's version, which the kiosk knows the
// server holds; nothing left in the outbox.
void held_once_at_newest(TestServer& server, Store& store, const std::vector<std::string>& ids);

struct FrozenBatchesKiosk {
  explicit FrozenBatchesKiosk(TestServer& server);
  // Closes the store and opens the folder again (upgrading it).
  void reopen();
  // One sync round to the real server through the real transport: the two frozen batches go
  // first, byte for byte, then the rest; `accepted` records in all, none refused, and then every
  // record on the server once at its newest version, as the kiosk knows, and the outbox empty.
  void push_all_once(std::size_t accepted);

  TestServer& server;
  EnrolledKiosk k;
  std::vector<std::string> ids;
  OutboxBatch a, b;
};

}  // namespace ws::kiosk::test
