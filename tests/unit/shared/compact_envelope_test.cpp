// Compact envelopes (protocol 2): a top-level field's version travels only when it differs from
// the record's. Both forms must parse to the same envelope and merge the same.
#include <doctest/doctest.h>

#include "ws/envelope.hpp"
#include "ws/ids.hpp"
#include "ws/merge.hpp"

namespace {

const char* kDevA = "0190a0b2-0000-7000-8000-00000000000a";
const char* kDevB = "0190a0b2-0000-7000-8000-00000000000b";

ws::Version v(std::int64_t ms, const char* dev) { return ws::Version{ws::Hlc{ms, 0}, dev}; }

// A record as a kiosk store keeps it (full form): every field has its entry.
ws::Envelope full_record() {
  ws::Envelope e;
  e.id = "0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = v(300, kDevA);
  e.payload = {{"name", "Test Person"},
               {"phone", "111"},
               {"notes", "fictional"},
               {"children", {{{"_row", "r1"}, {"age", 4}}, {{"_row", "r2"}, {"age", 7}}}}};
  e.field_versions = {{"name", v(300, kDevA)},          {"phone", v(200, kDevB)},
                      {"notes", v(300, kDevA)},         {"children", v(300, kDevA)},
                      {"children/r1/age", v(300, kDevA)}, {"children/r2/age", v(100, kDevB)},
                      {"children/r0", v(250, kDevA)}};  // a row tombstone
  e.base_version = v(200, kDevB);
  return e;
}

ws::Envelope parsed(const std::string& text) {
  auto e = ws::envelope_from_json(nlohmann::json::parse(text));
  REQUIRE(e.has_value());
  return *e;
}

void check_same(const ws::Envelope& a, const ws::Envelope& b) {
  CHECK(a.id == b.id);
  CHECK(a.kind == b.kind);
  CHECK(a.centre == b.centre);
  CHECK(a.version == b.version);
  CHECK(a.deleted == b.deleted);
  CHECK(a.schema_version == b.schema_version);
  CHECK(a.payload == b.payload);
  CHECK(a.field_versions == b.field_versions);
  CHECK(a.base_version == b.base_version);
}

std::string text_of(const ws::Envelope& e, const std::string& field_versions, ws::EnvelopeForm form) {
  const std::string id = e.id, kind = e.kind, centre = e.centre, version = e.version.to_string(),
                    payload = e.payload.dump(), base = e.base_version->to_string();
  return ws::envelope_json({.id = id,
                            .kind = kind,
                            .centre = centre,
                            .version = version,
                            .deleted = e.deleted,
                            .schema_version = e.schema_version,
                            .payload = payload,
                            .field_versions = field_versions,
                            .base_version = base,
                            .form = form});
}

}  // namespace

TEST_CASE("compact form leaves out only top-level versions equal to the record's") {
  const auto e = full_record();
  const auto j = ws::to_json(e, ws::EnvelopeForm::Compact);
  const auto& fv = j["field_versions"];
  CHECK_FALSE(fv.contains("name"));
  CHECK_FALSE(fv.contains("notes"));
  CHECK_FALSE(fv.contains("children"));
  CHECK(fv["phone"] == v(200, kDevB).to_string());
  // Row answers and tombstones always keep theirs, even when equal to the record's version.
  CHECK(fv["children/r1/age"] == v(300, kDevA).to_string());
  CHECK(fv["children/r2/age"] == v(100, kDevB).to_string());
  CHECK(fv["children/r0"] == v(250, kDevA).to_string());
  CHECK(ws::to_json(e)["field_versions"].size() == e.field_versions.size());
}

