// Server authority in ingest: what a device may write, each refusal through the real Ingest.
#include <doctest/doctest.h>

#include "sync-server/core/authority.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/records.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

class NoForms : public PayloadValidator {
 public:
  std::vector<FieldProblem> validate(const std::string&, int, const json&) const override { return {}; }
};

const char* kHash = "$argon2id$v=19$m=262144,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";

json account(const std::string& name, const std::string& role, bool active = true) {
  return {{"name", name}, {"role", role}, {"pin_hash", kHash}, {"active", active}};
}

struct Authority {
  TestDb t;
  NoForms validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device oslo2 = enroll_device(*t.db, "OSLO", "oslo-2");

  // The one record's result in a batch of its own.
  json push_one(const Device& d, const json& record) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), json::array({record})));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    return json::parse(r->body)["results"][0];
  }
  std::int64_t count(const std::string& sql) { return db_count(*t.db, sql); }
  Envelope stored(const std::string& id) { return stored_record(*t.db, id); }
  void pulled(const Device& d) { mark_pulled(*t.db, d); }
  std::int64_t refused_for(const std::string& id) {
    return count("SELECT COUNT(*) FROM refused WHERE record_id = '" + id + "'");
  }
};

void check_refused(const json& result, const std::string& words) {
  CHECK(result["status"] == "rejected");
  CHECK_MESSAGE(result["error"].get<std::string>().find(words) != std::string::npos, result["error"]);
}

}  // namespace

TEST_CASE("a version naming the server or another device is refused, and lands in refused") {
  Authority f;
  const auto t0 = now_ms();
  const auto as_server = new_uuid_v7();
  check_refused(f.push_one(f.oslo, record_json(as_server, "case", "OSLO", version_at(t0, kServerDevice), {{"n", 1}})),
                "names the server, not this device");
  const auto as_other = new_uuid_v7();
  check_refused(f.push_one(f.oslo, record_json(as_other, "case", "OSLO", version_at(t0, f.oslo2.id), {{"n", 1}})),
                "names device '" + f.oslo2.id + "'");
  // One field's version is enough to refuse the record.
  const auto one_field = new_uuid_v7();
  auto mixed = record_json(one_field, "case", "OSLO", version_at(t0, f.oslo.id), {{"n", 1}, {"m", 2}});
  mixed["field_versions"]["m"] = version_at(t0, kServerDevice).to_string();
  check_refused(f.push_one(f.oslo, mixed), "field 'field_versions.m'");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 0);
  for (const auto& id : {as_server, as_other, one_field}) CHECK(f.refused_for(id) == 1);
}

TEST_CASE("a device relays versions the server holds: an edit keeps another device's untouched fields") {
  Authority f;
  const auto t0 = now_ms();
  const auto id = new_uuid_v7();
  const auto v1 = version_at(t0, f.oslo2.id);
  CHECK(f.push_one(f.oslo2, record_json(id, "case", "OSLO", v1, {{"status", "open"}, {"phone", "1"}}))["status"] ==
        "applied");
  f.pulled(f.oslo);
  auto edit = record_json(id, "case", "OSLO", version_at(t0 + 5, f.oslo.id), {{"status", "decided"}, {"phone", "1"}});
  edit["field_versions"]["phone"] = v1.to_string();
  CHECK(f.push_one(f.oslo, edit)["status"] == "applied");
  CHECK(f.stored(id).payload["status"] == "decided");
  // The replaced version is kept in the history, written in the same transaction.
  CHECK(f.count("SELECT COUNT(*) FROM record_history WHERE record_id = '" + id + "'") == 1);
}

TEST_CASE("the server's history, not the client's base_version, decides whether a conflict is logged") {
  Authority f;
  const auto t0 = now_ms();
  const auto id = new_uuid_v7();
  const auto v1 = version_at(t0, f.oslo.id);
  f.push_one(f.oslo, record_json(id, "case", "OSLO", v1, {{"status", "open"}}));
  f.pulled(f.oslo2);
  const auto v2 = version_at(t0 + 10, f.oslo2.id);
  f.push_one(f.oslo2, record_json(id, "case", "OSLO", v2, {{"status", "decided"}}, v1));
  // oslo-1 edited its copy of v1 without seeing v2, but claims v2 as its base to hide that.
  auto lying = record_json(id, "case", "OSLO", version_at(t0 + 20, f.oslo.id), {{"status", "closed"}}, v2);
  CHECK(f.push_one(f.oslo, lying)["status"] == "merged");
  CHECK(f.count("SELECT COUNT(*) FROM conflicts WHERE record_id = '" + id + "' AND field = 'status'") == 1);

  // A writer that had pulled the newest version and claims nothing causes no conflict.
  const auto v3 = f.stored(id).version;
  f.pulled(f.oslo2);
  const auto seen = record_json(id, "case", "OSLO", version_at(t0 + 30, f.oslo2.id), {{"status", "open"}});
  CHECK(f.push_one(f.oslo2, seen)["status"] == "applied");
  CHECK(f.count("SELECT COUNT(*) FROM conflicts WHERE record_id = '" + id + "'") == 1);
  CHECK(f.stored(id).version > v3);
}

