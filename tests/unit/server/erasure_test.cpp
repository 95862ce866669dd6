#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sync-server/core/erasure.hpp"
#include "sync-server/core/feed.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/refused.hpp"
#include "sync-server/core/retention.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/erasure.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

const std::string kName = "Zainab Marker-Qx7";
const std::string kPhone = "+4799911177";

struct EraseFixture {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  std::string case_id = new_uuid_v7();
  std::string intake_id = new_uuid_v7();
  std::string other_case = new_uuid_v7();

  Device oslo2 = enroll_device(*t.db, "OSLO", "oslo-2");

  json push(const json& records) { return push_as(oslo, records); }
  json push_as(const Device& device, const json& records) {
    auto r = ingest.push(device, batch_json(new_uuid_v7(), records));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    return json::parse(r->body);
  }
  void seed() {
    const auto v = version_at(now_ms(), oslo.id);
    push(json::array({record_json(case_id, "case", "OSLO", v, {{"name_latin", kName}, {"status", "open"}}),
                      record_json(intake_id, "intake", "OSLO", v, {{"_case_id", case_id}, {"phone", kPhone}}),
                      record_json(other_case, "case", "OSLO", v, {{"name_latin", "Kept Person"}})}));
    // A concurrent edit of the case's name by a kiosk that never pulled it leaves the old value
    // in the conflict log.
    const auto later = version_at(now_ms() + 10, oslo2.id);
    push_as(oslo2, json::array({record_json(case_id, "case", "OSLO", later, {{"name_latin", kName + " Jr"}},
                                            version_at(1, oslo.id))}));
  }
  Envelope stored(const std::string& id) { return stored_record(*t.db, id); }
  std::int64_t count(const std::string& sql) { return db_count(*t.db, sql); }
};

