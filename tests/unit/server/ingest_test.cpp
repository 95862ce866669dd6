#include <doctest/doctest.h>
#include <sodium.h>
#include <xxhash.h>

#include <string>
#include <thread>
#include <vector>

#include "sync-server/core/ingest.hpp"
#include "sync-server/core/records.hpp"
#include "tests/unit/server/eventually.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/protocol.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// Stands in for the forms library: an intake needs a string "name".
class FakeValidator : public PayloadValidator {
 public:
  std::vector<FieldProblem> validate(const std::string& kind, int, const json& payload) const override {
    if (kind != "intake") return {};
    if (!payload.contains("name") || !payload["name"].is_string()) return {{"name", "required"}};
    return {};
  }
};

struct IngestFixture {
  TestDb t;
  FakeValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");

  json push_ok(const Device& d, const json& body) {
    auto r = ingest.push(d, body);
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    return json::parse(r->body);
  }
  std::int64_t count(const char* sql) {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    auto st = (*lease)->prepare(sql);
    REQUIRE(st.has_value());
    REQUIRE(st->step().value());
    return st->column_int(0);
  }
  void pulled(const Device& d) { mark_pulled(*t.db, d); }
  Envelope stored(const std::string& id) {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    auto e = load_record(**lease, id);
    REQUIRE(e.has_value());
    REQUIRE(e->has_value());
    return **e;
  }
};

}  // namespace

TEST_CASE("a new record is applied and a replayed batch returns the stored reply without writing") {
  IngestFixture f;
  const auto id = new_uuid_v7();
  const auto body = batch_json(new_uuid_v7(), json::array({record_json(id, "case", "OSLO",
                                                                       version_at(now_ms(), f.oslo.id),
                                                                       {{"case_number", "A-1"}})}));
  auto first = f.ingest.push(f.oslo, body);
  REQUIRE(first.has_value());
  CHECK_FALSE(first->replay);
  CHECK(first->counts.applied == 1);
  auto reply = json::parse(first->body);
  CHECK(reply["results"][0]["status"] == "applied");
  CHECK(reply["cursor"] == "1");
  CHECK(reply["cursor_from"] == "0");  // the batch's writes are the feed's changes (0, 1]

  auto again = f.ingest.push(f.oslo, body);
  REQUIRE(again.has_value());
  CHECK(again->replay);
  CHECK(again->body == first->body);
  CHECK(f.count("SELECT COUNT(*) FROM records") == 1);
  CHECK(f.count("SELECT MAX(seq) FROM records") == 1);
}

// The digest a batch log row keeps is what a replay is compared against, across upgrades: a
// batch logged by an older server must still meet its retry as a replay. It is XXH3's 128 bits
// over the device id and every record's canonical line, however the server feeds the hash
// (replay_digest.hpp; servers before session 27 stored BLAKE2b's over the same bytes).
TEST_CASE("a batch's replay digest is the hash of the device id and each record's canonical line") {
  IngestFixture f;
  std::vector<std::string> ids = {new_uuid_v7(), new_uuid_v7(), new_uuid_v7()};
  json records = json::array();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    records.push_back(record_json(ids[i], "case", "OSLO", version_at(now_ms(), f.oslo.id),
                                  {{"case_number", "A-" + std::to_string(i)}, {"note", "line\nbreak"}}));
  }
  const std::string batch = new_uuid_v7();
  f.push_ok(f.oslo, batch_json(batch, records));

  auto lease = f.t.db->acquire();
  REQUIRE(lease.has_value());
  std::string canonical = f.oslo.id;
  for (const auto& id : ids) {
    auto st = (*lease)->prepare(
        "SELECT id, kind, centre, version, deleted, schema_version, payload, field_versions FROM records WHERE id = ?1");
    REQUIRE(st.has_value());
    st->bind(1, id);
    REQUIRE(st->step().value());
    canonical += "\n" + st->column_text(0) + "|" + st->column_text(1) + "|" + st->column_text(2) + "|" +
                 st->column_text(3) + (st->column_int(4) ? "|1|" : "|0|") + std::to_string(st->column_int(5)) +
                 "||" + st->column_text(6) + "|" + st->column_text(7);
  }
  auto logged = (*lease)->prepare("SELECT digest FROM batches WHERE batch_id = ?1");
  REQUIRE(logged.has_value());
  logged->bind(1, batch);
  REQUIRE(logged->step().value());
  XXH128_canonical_t hash;
  XXH128_canonicalFromHash(&hash, XXH3_128bits(canonical.data(), canonical.size()));
  char hex[2 * sizeof hash.digest + 1];
  sodium_bin2hex(hex, sizeof hex, hash.digest, sizeof hash.digest);
  CHECK(logged->column_text(0) == std::string("xxh3:") + hex);
}

