#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/unit/kiosk/support.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TempDir;
using ws::protocol::PushResponse;
using ws::protocol::RecordStatus;

namespace {

std::vector<std::string> save_n(Store& s, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(s.save("intake", test::intake_payload(i)).value());
  return ids;
}

PushResponse all_applied(const OutboxBatch& b) {
  PushResponse r{b.batch_id, {}, "1", ""};
  for (const auto& id : b.record_ids) r.results.push_back({id, RecordStatus::Applied, ""});
  return r;
}

}  // namespace

TEST_CASE("batches respect the record cap and the byte cap, oldest first") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto ids = save_n(*store, 10);
  auto b = store->next_batch({.max_records = 4, .max_bytes = 1 << 20});
  REQUIRE(b);
  REQUIRE(*b);
  CHECK((*b)->record_count == 4);
  CHECK((*b)->record_ids.front() == ids.front());
  auto body = nlohmann::json::parse((*b)->body);
  CHECK(body["batch_id"] == (*b)->batch_id);
  CHECK(body["records"].size() == 4);
  REQUIRE(store->acknowledge((*b)->batch_id, all_applied(**b)));

  const auto one = nlohmann::json::parse((*b)->body)["records"][0].dump().size();
  auto small = store->next_batch({.max_records = 100, .max_bytes = one * 2 + 10});
  REQUIRE(small);
  REQUIRE(*small);
  CHECK((*small)->record_count == 2);
  // A single record larger than the byte cap still goes, alone, rather than block the queue.
  REQUIRE(store->acknowledge((*small)->batch_id, all_applied(**small)));
  auto tiny = store->next_batch({.max_records = 100, .max_bytes = 1});
  REQUIRE(tiny);
  REQUIRE(*tiny);
  CHECK((*tiny)->record_count == 1);
}

TEST_CASE("an unacknowledged batch is sent again byte for byte under the same batch_id") {
  TempDir dir;
  {
    auto store = test::enrolled_store(dir.path());
    save_n(*store, 5);
  }
  std::string first_id, first_body;
  {
    auto store = Store::open(dir.path());
    auto b = (*store)->next_batch({.max_records = 3});
    REQUIRE(b);
    REQUIRE(*b);
    first_id = (*b)->batch_id;
    first_body = (*b)->body;
    // An edit made while the batch is in flight must not change what is retried.
    REQUIRE((*store)->update((*b)->record_ids[0], {{"notes", "changed while in flight"}}));
  }
  auto store = Store::open(dir.path());  // a restart between attempts
  auto again = (*store)->next_batch({.max_records = 3});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->batch_id == first_id);
  CHECK((*again)->body == first_body);
}

TEST_CASE("verdicts: accepted rows leave, rejected records are quarantined, missing ones are requeued") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto ids = save_n(*store, 3);
  auto b = store->next_batch({});
  REQUIRE(b);
  REQUIRE(*b);
  PushResponse r{(*b)->batch_id, {{ids[0], RecordStatus::Applied, ""}, {ids[1], RecordStatus::Rejected, "field 'age': must be a number"}}, "9", ""};
  auto ack = store->acknowledge((*b)->batch_id, r);
  REQUIRE(ack);
  CHECK(ack->accepted == 1);
  CHECK(ack->rejected == 1);
  CHECK(ack->requeued == 1);

  auto first = store->get(ids[0]).value().value();
  CHECK(first.sync_state == SyncState::Sent);
  REQUIRE(first.envelope.base_version);
  CHECK(*first.envelope.base_version == first.envelope.version);
  auto poison = store->get(ids[1]).value().value();
  CHECK(poison.sync_state == SyncState::Quarantined);
  CHECK(poison.sync_error == "field 'age': must be a number");
  CHECK(store->quarantined()->size() == 1);
  CHECK(store->quarantined_count().value() == 1);
  CHECK(store->pending_count().value() == 1);

  auto next = store->next_batch({});
  REQUIRE(next);
  REQUIRE(*next);
  CHECK((*next)->batch_id != (*b)->batch_id);
  CHECK((*next)->record_ids == std::vector<std::string>{ids[2]});
  // A reply for another batch is refused and changes nothing.
  PushResponse wrong = all_applied(**next);
  wrong.batch_id = (*b)->batch_id;
  CHECK_FALSE(store->acknowledge((*next)->batch_id, wrong));
  CHECK(store->pending_count().value() == 1);
}

