// A pull page read with compact field versions (read_pull_page(body, Compact), as the sync round
// reads it) is stored exactly as the same page read full: the same field-versions text byte for
// byte, the same records read back, and records the kiosk holds merged alike.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using nlohmann::json;

namespace {

ws::Version at(std::int64_t ago_ms, const std::string& device) {
  return ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms() - ago_ms, 0}, device};
}

const std::string kRow = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";

// An intake whose fields were not all written together: one older answer, a row answer.
ws::Envelope remote(const std::string& id) {
  ws::Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = at(60'000, "dev-other");
  e.payload = {{"given_name", "Amina"},
               {"age", 31},
               {"notes", "ü \"quoted\""},
               {"family", json::array({{{"_row", kRow}, {"name", "Bahir"}}})}};
  e.field_versions["age"] = at(120'000, "dev-third");
  e.field_versions["family/" + kRow + "/name"] = at(90'000, "dev-third");
  ws::expand_field_versions(e);
  return e;
}

// The page's text as a server sends it (compact envelopes).
std::string body_of(const std::vector<ws::Envelope>& records, const std::string& cursor) {
  json j = {{"records", json::array()}, {"cursor", cursor}, {"more", false}};
  for (const auto& e : records) j["records"].push_back(ws::to_json(e, ws::EnvelopeForm::Compact));
  return j.dump();
}

ws::protocol::PullResponse read(const std::string& body, ws::EnvelopeForm form) {
  auto page = ws::protocol::read_pull_page(body, form);
  REQUIRE(page);
  return *page;
}

std::unique_ptr<Store> enrolled(const std::string& dir) {
  auto opened = Store::open(dir);
  REQUIRE(opened);
  REQUIRE((*opened)->set_identity({"dev-kiosk", "token", "OSLO", "http://127.0.0.1:1"}));
  return std::move(*opened);
}

std::string stored_text(Store& s, const std::string& id, const char* column) {
  auto st = s.connection().prepare(std::string("SELECT ") + column + " FROM records WHERE id = ?1");
  REQUIRE(st);
  st->bind(1, id);
  REQUIRE(st->step().value());
  return st->column_blob(0);
}

ws::Envelope stored(Store& s, const std::string& id) {
  auto got = s.get(id);
  REQUIRE(got);
  REQUIRE(got->has_value());
  return (**got).envelope;
}

}  // namespace

TEST_CASE("the pull page reader keeps only the compact entries when asked, which expand to the full ones") {
  const auto e = remote(ws::new_uuid_v7());
  const std::string body = body_of({e}, "3");
  const auto full = read(body, ws::EnvelopeForm::Full);
  const auto compact = read(body, ws::EnvelopeForm::Compact);
  REQUIRE(compact.records.size() == 1);
  const auto& c = compact.records[0];
  CHECK(c.field_versions.size() == 2);  // the older answer and the row answer only
  CHECK(compact.payload_json == full.payload_json);
  CHECK(ws::compact_field_versions_json(c.field_versions, c.version) ==
        ws::compact_field_versions_json(full.records[0].field_versions, e.version));
  ws::Envelope expanded = c;
  ws::expand_field_versions(expanded);
  CHECK(expanded.field_versions == full.records[0].field_versions);
  CHECK(ws::to_json(expanded) == ws::to_json(full.records[0]));
}

TEST_CASE("a page read compact stores what the page read full stores, byte for byte") {
  ws::test::TempDir dir_full, dir_compact;
  auto by_full = enrolled(dir_full.path()), by_compact = enrolled(dir_compact.path());
  const auto a = remote(ws::new_uuid_v7()), b = remote(ws::new_uuid_v7());
  const std::string body = body_of({a, b}, "5");
  REQUIRE(by_full->apply_pull(read(body, ws::EnvelopeForm::Full)).value() == 2);
  REQUIRE(by_compact->apply_pull(read(body, ws::EnvelopeForm::Compact)).value() == 2);
  for (const auto& id : {a.id, b.id}) {
    for (const char* column : {"field_versions", "payload", "version", "case_id"}) {
      CAPTURE(column);
      CHECK(stored_text(*by_compact, id, column) == stored_text(*by_full, id, column));
    }
    CHECK(ws::to_json(stored(*by_compact, id)) == ws::to_json(stored(*by_full, id)));
  }
  CHECK(stored(*by_compact, a.id).field_versions == a.field_versions);
}

TEST_CASE("a record the kiosk holds, pulled compact, merges as when pulled full") {
  ws::test::TempDir dir_full, dir_compact;
  auto by_full = enrolled(dir_full.path()), by_compact = enrolled(dir_compact.path());
  const auto first = remote(ws::new_uuid_v7());
  const std::string body = body_of({first}, "5");
  REQUIRE(by_full->apply_pull(read(body, ws::EnvelopeForm::Full)));
  REQUIRE(by_compact->apply_pull(read(body, ws::EnvelopeForm::Compact)));
  // The kiosk edits one answer; the server then sends a newer edit of another one, and the
  // older answer again at its own (older) version, which must not win over the local edit.
  for (Store* s : {by_full.get(), by_compact.get()}) REQUIRE(s->update(first.id, {{"notes", "local"}}));
  auto second = first;
  second.version = at(0, "dev-other");
  second.payload["given_name"] = "Amina B.";
  second.field_versions["given_name"] = second.version;
  second.payload["notes"] = "remote, older than the local edit";
  second.field_versions["notes"] = at(30'000, "dev-other");
  const std::string next = body_of({second}, "6");
  REQUIRE(by_full->apply_pull(read(next, ws::EnvelopeForm::Full)).value() == 1);
  REQUIRE(by_compact->apply_pull(read(next, ws::EnvelopeForm::Compact)).value() == 1);
  const auto merged = stored(*by_compact, first.id);
  CHECK(merged.payload["given_name"] == "Amina B.");
  CHECK(merged.payload["notes"] == "local");
  CHECK(merged.payload["age"] == 31);
  // The two kiosks' own edits were stamped at different instants: every other version agrees.
  const auto by_full_merged = stored(*by_full, first.id);
  CHECK(merged.payload == by_full_merged.payload);
  REQUIRE(merged.field_versions.size() == by_full_merged.field_versions.size());
  for (const auto& [field, v] : by_full_merged.field_versions) {
    CAPTURE(field);
    if (field != "notes") CHECK(merged.field_versions.at(field) == v);
  }
}