TEST_CASE("a batch_id reused with other content, or by another device, is a conflict") {
  IngestFixture f;
  const auto batch = new_uuid_v7();
  const auto v = version_at(now_ms(), f.oslo.id);
  f.push_ok(f.oslo, batch_json(batch, json::array({record_json(new_uuid_v7(), "case", "OSLO", v, {{"n", 1}})})));
  auto changed = f.ingest.push(f.oslo, batch_json(batch, json::array({record_json(new_uuid_v7(), "case", "OSLO", v, {{"n", 2}})})));
  REQUIRE_FALSE(changed.has_value());
  CHECK(changed.error().code == "batch_conflict");

  Device other = enroll_device(*f.t.db, "OSLO", "oslo-2");
  auto stolen = f.ingest.push(other, batch_json(batch, json::array()));
  REQUIRE_FALSE(stolen.has_value());
  CHECK(stolen.error().code == "batch_conflict");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 1);
}

TEST_CASE("the same record in a new batch is a duplicate") {
  IngestFixture f;
  const auto rec = record_json(new_uuid_v7(), "case", "OSLO", version_at(now_ms(), f.oslo.id), {{"n", 1}});
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({rec})));
  auto reply = f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({rec})));
  CHECK(reply["results"][0]["status"] == "duplicate");
  CHECK(f.count("SELECT MAX(seq) FROM records") == 1);
}

TEST_CASE("concurrent edits of different fields are both kept") {
  IngestFixture f;
  Device bergen = enroll_device(*f.t.db, "OSLO", "oslo-2");
  const auto id = new_uuid_v7();
  const auto t0 = now_ms();
  const auto base = version_at(t0, f.oslo.id);
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({record_json(id, "case", "OSLO", base,
                                                                        {{"status", "open"}, {"phone", "1"}})})));
  // Both devices start from `base`; one changes status, the other phone.
  f.pulled(bergen);
  auto a = record_json(id, "case", "OSLO", version_at(t0 + 10, f.oslo.id), {{"status", "decided"}, {"phone", "1"}}, base);
  a["field_versions"]["phone"] = base.to_string();
  auto b = record_json(id, "case", "OSLO", version_at(t0 + 20, bergen.id), {{"status", "open"}, {"phone", "2"}}, base);
  b["field_versions"]["status"] = base.to_string();
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({a})));
  auto reply = f.push_ok(bergen, batch_json(new_uuid_v7(), json::array({b})));
  CHECK(reply["results"][0]["status"] == "merged");
  auto e = f.stored(id);
  CHECK(e.payload["status"] == "decided");
  CHECK(e.payload["phone"] == "2");
  CHECK(f.count("SELECT COUNT(*) FROM conflicts") == 0);
}

TEST_CASE("concurrent edits of one field: the later clock wins and the loser is logged") {
  IngestFixture f;
  Device bergen = enroll_device(*f.t.db, "OSLO", "oslo-2");
  const auto id = new_uuid_v7();
  const auto t0 = now_ms();
  const auto base = version_at(t0, f.oslo.id);
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({record_json(id, "case", "OSLO", base, {{"status", "open"}})})));
  f.pulled(bergen);
  const auto later = record_json(id, "case", "OSLO", version_at(t0 + 50, bergen.id), {{"status", "closed"}}, base);
  const auto earlier = record_json(id, "case", "OSLO", version_at(t0 + 10, f.oslo.id), {{"status", "decided"}}, base);
  f.push_ok(bergen, batch_json(new_uuid_v7(), json::array({later})));
  auto reply = f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({earlier})));
  CHECK(reply["results"][0]["status"] == "merged");
  CHECK(f.stored(id).payload["status"] == "closed");

  auto lease = f.t.db->acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare("SELECT field, lost_value, won_value, lost_version FROM conflicts WHERE record_id = ?1");
  REQUIRE(st.has_value());
  st->bind(1, id);
  REQUIRE(st->step().value());
  CHECK(st->column_text(0) == "status");
  CHECK(st->column_text(1) == "\"decided\"");
  CHECK(st->column_text(2) == "\"closed\"");
  CHECK(st->column_text(3) == version_at(t0 + 10, f.oslo.id).to_string());
  CHECK_FALSE(st->step().value());
}