TEST_CASE("compact and full texts of a record parse to the same full envelope") {
  const auto e = full_record();
  check_same(parsed(ws::to_json(e, ws::EnvelopeForm::Compact).dump()), e);
  check_same(parsed(ws::to_json(e).dump()), e);
  // Compact -> parse -> compact is stable, as is full -> parse -> full.
  const std::string compact = ws::to_json(e, ws::EnvelopeForm::Compact).dump();
  CHECK(ws::to_json(parsed(compact), ws::EnvelopeForm::Compact).dump() == compact);
  CHECK(ws::to_json(parsed(ws::to_json(e).dump())).dump() == ws::to_json(e).dump());
}

TEST_CASE("a protocol 1 record without some entries parses with them made explicit") {
  auto e = full_record();
  e.field_versions.erase("name");
  e.field_versions.erase("notes");
  const auto back = parsed(ws::to_json(e).dump());
  CHECK(back.field_versions.at("name") == e.version);
  CHECK(back.field_versions.at("notes") == e.version);
  for (const auto& [field, _] : e.payload.items()) CHECK(back.field_version(field) == e.field_version(field));
}

TEST_CASE("envelope_json compacts stored field version texts as to_json does") {
  auto e = full_record();
  e.field_versions["quote\"and\\slash"] = e.version;  // an escaped key stays: it cannot be told apart cheaply
  e.field_versions["ændring"] = e.version;
  e.payload["ændring"] = 1;
  const std::string stored = ws::field_versions_json(e.field_versions);
  CHECK(text_of(e, stored, ws::EnvelopeForm::Full) == ws::to_json(e).dump());
  const auto compact = nlohmann::json::parse(text_of(e, stored, ws::EnvelopeForm::Compact));
  auto expected = ws::to_json(e, ws::EnvelopeForm::Compact);
  expected["field_versions"]["quote\"and\\slash"] = e.version.to_string();
  CHECK(compact == expected);
  CHECK_FALSE(compact["field_versions"].contains("ændring"));
}

TEST_CASE("compact_field_versions_json passes on what it cannot read and keeps the empty object") {
  CHECK(ws::compact_field_versions_json("{}", "x") == "{}");
  CHECK(ws::compact_field_versions_json("{\"a\":\"x\"}", "x") == "{}");
  CHECK(ws::compact_field_versions_json("{\"a\":\"x\",\"b\":\"y\"}", "x") == "{\"b\":\"y\"}");
  CHECK(ws::compact_field_versions_json("{\"b\":\"y\",\"a\":\"x\"}", "x") == "{\"b\":\"y\"}");
  for (const char* odd : {"", "{", "{ \"a\":\"x\"}", "{\"a\":1}", "{\"a\":\"x\"", "{\"a\":\"x\",}", "[]"})
    CHECK(ws::compact_field_versions_json(odd, "x") == odd);
}

TEST_CASE("merging a compact copy gives what merging the full copy gives, both ways round") {
  const auto stored = full_record();
  // Another device edited "phone" and one row answer after seeing the stored record.
  auto incoming = stored;
  incoming.version = v(400, kDevB);
  incoming.base_version = stored.version;
  incoming.payload["phone"] = "222";
  incoming.field_versions["phone"] = incoming.version;
  incoming.payload["children"][1]["age"] = 8;
  incoming.field_versions["children/r2/age"] = incoming.version;
  incoming.field_versions["children"] = incoming.version;
  const auto via_compact = parsed(ws::to_json(incoming, ws::EnvelopeForm::Compact).dump());
  const auto via_full = parsed(ws::to_json(incoming).dump());
  const auto m1 = ws::merge(stored, via_compact), m2 = ws::merge(stored, via_full);
  check_same(m1.merged, m2.merged);
  CHECK(m1.merged.payload["phone"] == "222");
  CHECK(m1.changed == m2.changed);
  CHECK(m1.conflicts.size() == m2.conflicts.size());
  const auto r1 = ws::merge(via_compact, stored), r2 = ws::merge(via_full, stored);
  check_same(r1.merged, r2.merged);
  // Commutative and idempotent whatever form travelled.
  CHECK(r1.merged.payload == m1.merged.payload);
  CHECK(ws::merge(m1.merged, via_compact).changed == false);
}
