#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "kiosk/core/store/store.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/erasure.hpp"
#include "ws/ids.hpp"

using namespace ws;
using namespace ws::kiosk;
using ws::kiosk::test::TempDir;
using nlohmann::json;

namespace {

const std::string kName = "Zainab Marker-Qx7";
const std::string kPhone = "+4799911177";
constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;

std::int64_t count(Store& s, const std::string& sql) {
  auto st = s.connection().prepare(sql);
  REQUIRE(st);
  REQUIRE(st->step());
  return st->column_int(0);
}

// A record as the server sends it (every field written at `v`).
Envelope pulled(const std::string& id, const std::string& kind, const Version& v, const json& payload) {
  Envelope e;
  e.id = id;
  e.kind = kind;
  e.centre = "OSLO";
  e.version = v;
  e.payload = payload;
  for (const auto& [k, _] : payload.items()) e.field_versions[k] = v;
  return e;
}

Envelope erased(const std::string& id, const std::string& kind, const Version& v) {
  Envelope e = pulled(id, kind, v, json{{kErasedKey, "erasure-1"}});
  e.deleted = true;
  e.field_versions.clear();
  return e;
}

void apply(Store& s, std::vector<Envelope> records, const std::string& cursor) {
  auto r = s.apply_pull(protocol::PullResponse{std::move(records), cursor, false});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
}

bool folder_holds(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

Version server_version(std::int64_t wall_ms) { return Version{Hlc{wall_ms, 0}, "server"}; }

}  // namespace

TEST_CASE("an erased tombstone removes the values from records, outbox, frozen batches, drafts and conflicts") {
  TempDir dir;
  const std::string data = dir.sub("data");
  auto store = ws::kiosk::test::enrolled_store(data);
  const std::string case_id = new_uuid_v7();
  const auto t0 = HlcClock::system_wall_ms();
  apply(*store, {pulled(case_id, "case", server_version(t0), {{"name_latin", kName}, {"status", "open"}})}, "1");
  // Local work on the case: an edit and a linked record never sent, one of them in a frozen batch.
  REQUIRE(store->update(case_id, {{"name_latin", kName + " Jr"}}));
  auto intake = store->save("intake", {{"name_latin", kName}, {"phone", kPhone}}, case_id);
  REQUIRE(intake);
  auto kept = store->save("intake", ws::kiosk::test::intake_payload(3));
  REQUIRE(kept);
  REQUIRE(store->next_batch(BatchLimits{}).value().has_value());
  REQUIRE(store->put_draft("c1", "form", json{{"case_id", case_id}, {"record_id", ""}, {"state", {{"phone", kPhone}}}}));
  REQUIRE(store->put_draft("c2", "form", json{{"case_id", ""}, {"record_id", *kept}, {"state", json::object()}}));
  // A pulled later edit that replaces the unsent local one goes to the conflict log.
  apply(*store, {pulled(case_id, "case", server_version(t0 + 100000), {{"name_latin", kName + " Sr"}})}, "2");
  REQUIRE(count(*store, "SELECT COUNT(*) FROM conflicts") > 0);

  apply(*store, {erased(case_id, "case", server_version(t0 + 200000))}, "3");

  auto got = store->get(case_id);
  REQUIRE(got);
  REQUIRE(*got);
  CHECK(is_erased((*got)->envelope));
  CHECK((*got)->sync_state == SyncState::Sent);
  CHECK_FALSE(store->get(*intake).value().has_value());
  CHECK(count(*store, "SELECT COUNT(*) FROM outbox WHERE record_id IN (SELECT id FROM records WHERE kind = 'case')") == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM outbox") == 1);  // the unrelated record is still queued
  CHECK(count(*store, "SELECT COUNT(*) FROM outbox_batches") == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM conflicts") == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM drafts") == 1);
  CHECK(count(*store, "SELECT COUNT(*) FROM records WHERE search_text LIKE '%zainab%'") == 0);
  // The next batch is made again without the erased records.
  auto batch = store->next_batch(BatchLimits{});
  REQUIRE(batch);
  REQUIRE(batch->has_value());
  REQUIRE((*batch)->record_ids.size() == 1);
  CHECK((*batch)->record_ids[0] == *kept);
  CHECK((*batch)->body.find(kName) == std::string::npos);

  // A later pull of the same tombstone (e.g. after an epoch change) changes nothing more.
  apply(*store, {erased(case_id, "case", server_version(t0 + 200000))}, "4");
  store.reset();
  CHECK_FALSE(folder_holds(data, kName));
  CHECK_FALSE(folder_holds(data, kPhone));
}

TEST_CASE("retention removes closed cases past the centre's days once the server holds every version") {
  TempDir dir;
  auto store = ws::kiosk::test::enrolled_store(dir.sub("data"));
  const std::int64_t t0 = 1'800'000'000'000;  // a fixed "now" for the clock of the records
  const std::string closed = new_uuid_v7(), open = new_uuid_v7(), unsent = new_uuid_v7(), note = new_uuid_v7();
  apply(*store,
        {pulled(closed, "case", server_version(t0), {{"name_latin", kName}, {"status", "closed"}}),
         pulled(note, "counselling", server_version(t0), {{"_case_id", closed}, {"phone", kPhone}}),
         pulled(open, "case", server_version(t0), {{"name_latin", "Open Person"}, {"status", "open"}}),
         pulled(unsent, "case", server_version(t0), {{"name_latin", "Unsent Person"}, {"status", "closed"}})},
        "1");
  // An edit the server has not acknowledged keeps its case, however old.
  {
    auto tx = sql::Transaction::begin(store->connection());
    REQUIRE(tx);
    // A pulled record has no sync row (synced at its own version): this one gets one.
    REQUIRE(store->connection().exec(
        ("INSERT INTO record_sync(id, base_version, sync_state, sync_error) VALUES('" + unsent + "', NULL, 0, '')").c_str()));
    REQUIRE(tx->commit());
  }
  CHECK(store->retention_days().value() == kDefaultRetentionDays);

  CHECK(store->apply_retention_at(t0 + 29 * kDay).value() == 0);
  CHECK(store->get(closed).value().has_value());

  CHECK(store->apply_retention_at(t0 + 31 * kDay).value() == 1);
  CHECK_FALSE(store->get(closed).value().has_value());
  CHECK_FALSE(store->get(note).value().has_value());
  CHECK(store->get(open).value().has_value());
  CHECK(store->get(unsent).value().has_value());

  // HQ's setting for the centre arrives with the pull and shortens the time.
  const std::string recent = new_uuid_v7();
  apply(*store,
        {pulled(new_uuid_v7(), kSettingsKind, server_version(t0), {{kRetentionDaysKey, 7}}),
         pulled(recent, "case", server_version(t0 + 20 * kDay), {{"name_latin", "Recent"}, {"status", "closed"}})},
        "2");
  CHECK(store->retention_days().value() == 7);
  CHECK(store->apply_retention_at(t0 + 26 * kDay).value() == 0);
  CHECK(store->apply_retention_at(t0 + 28 * kDay).value() == 1);
  CHECK_FALSE(store->get(recent).value().has_value());
}