// The server answers in the order sent (docs/protocol.md), and the acknowledgement takes result i
// as row i's verdict then; a reply in any other order or shape must give the verdicts matching by
// id gives.
TEST_CASE("verdicts in another order than sent, or naming a record twice, are matched by id") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto ids = save_n(*store, 4);
  auto b = store->next_batch({});
  REQUIRE(b);
  REQUIRE(*b);
  REQUIRE((*b)->record_ids == ids);
  PushResponse shuffled{(*b)->batch_id,
                        {{ids[3], RecordStatus::Applied, ""},
                         {ids[1], RecordStatus::Rejected, "field 'age': must be a number"},
                         {ids[0], RecordStatus::Duplicate, ""}},
                        "9", ""};
  auto ack = store->acknowledge((*b)->batch_id, shuffled);
  REQUIRE(ack);
  CHECK(ack->accepted == 2);
  CHECK(ack->rejected == 1);
  CHECK(ack->requeued == 1);
  CHECK(store->get(ids[0]).value()->sync_state == SyncState::Sent);
  CHECK(store->get(ids[1]).value()->sync_state == SyncState::Quarantined);
  CHECK(store->get(ids[1]).value()->sync_error == "field 'age': must be a number");
  CHECK(store->get(ids[2]).value()->sync_state == SyncState::Pending);
  CHECK(store->get(ids[3]).value()->sync_state == SyncState::Sent);

  // As many results as rows, but the first record named twice and the second left out: the
  // last verdict for a record counts, and the one left out goes back to the queue.
  auto more = save_n(*store, 1);
  auto next = store->next_batch({});
  REQUIRE(next);
  REQUIRE(*next);
  REQUIRE((*next)->record_ids == std::vector<std::string>{ids[2], more[0]});
  PushResponse twice{(*next)->batch_id,
                     {{ids[2], RecordStatus::Applied, ""}, {ids[2], RecordStatus::Rejected, "unknown kind 'x'"}},
                     "10", ""};
  auto again = store->acknowledge((*next)->batch_id, twice);
  REQUIRE(again);
  CHECK(again->accepted == 0);
  CHECK(again->rejected == 1);
  CHECK(again->requeued == 1);
  CHECK(store->get(ids[2]).value()->sync_state == SyncState::Quarantined);
  CHECK(store->get(more[0]).value()->sync_state == SyncState::Pending);
  CHECK(store->pending_count().value() == 1);
}

TEST_CASE("a record edited while its batch is in flight stays pending with the newer version") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto ids = save_n(*store, 1);
  auto b = store->next_batch({});
  REQUIRE(b);
  REQUIRE(*b);
  auto edited = store->update(ids[0], {{"notes", "second thoughts"}});
  REQUIRE(edited);
  REQUIRE(store->acknowledge((*b)->batch_id, all_applied(**b)));
  auto r = store->get(ids[0]).value().value();
  CHECK(r.sync_state == SyncState::Pending);
  auto next = store->next_batch({});
  REQUIRE(next);
  REQUIRE(*next);
  auto sent = nlohmann::json::parse((*next)->body)["records"][0];
  CHECK(sent["payload"]["notes"] == "second thoughts");
  CHECK(sent["base_version"].get<std::string>() < sent["version"].get<std::string>());
}