bool file_holds(const std::string& path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("erasing a case turns it and its records into erased tombstones and scrubs the logs") {
  EraseFixture f;
  f.seed();
  REQUIRE(f.count("SELECT COUNT(*) FROM conflicts") > 0);
  auto done = erase_case(*f.t.db, ErasureRequest{f.case_id, "consent withdrawn", "hq-officer"});
  REQUIRE_MESSAGE(done.has_value(), (done ? "" : done.error().message));
  CHECK(done->record_ids == std::vector<std::string>{f.case_id, f.intake_id});
  CHECK(done->centre == "OSLO");
  CHECK(done->files_scrubbed);

  for (const auto& id : {f.case_id, f.intake_id}) {
    const Envelope e = f.stored(id);
    CHECK(e.deleted);
    CHECK(is_erased(e));
    CHECK(e.payload == json{{kErasedKey, done->id}});
    CHECK(to_json(e, EnvelopeForm::Compact)["field_versions"].empty());  // every field at the record's version
    CHECK(e.version.device == kServerDevice);
  }
  CHECK_FALSE(is_erased(f.stored(f.other_case)));
  CHECK(f.count("SELECT COUNT(*) FROM conflicts WHERE lost_value <> 'null' OR won_value <> 'null'") == 0);

  // The feed carries the erased tombstones; the erasure record names no personal value.
  auto page = pull(*f.t.db, "OSLO", PullQuery{0, 100});
  REQUIRE(page.has_value());
  CHECK(page->find(kName) == std::string::npos);
  CHECK(page->find(kPhone) == std::string::npos);
  CHECK(page->find(std::string("\"") + kErasedKey + "\"") != std::string::npos);
  auto list = list_erasures(*f.t.db);
  REQUIRE(list.has_value());
  REQUIRE(list->size() == 1);
  CHECK(to_json(list->front())["erased_by"] == "hq-officer");
  CHECK(to_json(list->front()).dump().find(kName) == std::string::npos);

  // secure_delete and the truncated WAL: the values are in none of the server's files.
  for (const auto& entry : std::filesystem::directory_iterator(f.t.dir.path())) {
    CHECK_MESSAGE(!file_holds(entry.path().string(), kName), entry.path().string());
    CHECK_MESSAGE(!file_holds(entry.path().string(), kPhone), entry.path().string());
  }
}

TEST_CASE("an erasure refuses unknown cases and bad requests") {
  EraseFixture f;
  f.seed();
  CHECK(erase_case(*f.t.db, ErasureRequest{new_uuid_v7(), "x", "hq"}).error().code == "not_found");
  CHECK(erase_case(*f.t.db, ErasureRequest{f.intake_id, "x", "hq"}).error().code == "not_found");
  CHECK(erase_case(*f.t.db, ErasureRequest{"nope", "x", "hq"}).error().code == "invalid_request");
  CHECK(erase_case(*f.t.db, ErasureRequest{f.case_id, "", "hq"}).error().code == "invalid_request");
}

TEST_CASE("edits of erased records and new records of an erased case are refused without keeping the payload") {
  EraseFixture f;
  f.seed();
  REQUIRE(erase_case(*f.t.db, ErasureRequest{f.case_id, "consent withdrawn", "hq"}).has_value());
  const auto v = version_at(now_ms() + 50, f.oslo.id);
  const std::string fresh = new_uuid_v7();
  auto reply = f.push(json::array(
      {record_json(f.intake_id, "intake", "OSLO", v, {{"_case_id", f.case_id}, {"phone", kPhone}}),
       record_json(fresh, "counselling", "OSLO", v, {{"_case_id", f.case_id}, {"notes", kName}}),
       record_json(new_uuid_v7(), "counselling", "OSLO", v, {{"_case_id", f.other_case}, {"notes", "fine"}})}));
  CHECK(reply["results"][0]["status"] == "rejected");
  CHECK(reply["results"][0]["error"].get<std::string>().find("erased") != std::string::npos);
  CHECK(reply["results"][1]["status"] == "rejected");
  CHECK(reply["results"][2]["status"] == "applied");
  CHECK(is_erased(f.stored(f.intake_id)));
  CHECK(f.count("SELECT COUNT(*) FROM records WHERE id = '" + fresh + "'") == 0);
  auto refused = list_refused(*f.t.db, RefusedQuery{std::nullopt, true});
  REQUIRE(refused.has_value());
  REQUIRE(refused->size() == 2);
  for (const auto& r : *refused) CHECK(r.payload == "{}");
}

TEST_CASE("a device may not push the erased marker") {
  EraseFixture f;
  f.seed();
  json tombstone = record_json(f.other_case, "case", "OSLO", version_at(now_ms() + 50, f.oslo.id), {{kErasedKey, "x"}});
  tombstone["deleted"] = true;
  auto reply = f.push(json::array({tombstone}));
  CHECK(reply["results"][0]["status"] == "rejected");
  CHECK_FALSE(f.stored(f.other_case).deleted);
}

TEST_CASE("carries_erased_marker finds the marker wherever it stands, and nothing like it") {
  const std::string marker = std::string("\"") + kErasedKey + "\":";
  // Keys of the marker's length ("abcdefg":) put both its end bytes in place without it.
  const std::string decoys = R"({"abcdefg":1,"zyxwvut":"_erased","x":"\"_erased\":"})";
  const std::string near_misses[] = {"\"_erasedX\":", "\"_erased\"", "\"_erase\":", "_erased\":",
                                     "\\\"_erased\\\":", "\"_Erased\":", "\"_erased\" :"};
  for (std::size_t before = 0; before <= 40; ++before) {
    for (std::size_t after = 0; after <= 24; after += 3) {
      const std::string pad_before = decoys.substr(0, std::min(before, decoys.size())) + std::string(before, 'a');
      const std::string pad_after = std::string(after, 'b') + decoys.substr(0, after);
      CHECK(carries_erased_marker(pad_before + marker + pad_after));
      for (const auto& miss : near_misses) {
        const std::string text = pad_before + miss + pad_after;
        CHECK(carries_erased_marker(text) == (text.find(marker) != std::string::npos));
      }
    }
  }
  CHECK_FALSE(carries_erased_marker(""));
  CHECK_FALSE(carries_erased_marker(marker.substr(0, marker.size() - 1)));
  CHECK_FALSE(carries_erased_marker(decoys + decoys + decoys));
}