TEST_CASE("a tombstone deletes and stays deleted") {
  IngestFixture f;
  const auto id = new_uuid_v7();
  const auto t0 = now_ms();
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({record_json(id, "case", "OSLO", version_at(t0, f.oslo.id), {{"n", 1}})})));
  auto tomb = record_json(id, "case", "OSLO", version_at(t0 + 1, f.oslo.id), {{"n", 1}});
  tomb["deleted"] = true;
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({tomb})));
  CHECK(f.stored(id).deleted);
  f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({record_json(id, "case", "OSLO", version_at(t0 + 2, f.oslo.id), {{"n", 2}})})));
  CHECK(f.stored(id).deleted);
}

TEST_CASE("poison records are rejected with a reason and the rest of the batch applies") {
  IngestFixture f;
  const auto v = version_at(now_ms(), f.oslo.id);
  const auto good = new_uuid_v7();
  json records = json::array({
      record_json(new_uuid_v7(), "spaceship", "OSLO", v, {{"x", 1}}),
      record_json(new_uuid_v7(), "form", "OSLO", v, {{"id", "intake"}}),
      json{{"id", "not-a-uuid"}},
      42,
      record_json(new_uuid_v7(), "case", "OSLO", v, {{"note", std::string("a\0b", 3)}}),
      record_json(new_uuid_v7(), "intake", "OSLO", v, {{"age", 3}}),
      record_json(new_uuid_v7(), "counsellor", "OSLO", v, {{"name", "X"}, {"role", "boss"}}),
      record_json(new_uuid_v7(), "case", "OSLO", version_at(now_ms() + 3LL * 86400 * 1000, f.oslo.id), {{"x", 1}}),
      record_json(good, "case", "OSLO", v, {{"case_number", "'; DROP TABLE records; --"}}),
  });
  auto reply = f.push_ok(f.oslo, batch_json(new_uuid_v7(), records));
  const auto& r = reply["results"];
  REQUIRE(r.size() == records.size());
  for (std::size_t i = 0; i + 1 < r.size(); ++i) {
    CAPTURE(i);
    CHECK(r[i]["status"] == "rejected");
    CHECK_FALSE(r[i]["error"].get<std::string>().empty());
  }
  CHECK(r[0]["error"].get<std::string>().find("unknown kind") != std::string::npos);
  CHECK(r[1]["error"].get<std::string>().find("may not push") != std::string::npos);
  CHECK(r[2]["id"] == "not-a-uuid");
  CHECK(r[3]["id"] == "");
  CHECK(r[4]["error"].get<std::string>().find("NUL") != std::string::npos);
  CHECK(r[5]["error"].get<std::string>().find("'name'") != std::string::npos);
  CHECK(r[6]["error"].get<std::string>().find("role") != std::string::npos);
  CHECK(r[7]["error"].get<std::string>().find("ahead") != std::string::npos);
  CHECK(r.back()["status"] == "applied");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 1);
  CHECK(f.stored(good).payload["case_number"] == "'; DROP TABLE records; --");
}

TEST_CASE("a batch with any record of another centre is refused whole") {
  IngestFixture f;
  const auto v = version_at(now_ms(), f.oslo.id);
  auto reply = f.ingest.push(f.oslo, batch_json(new_uuid_v7(), json::array({
      record_json(new_uuid_v7(), "case", "OSLO", v, {{"n", 1}}),
      record_json(new_uuid_v7(), "case", "BERGEN", v, {{"n", 2}}),
  })));
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == "forbidden");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 0);
  CHECK(f.count("SELECT COUNT(*) FROM batches") == 0);
}