TEST_CASE("editing a quarantined record gives it another chance and a dissolved batch requeues") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto ids = save_n(*store, 2);
  auto b = store->next_batch({});
  REQUIRE(b);
  REQUIRE(*b);
  REQUIRE(store->dissolve_batch((*b)->batch_id));
  auto again = store->next_batch({});
  REQUIRE(again);
  REQUIRE(*again);
  CHECK((*again)->batch_id != (*b)->batch_id);
  CHECK((*again)->record_count == 2);
  REQUIRE(store->dissolve_batch((*again)->batch_id));
  REQUIRE(store->quarantine(ids[0], "refused"));
  CHECK(store->get(ids[0]).value()->sync_state == SyncState::Quarantined);
  REQUIRE(store->update(ids[0], {{"notes", "fixed"}}));
  auto fixed = store->get(ids[0]).value().value();
  CHECK(fixed.sync_state == SyncState::Pending);
  CHECK(store->quarantined_count().value() == 0);
}

TEST_CASE("a batch carries each record exactly as to_json writes the stored envelope") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  // Native script, quotes and a backslash in the payload; an edit gives the record a base
  // version after the first acknowledgement; a deleted record is a tombstone.
  auto id = store->save("intake", {{"name_native", "فرید \"رحیمی\" \\ ☂"}, {"age_years", 30}}).value();
  auto first = store->next_batch({.max_records = 10, .max_bytes = 1 << 20});
  REQUIRE(first);
  REQUIRE(*first);
  REQUIRE(store->acknowledge((*first)->batch_id, all_applied(**first)));
  REQUIRE(store->update(id, {{"age_years", 31}}));
  auto gone = store->save("intake", test::intake_payload(1)).value();
  REQUIRE(store->remove(gone));

  auto b = store->next_batch({.max_records = 10, .max_bytes = 1 << 20});
  REQUIRE(b);
  REQUIRE(*b);
  auto body = nlohmann::json::parse((*b)->body);
  REQUIRE(body["records"].size() == 2);
  for (const auto& sent : body["records"]) {
    auto stored = store->get(sent["id"].get<std::string>());
    REQUIRE(stored);
    REQUIRE(*stored);
    // Protocol 2: the compact form, which parses back to the stored (full) field versions.
    CHECK(sent == ws::to_json((**stored).envelope, ws::EnvelopeForm::Compact));
    auto back = ws::envelope_from_json(sent);
    REQUIRE(back);
    CHECK(back->field_versions == (**stored).envelope.field_versions);
  }
  CHECK(body["records"][0].contains("base_version"));
  CHECK(body["records"][1]["deleted"] == true);
}

TEST_CASE("a batch kept as sent moves the pull cursor past its own changes, and only then") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  REQUIRE(store->connection().exec(
      "INSERT INTO meta(key, value) VALUES('pull_cursor', '7') ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  save_n(*store, 3);
  auto send = [&] {
    auto b = store->next_batch({.max_records = 10, .max_bytes = 1 << 20});
    REQUIRE(b);
    REQUIRE(*b);
    return **b;
  };

  // Pulled up to 7 and the server wrote this batch as 8..10: nothing new to pull back.
  auto b1 = send();
  auto reply = all_applied(b1);
  reply.cursor_from = "7";
  reply.cursor = "10";
  auto ack = store->acknowledge(b1.batch_id, reply);
  REQUIRE(ack);
  CHECK(ack->pull_cursor_advanced);
  CHECK(store->pull_cursor().value() == "10");

  // Someone else's change came between (the kiosk pulled up to 10, the batch starts at 12).
  save_n(*store, 2);
  auto b2 = send();
  reply = all_applied(b2);
  reply.cursor_from = "12";
  reply.cursor = "14";
  CHECK_FALSE(store->acknowledge(b2.batch_id, reply)->pull_cursor_advanced);
  CHECK(store->pull_cursor().value() == "10");

  // A merged record differs from what this kiosk holds: it must be pulled.
  save_n(*store, 1);
  auto b3 = send();
  reply = all_applied(b3);
  reply.results[0].status = RecordStatus::Merged;
  reply.cursor_from = "10";
  reply.cursor = "15";
  CHECK_FALSE(store->acknowledge(b3.batch_id, reply)->pull_cursor_advanced);
  CHECK(store->pull_cursor().value() == "10");
}
