// A pulled record is stored as its records row only: no record_sync row means "synced at its
// own version, no error" (record_row.hpp). Every change of state gives it the row first.
#include <doctest/doctest.h>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"

using namespace ws;
using namespace ws::kiosk;
using ws::kiosk::test::count;
using ws::kiosk::test::TempDir;
using nlohmann::json;

namespace {

// As the server sends a record written by `device`: every field at the record's version.
Envelope pulled(const std::string& device, json payload) {
  Envelope e;
  e.id = new_uuid_v7();
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = Version{Hlc{HlcClock::system_wall_ms() - 60'000, 0}, device};
  e.payload = std::move(payload);
  for (const auto& [k, _] : e.payload.items()) e.field_versions[k] = e.version;
  return e;
}

void apply(Store& s, std::vector<Envelope> records) {
  auto r = s.apply_pull(protocol::PullResponse{std::move(records), "1", false});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
}

StoredRecord read(Store& s, const std::string& id) {
  auto got = s.get(id);
  REQUIRE(got);
  REQUIRE(got->has_value());
  return **got;
}

std::int64_t sync_rows(Store& s, const std::string& id) {
  return count(s.connection(), "SELECT COUNT(*) FROM record_sync WHERE id = '" + id + "'");
}

void check_synced_at_own_version(Store& s, const std::string& id) {
  const auto r = read(s, id);
  CHECK(r.sync_state == SyncState::Sent);
  REQUIRE(r.envelope.base_version.has_value());
  CHECK(*r.envelope.base_version == r.envelope.version);
  CHECK(r.sync_error.empty());
}

}  // namespace

TEST_CASE("a pulled record has no sync row and reads as synced at its own version") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto a = pulled("dev-other", {{"name_latin", "Amina"}});
  const auto b = pulled("dev-other", {{"name_latin", "Bahir"}});
  apply(*store, {a, b});
  CHECK(count(store->connection(), "SELECT COUNT(*) FROM records") == 2);
  CHECK(count(store->connection(), "SELECT COUNT(*) FROM record_sync") == 0);
  check_synced_at_own_version(*store, a.id);
  CHECK(read(*store, a.id).envelope.version == a.version);
  auto listed = store->list({.kind = "intake"});
  REQUIRE(listed);
  REQUIRE(listed->size() == 2);
  for (const auto& r : *listed) CHECK(r.sync_state == SyncState::Sent);
  CHECK(store->pending_count().value() == 0);
  CHECK(store->quarantined_count().value() == 0);
  CHECK(store->quarantined().value().empty());
}

TEST_CASE("editing a pulled record makes it pending on the pulled version and sends that base") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto a = pulled("dev-other", {{"name_latin", "Amina"}, {"age_years", 30}});
  apply(*store, {a});
  REQUIRE(store->update(a.id, {{"age_years", 31}}));
  CHECK(sync_rows(*store, a.id) == 1);
  const auto edited = read(*store, a.id);
  CHECK(edited.sync_state == SyncState::Pending);
  REQUIRE(edited.envelope.base_version.has_value());
  CHECK(*edited.envelope.base_version == a.version);
  CHECK(a.version < edited.envelope.version);
  CHECK(store->pending_count().value() == 1);

  auto batch = store->next_batch({});
  REQUIRE(batch);
  REQUIRE(batch->has_value());
  const auto body = json::parse((*batch)->body);
  REQUIRE(body["records"].size() == 1);
  CHECK(body["records"][0]["base_version"] == a.version.to_string());
  protocol::PushResponse reply{(*batch)->batch_id, {{a.id, protocol::RecordStatus::Applied, ""}}, "2", ""};
  REQUIRE(store->acknowledge((*batch)->batch_id, reply));
  check_synced_at_own_version(*store, a.id);
  CHECK(read(*store, a.id).envelope.version == edited.envelope.version);
}

TEST_CASE("an epoch reset requeues pulled records this kiosk wrote, once") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());  // device "dev-a"
  const auto mine = pulled("dev-a", {{"name_latin", "Mine"}});
  const auto theirs = pulled("dev-other", {{"name_latin", "Theirs"}});
  apply(*store, {mine, theirs});
  auto held = store->held_records("", 10);
  REQUIRE(held);
  REQUIRE(held->size() == 1);
  CHECK(held->front().id == mine.id);
  CHECK(store->requeue({mine.id}).value() == 1);
  CHECK(store->requeue({mine.id}).value() == 1);
  CHECK(store->pending_count().value() == 1);
  const auto r = read(*store, mine.id);
  CHECK(r.sync_state == SyncState::Pending);
  REQUIRE(r.envelope.base_version.has_value());
  CHECK(*r.envelope.base_version == mine.version);
  CHECK(sync_rows(*store, theirs.id) == 0);
  CHECK(count(store->connection(), "SELECT COUNT(*) FROM outbox") == 1);
}