TEST_CASE("carries_erased_marker finds the marker among places that all open like it, at every offset") {
  const std::string marker = std::string("\"") + kErasedKey + "\":";
  // Every place opens with the marker's first two bytes, which the search filters on 32 places
  // a step: it must confirm each and refuse all but the marker itself, whose place walks over
  // the edges of the 32- and 16-byte steps and into the byte-at-a-time tail.
  std::string near = "\"_";
  while (near.size() < 130) near += "\"_erasedX\":\"_erase\"\"_";
  CHECK_FALSE(carries_erased_marker(near));
  for (std::size_t at = 0; at <= 100; ++at) {
    const std::string text = near.substr(0, at) + marker + near.substr(0, 100 - at);
    CHECK(carries_erased_marker(text));
    // Cut one byte short, at every length: found only where the whole marker still stands.
    CHECK(carries_erased_marker(text.substr(0, at + marker.size() - 1)) == false);
  }
}

TEST_CASE("refused payloads of the case lose their values at erasure") {
  EraseFixture f;
  f.seed();
  RefusedRecord r;
  r.record_id = new_uuid_v7();
  r.kind = "intake";
  r.centre = "OSLO";
  r.device_id = f.oslo.id;
  r.code = "rejected";
  r.message = "field 'x': required";
  r.payload = json{{"_case_id", f.case_id}, {"phone", kPhone}}.dump();
  {
    auto lease = f.t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE(keep_refusal(**lease, r).has_value());
  }
  REQUIRE(erase_case(*f.t.db, ErasureRequest{f.case_id, "consent withdrawn", "hq"}).has_value());
  CHECK(f.count("SELECT COUNT(*) FROM refused WHERE payload <> '{}'") == 0);
}

TEST_CASE("cases with withdrawn consent are pending erasure until erased") {
  EraseFixture f;
  f.seed();
  const auto v = version_at(now_ms(), f.oslo.id);
  const std::string consent = new_uuid_v7();
  f.push(json::array({record_json(consent, "consent", "OSLO", v,
                                  {{"_case_id", f.case_id},
                                   {"withdrawn", true},
                                   {"withdrawal_scope", {"case_processing"}},
                                   {"withdrawal_date", "2026-11-30"}}),
                      record_json(new_uuid_v7(), "consent", "OSLO", v, {{"_case_id", f.other_case}, {"withdrawn", false}})}));
  auto pending = pending_erasures(*f.t.db);
  REQUIRE(pending.has_value());
  REQUIRE(pending->size() == 1);
  CHECK((*pending)[0]["case_id"] == f.case_id);
  CHECK((*pending)[0]["consent_record"] == consent);
  CHECK((*pending)[0]["withdrawal_scope"] == json{"case_processing"});
  CHECK((*pending)[0]["withdrawn_at"].is_string());

  auto done = erase_case(*f.t.db, ErasureRequest{f.case_id, "consent withdrawn", "hq"});
  REQUIRE(done.has_value());
  CHECK(done->record_ids.size() == 3);  // the case, its intake and its consent
  pending = pending_erasures(*f.t.db);
  REQUIRE(pending.has_value());
  CHECK(pending->empty());
}

TEST_CASE("retention is a settings record of the centre in its feed") {
  EraseFixture f;
  auto set = set_retention(*f.t.db, "OSLO", 14);
  REQUIRE(set.has_value());
  const Envelope e = f.stored(set->record_id);
  CHECK(e.kind == kSettingsKind);
  CHECK(e.centre == "OSLO");
  CHECK(e.payload == json{{kRetentionDaysKey, 14}});
  auto page = pull(*f.t.db, "OSLO", PullQuery{0, 100});
  REQUIRE(page.has_value());
  CHECK(page->find(set->record_id) != std::string::npos);
  auto other = pull(*f.t.db, "BERGEN", PullQuery{0, 100});
  REQUIRE(other.has_value());
  CHECK(other->find(set->record_id) == std::string::npos);
  CHECK(set_retention(*f.t.db, "OSLO", 0).error().code == "invalid_request");
  CHECK(set_retention(*f.t.db, "_all", 5).error().code == "invalid_request");
  // A kiosk may not push settings.
  auto reply = f.push(json::array({record_json(new_uuid_v7(), kSettingsKind, "OSLO", version_at(now_ms(), f.oslo.id),
                                               {{kRetentionDaysKey, 9999}})}));
  CHECK(reply["results"][0]["status"] == "rejected");
}