TEST_CASE("overwriting another centre's record id is refused whole, nothing stored") {
  IngestFixture f;
  Device bergen = enroll_device(*f.t.db, "BERGEN", "bergen-1");
  const auto id = new_uuid_v7();
  const auto t0 = now_ms();
  f.push_ok(bergen, batch_json(new_uuid_v7(), json::array({record_json(id, "case", "BERGEN", version_at(t0, bergen.id), {{"n", 1}})})));
  const auto fresh = new_uuid_v7();
  auto reply = f.ingest.push(f.oslo, batch_json(new_uuid_v7(), json::array({
      record_json(fresh, "case", "OSLO", version_at(t0, f.oslo.id), {{"n", 1}}),
      record_json(id, "case", "OSLO", version_at(t0 + 5, f.oslo.id), {{"n", 9}}),
  })));
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == "forbidden");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 1);
  CHECK(f.stored(id).payload["n"] == 1);
}

// A kiosk sends each record as its text, which the server's fast reader takes (the path the
// two tests above do not reach, as their records are parsed trees): the centre and the id it
// reads there must decide as the strict path's do.
TEST_CASE("records sent as texts are scoped to the device's centre and answered by their own ids") {
  IngestFixture f;
  Device bergen = enroll_device(*f.t.db, "BERGEN", "bergen-1");
  const auto t0 = now_ms();
  auto push_texts = [&](const Device& d, const json& records) {
    std::vector<std::string> texts;
    for (const auto& r : records) texts.push_back(r.dump());
    protocol::PushRequest request;
    request.batch_id = new_uuid_v7();
    request.record_texts.assign(texts.begin(), texts.end());
    return f.ingest.push(d, std::move(request));
  };

  const auto bergens = new_uuid_v7();
  auto first = push_texts(bergen, json::array({record_json(bergens, "case", "BERGEN", version_at(t0, bergen.id), {{"n", 1}})}));
  REQUIRE(first.has_value());
  const json reply = json::parse(first->body);
  REQUIRE(reply["results"].size() == 1);
  CHECK(reply["results"][0]["id"] == bergens);
  CHECK(reply["results"][0]["status"] == "applied");
  CHECK(f.stored(bergens).payload["n"] == 1);

  auto foreign = push_texts(f.oslo, json::array({
      record_json(new_uuid_v7(), "case", "OSLO", version_at(t0, f.oslo.id), {{"n", 1}}),
      record_json(new_uuid_v7(), "case", "BERGEN", version_at(t0, f.oslo.id), {{"n", 2}}),
  }));
  REQUIRE_FALSE(foreign.has_value());
  CHECK(foreign.error().code == "forbidden");

  auto takeover = push_texts(f.oslo, json::array({
      record_json(new_uuid_v7(), "case", "OSLO", version_at(t0, f.oslo.id), {{"n", 1}}),
      record_json(bergens, "case", "OSLO", version_at(t0 + 5, f.oslo.id), {{"n", 9}}),
  }));
  REQUIRE_FALSE(takeover.has_value());
  CHECK(takeover.error().code == "forbidden");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 1);
  CHECK(f.stored(bergens).payload["n"] == 1);
}

TEST_CASE("malformed push bodies are refused as invalid requests") {
  IngestFixture f;
  for (const json& body : {json::array(), json{{"batch_id", "x"}, {"records", json::array()}},
                           json{{"batch_id", new_uuid_v7()}}, json{{"batch_id", new_uuid_v7()}, {"records", 3}},
                           json{{"batch_id", new_uuid_v7()}, {"records", json::array()}, {"extra", 1}}}) {
    CAPTURE(body.dump());
    auto r = f.ingest.push(f.oslo, body);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "invalid_request");
  }
  json many = json::array();
  for (std::size_t i = 0; i <= protocol::kMaxBatchRecords; ++i) many.push_back(json::object());
  auto r = f.ingest.push(f.oslo, batch_json(new_uuid_v7(), many));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == "too_large");
}

TEST_CASE("a counsellor account from a kiosk is accepted in the documented shape") {
  IngestFixture f;
  auto reply = f.push_ok(f.oslo, batch_json(new_uuid_v7(), json::array({record_json(
      new_uuid_v7(), "counsellor", "OSLO", version_at(now_ms(), f.oslo.id),
      {{"name", "First Admin"}, {"role", "admin"}, {"pin_hash", "$argon2id$v=19$m=65536,t=2,p=1$abc$def"}, {"active", true}})})));
  CHECK(reply["results"][0]["status"] == "applied");
}