TEST_CASE("a pulled record can be quarantined and sent again") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  const auto a = pulled("dev-other", {{"name_latin", "Amina"}});
  apply(*store, {a});
  REQUIRE(store->quarantine(a.id, "refused for a test"));
  auto r = read(*store, a.id);
  CHECK(r.sync_state == SyncState::Quarantined);
  CHECK(r.sync_error == "refused for a test");
  CHECK(*r.envelope.base_version == a.version);
  CHECK(store->quarantined_count().value() == 1);
  REQUIRE(store->send_again(a.id));
  r = read(*store, a.id);
  CHECK(r.sync_state == SyncState::Pending);
  CHECK(r.sync_error.empty());
  CHECK(*r.envelope.base_version == a.version);
  CHECK(store->pending_count().value() == 1);
}

TEST_CASE("two kiosks edit a record one of them only pulled: both edits reach the server") {
  ws::kiosk::test::TestServer server;
  ws::kiosk::test::EnrolledKiosk writer(server, "OSLO"), reader(server, "OSLO");
  auto id = writer.store->save("intake", ws::test::intake_answers(1));
  REQUIRE(id);
  REQUIRE(writer.sync());
  REQUIRE(reader.sync());
  CHECK(sync_rows(*reader.store, *id) == 0);
  check_synced_at_own_version(*reader.store, *id);
  const auto pulled_version = read(*reader.store, *id).envelope.version;

  // Concurrent edits of different fields: the reader's base is the version it pulled.
  REQUIRE(writer.store->update(*id, {{"nationality", "Elsewhere"}}));
  REQUIRE(writer.sync());
  REQUIRE(reader.store->update(*id, {{"return_country", "Elsewhere too"}}));
  CHECK(*read(*reader.store, *id).envelope.base_version == pulled_version);
  REQUIRE(reader.sync());
  REQUIRE(writer.sync());

  const auto held = server.records().at(*id);
  CHECK(held.payload["nationality"] == "Elsewhere");
  CHECK(held.payload["return_country"] == "Elsewhere too");
  for (Store* s : {writer.store.get(), reader.store.get()}) {
    const auto r = read(*s, *id);
    CHECK(r.envelope.payload["nationality"] == "Elsewhere");
    CHECK(r.envelope.payload["return_country"] == "Elsewhere too");
    CHECK(r.sync_state == SyncState::Sent);
    CHECK(s->pending_count().value() == 0);
  }
}

TEST_CASE("field versions are stored compact and read full; a full text stored earlier still reads") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.path());
  auto a = pulled("dev-other", {{"name_latin", "Amina"}, {"age_years", 30}});
  const Version older{Hlc{a.version.hlc.wall_ms - 1000, 0}, "dev-third"};
  a.field_versions["age_years"] = older;
  apply(*store, {a});
  auto text = store->connection().prepare("SELECT field_versions FROM records WHERE id = ?1");
  REQUIRE(text);
  text->bind(1, a.id);
  REQUIRE(text->step().value());
  CHECK(text->column_text(0) == "{\"age_years\":\"" + older.to_string() + "\"}");
  auto r = read(*store, a.id);
  CHECK(r.envelope.field_versions == a.field_versions);

  // A row written before (every entry spelt out) means the same.
  auto full = store->connection().prepare("UPDATE records SET field_versions = ?2 WHERE id = ?1");
  REQUIRE(full);
  REQUIRE(full->bind(1, a.id).bind(2, ws::field_versions_json(a.field_versions)).run());
  r = read(*store, a.id);
  CHECK(r.envelope.field_versions == a.field_versions);
  REQUIRE(store->update(a.id, {{"age_years", 31}}));
  r = read(*store, a.id);
  CHECK(r.envelope.field_versions.at("name_latin") == a.version);
  CHECK(r.envelope.field_versions.at("age_years") == r.envelope.version);
}
