// The kiosk store's part of a server restore: the remembered epoch, the records offered back,
// and requeueing them idempotently.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws::kiosk;
using ws::test::TempDir;

namespace {

std::unique_ptr<Store> oslo_store(const std::string& dir) {
  auto store = Store::open(dir);
  REQUIRE(store);
  REQUIRE((*store)->set_identity({"device-1", "token", "OSLO", "http://127.0.0.1:1"}));
  return std::move(*store);
}

// Sends every queued record and acknowledges it as applied.
void send_all(Store& s) {
  while (true) {
    auto b = s.next_batch({});
    REQUIRE(b);
    if (!*b) return;
    ws::protocol::PushResponse r{(*b)->batch_id, {}, "", ""};
    for (const auto& id : (*b)->record_ids) r.results.push_back({id, ws::protocol::RecordStatus::Applied, ""});
    REQUIRE(s.acknowledge((*b)->batch_id, r));
  }
}

}  // namespace

TEST_CASE("the server epoch is remembered and the pull cursor can start over") {
  TempDir dir;
  auto store = oslo_store(dir.path());
  CHECK(store->server_epoch().value().empty());
  REQUIRE(store->set_server_epoch("abc"));
  CHECK(store->server_epoch().value() == "abc");
  REQUIRE(store->reset_pull_cursor());
  CHECK(store->pull_cursor().value().empty());
}

TEST_CASE("held records come in id order chunks and requeue puts sent records back once") {
  TempDir dir;
  auto store = oslo_store(dir.path());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store->save("intake", {{"n", i}}).value());
  send_all(*store);
  CHECK(store->pending_count().value() == 0);

  auto first = store->held_records("", 3);
  REQUIRE(first);
  REQUIRE(first->size() == 3);
  auto rest = store->held_records(first->back().id, 3);
  REQUIRE(rest);
  CHECK(rest->size() == 2);
  CHECK(first->front().id < rest->front().id);

  REQUIRE(store->requeue({ids[1], ids[3], "no-such-record"}).value() == 2);
  REQUIRE(store->requeue({ids[1], ids[3]}).value() == 2);  // a repeat (after a crash) adds nothing
  CHECK(store->pending_count().value() == 2);
  auto batch = store->next_batch({});
  REQUIRE(batch);
  REQUIRE(*batch);
  CHECK((*batch)->record_count == 2);
}