TEST_CASE("cursor_from is the last change the pushing device's feed holds before the batch") {
  IngestFixture f;
  Device bergen = enroll_device(*f.t.db, "BERGEN", "bergen-1");
  auto one = [&](const Device& d, const std::string& centre) {
    return batch_json(new_uuid_v7(), json::array({record_json(new_uuid_v7(), "case", centre,
                                                                version_at(now_ms(), d.id), {{"case_number", "A-1"}})}));
  };
  auto a = f.push_ok(f.oslo, one(f.oslo, "OSLO"));
  CHECK(a["cursor_from"] == "0");
  CHECK(a["cursor"] == "1");
  // Oslo's change is not in Bergen's feed, so for Bergen nothing came before its own batch.
  auto b = f.push_ok(bergen, one(bergen, "BERGEN"));
  CHECK(b["cursor_from"] == "0");
  CHECK(b["cursor"] == "2");
  auto c = f.push_ok(f.oslo, one(f.oslo, "OSLO"));
  CHECK(c["cursor_from"] == "1");
  CHECK(c["cursor"] == "3");
}

TEST_CASE("every push gives its turn to be checked back, refused or written") {
  TestDb t;
  FakeValidator validator;
  HlcClock clock;
  Ingest ingest(*t.db, validator, clock, 0);  // no helpers: one batch is checked at a time
  REQUIRE(ingest.check_turns().at_once() == 1);
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  const auto v = version_at(now_ms(), oslo.id);
  auto one_case = [&](const char* centre) {
    return json::array({record_json(new_uuid_v7(), "case", centre, v, {{"n", 1}})});
  };

  const auto batch = new_uuid_v7();
  REQUIRE(ingest.push(oslo, batch_json(batch, one_case("OSLO"))).has_value());
  CHECK(ingest.check_turns().held() == 0);

  auto conflicting = ingest.push(oslo, batch_json(batch, one_case("OSLO")));  // refused by the writer
  REQUIRE_FALSE(conflicting.has_value());
  CHECK(conflicting.error().code == "batch_conflict");
  CHECK(ingest.check_turns().held() == 0);

  auto foreign = ingest.push(oslo, batch_json(new_uuid_v7(), one_case("BERGEN")));  // refused by the checks
  REQUIRE_FALSE(foreign.has_value());
  CHECK(foreign.error().code == "forbidden");
  CHECK(ingest.check_turns().held() == 0);

  protocol::PushRequest malformed;
  malformed.batch_id = new_uuid_v7();
  malformed.record_texts.push_back("{\"id\": ");
  auto unreadable = ingest.push(oslo, std::move(malformed));
  REQUIRE_FALSE(unreadable.has_value());
  CHECK(unreadable.error().code == "invalid_json");
  CHECK(ingest.check_turns().held() == 0);

  // A caller that took the turn before opening the body hands it in; the push takes no other
  // (with one turn, a second would never come).
  auto turn = ingest.check_turn();
  CHECK(ingest.check_turns().held() == 1);
  auto request = protocol::parse_push_request(batch_json(new_uuid_v7(), one_case("OSLO")));
  REQUIRE(request.has_value());
  REQUIRE(ingest.push(oslo, std::move(*request), std::move(turn)).has_value());
  CHECK(ingest.check_turns().held() == 0);
  CHECK(db_count(*t.db, "SELECT COUNT(*) FROM records") == 2);
}

TEST_CASE("a push waits for its turn to be checked while another batch holds it") {
  TestDb t;
  FakeValidator validator;
  HlcClock clock;
  Ingest ingest(*t.db, validator, clock, 0);
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  const auto v = version_at(now_ms(), oslo.id);

  auto other_batch = ingest.check_turn();
  Result<PushReply> reply = fail("internal", "not pushed");
  std::thread kiosk([&] {
    reply = ingest.push(oslo, batch_json(new_uuid_v7(), json::array({record_json(new_uuid_v7(), "case", "OSLO", v,
                                                                                 {{"n", 1}})})));
  });
  REQUIRE(eventually([&] { return ingest.check_turns().waiting() == 1; }));
  CHECK(db_count(*t.db, "SELECT COUNT(*) FROM records") == 0);
  other_batch.release();
  kiosk.join();
  REQUIRE(reply.has_value());
  CHECK(db_count(*t.db, "SELECT COUNT(*) FROM records") == 1);
  CHECK(ingest.check_turns().held() == 0);
}
