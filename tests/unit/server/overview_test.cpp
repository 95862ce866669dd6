#include <doctest/doctest.h>

#include "sync-server/core/ingest.hpp"
#include "sync-server/core/kiosk_report.hpp"
#include "sync-server/core/overview.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct OverviewFixture {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device bergen = enroll_device(*t.db, "BERGEN", "bergen-1");

  void push(const Device& d, const json& records) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), records));
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  }
  std::string add_case(const Device& d, const std::string& status) {
    const std::string id = new_uuid_v7();
    const auto v = version_at(now_ms(), d.id);
    push(d, json::array({record_json(id, "case", d.centre, v, {{"case_number", "N-1"}, {"name_latin", "X"}, {"status", status}}),
                         record_json(new_uuid_v7(), "intake", d.centre, v, {{"_case_id", id}})}));
    return id;
  }
  KioskQuery query() {
    KioskQuery q;
    q.now_ms = now_ms();
    return q;
  }
};

}  // namespace

TEST_CASE("overview counts cases by status, intakes this week and records today, per centre in scope") {
  OverviewFixture f;
  f.add_case(f.oslo, "open");
  f.add_case(f.oslo, "open");
  f.add_case(f.oslo, "closed");
  f.add_case(f.bergen, "open");

  auto all = overview(*f.t.db, CentreScope::every(), f.query());
  REQUIRE(all.has_value());
  REQUIRE((*all)["centres"].size() == 2);
  const json& oslo = (*all)["centres"][1];
  CHECK(oslo["centre"] == "OSLO");
  CHECK(oslo["cases_by_status"]["open"] == 2);
  CHECK(oslo["cases_by_status"]["closed"] == 1);
  REQUIRE(oslo["intakes_per_week"].size() == kOverviewWeeks);
  CHECK(oslo["intakes_per_week"].back()["count"] == 3);
  REQUIRE(oslo["records_per_day"].size() == kOverviewDays);
  CHECK(oslo["records_per_day"].back()["count"] == 6);
  CHECK(oslo["records_per_day"].back()["day"] == day_text(now_ms() / 86'400'000));
  CHECK((*all)["kiosks"]["total"] == 2);

  auto scoped = overview(*f.t.db, CentreScope::only({"BERGEN"}), f.query());
  REQUIRE(scoped.has_value());
  REQUIRE((*scoped)["centres"].size() == 1);
  CHECK((*scoped)["centres"][0]["centre"] == "BERGEN");
  CHECK((*scoped)["kiosks"]["total"] == 1);

  auto centres = list_centres(*f.t.db, CentreScope::only({"OSLO"}));
  REQUIRE(centres.has_value());
  REQUIRE(centres->size() == 1);
  CHECK((*centres)[0] == json{{"centre", "OSLO"}, {"cases", 3}, {"kiosks", 1}, {"records", 6}});
}

TEST_CASE("kiosks show their last report, last push and a stale flag") {
  OverviewFixture f;
  f.add_case(f.oslo, "open");
  KioskReports reports(*f.t.db);
  const std::string hash(64, 'c');
  reports.note(f.oslo.id, "outbox=4; quarantined=2; app=0.6.0; audit=17:" + hash, now_ms());
  reports.note(f.bergen.id, "outbox=4; garbage", now_ms());  // malformed: ignored

  auto kiosks = list_kiosks(*f.t.db, CentreScope::every(), f.query());
  REQUIRE(kiosks.has_value());
  REQUIRE(kiosks->size() == 2);
  const json& bergen = (*kiosks)[0];
  const json& oslo = (*kiosks)[1];
  CHECK(oslo["outbox_waiting"] == 4);
  CHECK(oslo["quarantined"] == 2);
  CHECK(oslo["app_version"] == "0.6.0");
  CHECK(oslo["audit_anchor"] == "17:" + hash);
  CHECK(oslo["last_push"].is_string());
  CHECK(oslo["stale"] == false);
  CHECK(bergen["outbox_waiting"].is_null());
  CHECK(bergen["last_push"].is_null());

  auto later = f.query();
  later.now_ms += 49LL * 3600 * 1000;
  CHECK((*list_kiosks(*f.t.db, CentreScope::every(), later))[1]["stale"] == true);
  later.centre = "OSLO";
  CHECK(list_kiosks(*f.t.db, CentreScope::only({"BERGEN"}), later)->empty());

  auto anchors = audit_anchors(*f.t.db);
  REQUIRE(anchors.has_value());
  CHECK((*anchors)[1]["anchor"] == "17:" + hash);
}
