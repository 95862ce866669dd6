// The pull's fast path (kiosk/core/store/pull.cpp): records a kiosk does not hold are inserted as
// they came, found with one query per page; records it holds still take the merge, with its
// conflict log, in the same transaction as the cursor.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using nlohmann::json;

namespace {

ws::Envelope remote(const std::string& id, std::int64_t ahead_ms, json payload) {
  ws::Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms() + ahead_ms, 0}, "dev-other"};
  e.payload = std::move(payload);
  return e;
}

// A page as the kiosk receives it: compact JSON text, parsed as the sync round parses it.
ws::protocol::PullResponse page_of(const std::vector<ws::Envelope>& records, const std::string& cursor) {
  json j = {{"records", json::array()}, {"cursor", cursor}, {"more", false}};
  for (const auto& e : records) j["records"].push_back(ws::to_json(e, ws::EnvelopeForm::Compact));
  auto parsed = ws::protocol::parse_pull_response(j);
  REQUIRE(parsed);
  return *parsed;
}

std::unique_ptr<Store> enrolled(const std::string& dir) {
  auto opened = Store::open(dir);
  REQUIRE(opened);
  REQUIRE((*opened)->set_identity({"dev-kiosk", "token", "OSLO", "http://127.0.0.1:1"}));
  return std::move(*opened);
}

}  // namespace

TEST_CASE("records new to the kiosk are stored as they came, with the page's cursor") {
  ws::test::TempDir dir;
  auto store = enrolled(dir.path());
  const auto a = remote(ws::new_uuid_v7(), 0, {{"given_name", "Amina"}, {"age", 31}, {"notes", "ü \"quoted\""}});
  const auto b = remote(ws::new_uuid_v7(), 0, {{"given_name", "Bahir"}});
  auto page = page_of({a, b}, "7");
  CHECK(page.payload_json.size() == 2);
  auto applied = store->apply_pull(page);
  REQUIRE(applied);
  CHECK(*applied == 2);
  for (const auto& sent : {a, b}) {
    auto got = store->get(sent.id);
    REQUIRE(got);
    REQUIRE(got->has_value());
    const auto& r = **got;
    CHECK(r.envelope.payload == sent.payload);
    CHECK(r.envelope.version == sent.version);
    REQUIRE(r.envelope.base_version.has_value());
    CHECK(*r.envelope.base_version == sent.version);
    CHECK(r.sync_state == SyncState::Sent);
    CHECK(r.envelope.field_versions.at("given_name") == sent.version);  // kept in full form
  }
  CHECK(*store->pull_cursor() == "7");
  CHECK(*store->pending_count() == 0);
}

TEST_CASE("a record twice in one page: the second copy merges into the first") {
  ws::test::TempDir dir;
  auto store = enrolled(dir.path());
  const std::string id = ws::new_uuid_v7();
  auto older = remote(id, 0, {{"given_name", "Old"}, {"phone", "1"}});
  auto newer = remote(id, 60'000, {{"given_name", "New"}});
  newer.field_versions["phone"] = older.version;  // untouched by the newer edit
  newer.payload["phone"] = "1";
  REQUIRE(store->apply_pull(page_of({newer, older}, "9")));
  auto got = store->get(id);
  REQUIRE(got);
  REQUIRE(got->has_value());
  CHECK((**got).envelope.payload["given_name"] == "New");
  CHECK((**got).envelope.version == newer.version);
}

TEST_CASE("a held record with a local edit still merges and logs its loser beside new records") {
  ws::test::TempDir dir;
  auto store = enrolled(dir.path());
  auto id = store->save("intake", json{{"given_name", "Kiosk"}}, std::nullopt, 1);
  REQUIRE(id);
  auto incoming = remote(*id, 60'000, {{"given_name", "Other"}});
  const auto fresh = remote(ws::new_uuid_v7(), 0, {{"given_name", "Fresh"}});
  auto applied = store->apply_pull(page_of({fresh, incoming}, "11"));
  REQUIRE(applied);
  CHECK(*applied == 2);
  auto log = store->conflicts();
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  CHECK(log->front().lost_value == "Kiosk");
  auto merged = store->get(*id);
  REQUIRE(merged);
  CHECK((**merged).envelope.payload["given_name"] == "Other");
  auto stored = store->get(fresh.id);
  REQUIRE(stored);
  CHECK(stored->has_value());
  CHECK(*store->pull_cursor() == "11");
}