TEST_CASE("a device makes only its centre's first account, never a second one") {
  Authority f;
  const auto t0 = now_ms();
  const auto first = new_uuid_v7();
  CHECK(f.push_one(f.oslo, record_json(first, "counsellor", "OSLO", version_at(t0, f.oslo.id),
                                       account("First Admin", "admin")))["status"] == "applied");
  const auto second = new_uuid_v7();
  check_refused(f.push_one(f.oslo2, record_json(second, "counsellor", "OSLO", version_at(t0, f.oslo2.id),
                                                account("Second Admin", "admin"))),
                "HQ adds further accounts");
  CHECK(f.refused_for(second) == 1);
  CHECK(f.count("SELECT COUNT(*) FROM records WHERE kind = 'counsellor'") == 1);
  // Another centre's first setup is its own.
  Device bergen = enroll_device(*f.t.db, "BERGEN", "bergen-1");
  CHECK(f.push_one(bergen, record_json(new_uuid_v7(), "counsellor", "BERGEN", version_at(t0, bergen.id),
                                       account("Bergen Admin", "admin")))["status"] == "applied");
  // Resending the account unchanged (a lost reply) is no refusal.
  CHECK(f.push_one(f.oslo, record_json(first, "counsellor", "OSLO", version_at(t0, f.oslo.id),
                                       account("First Admin", "admin")))["status"] == "duplicate");
}

TEST_CASE("a device can neither take over, re-activate nor delete an existing account") {
  Authority f;
  auto hq = add_counsellor(*f.t.db, "OSLO", "Disabled Counsellor", "counsellor", "483920");
  REQUIRE(hq.has_value());
  REQUIRE(disable_counsellor(*f.t.db, hq->id).has_value());
  const Envelope before = f.stored(hq->id);
  const auto later = version_at(now_ms() + 1000, f.oslo.id);

  // The take-over of the issue: the account's id, a fresh stamp of the device's own, its own PIN.
  check_refused(f.push_one(f.oslo, record_json(hq->id, "counsellor", "OSLO", later, account("Disabled Counsellor", "admin"))),
                "accounts are changed only by HQ");
  auto tombstone = record_json(hq->id, "counsellor", "OSLO", later, account("Disabled Counsellor", "counsellor", false));
  tombstone["deleted"] = true;
  check_refused(f.push_one(f.oslo, tombstone), "may not delete a 'counsellor' record");
  const auto fresh = new_uuid_v7();
  auto new_tombstone = record_json(fresh, "counsellor", "OSLO", later, account("Ghost", "admin"));
  new_tombstone["deleted"] = true;
  check_refused(f.push_one(f.oslo, new_tombstone), "may not delete a 'counsellor' record");

  const Envelope after = f.stored(hq->id);
  CHECK(after.version == before.version);
  CHECK(after.payload == before.payload);
  CHECK_FALSE(after.deleted);
  CHECK(f.refused_for(hq->id) == 2);
}

TEST_CASE("a refused record never half-applies its batch: the others apply, it stores nothing") {
  Authority f;
  const auto t0 = now_ms();
  const auto good = new_uuid_v7(), bad = new_uuid_v7();
  auto r = f.ingest.push(f.oslo, batch_json(new_uuid_v7(), json::array({
      record_json(good, "case", "OSLO", version_at(t0, f.oslo.id), {{"n", 1}}),
      record_json(bad, "counsellor", "OSLO", version_at(t0, kServerDevice), account("Forged", "admin")),
  })));
  REQUIRE(r.has_value());
  auto results = json::parse(r->body)["results"];
  CHECK(results[0]["status"] == "applied");
  CHECK(results[1]["status"] == "rejected");
  CHECK(f.count("SELECT COUNT(*) FROM records") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM centre_setup") == 0);  // the refused account made no setup
  CHECK(f.refused_for(bad) == 1);
}

TEST_CASE("tombstones: a device deletes its centre's case records, not accounts") {
  Authority f;
  const auto t0 = now_ms();
  const auto id = new_uuid_v7();
  f.push_one(f.oslo, record_json(id, "intake", "OSLO", version_at(t0, f.oslo.id), {{"name", "x"}}));
  f.pulled(f.oslo2);
  auto del = record_json(id, "intake", "OSLO", version_at(t0 + 5, f.oslo2.id), {{"name", "x"}});
  del["deleted"] = true;
  CHECK(f.push_one(f.oslo2, del)["status"] == "applied");
  CHECK(f.stored(id).deleted);
  const auto account_id = new_uuid_v7();
  CHECK(f.push_one(f.oslo, record_json(account_id, "counsellor", "OSLO", version_at(t0, f.oslo.id),
                                       account("First Admin", "admin")))["status"] == "applied");
  auto gone = record_json(account_id, "counsellor", "OSLO", version_at(t0 + 5, f.oslo.id), account("First Admin", "admin"));
  gone["deleted"] = true;
  check_refused(f.push_one(f.oslo, gone), "may not delete a 'counsellor' record");
  // HQ's records are refused whole, tombstones included.
  auto form = record_json(new_uuid_v7(), "form", "OSLO", version_at(t0, f.oslo.id), {{"id", "intake"}});
  form["deleted"] = true;
  check_refused(f.push_one(f.oslo, form), "published by HQ");
}
