// The server keeps what it refused (payload, reason, device) for HQ, and marks a refusal
// resolved when the record is later accepted.
#include <doctest/doctest.h>

#include "sync-server/core/ingest.hpp"
#include "sync-server/core/refused.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

struct Fixture {
  TestDb t;
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device bergen = enroll_device(*t.db, "BERGEN", "bergen-1");

  void push(const Device& d, const json& records) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), records));
    REQUIRE(r.has_value());
  }
  std::vector<RefusedRecord> list(RefusedQuery q) {
    auto r = list_refused(*t.db, q);
    REQUIRE(r.has_value());
    return *r;
  }
};

}  // namespace

TEST_CASE("refused: a rejected record is kept with payload, reason, device and centre, and the rest applies") {
  Fixture f;
  const auto bad = new_uuid_v7();
  const auto good = new_uuid_v7();
  f.push(f.oslo, json::array({record_json(bad, "intake", "OSLO", version_at(now_ms(), f.oslo.id), {{"age", 40}}),
                              record_json(good, "intake", "OSLO", version_at(now_ms(), f.oslo.id), {{"name", "A"}})}));
  auto open = f.list({});
  REQUIRE(open.size() == 1);
  CHECK(open[0].record_id == bad);
  CHECK(open[0].kind == "intake");
  CHECK(open[0].centre == "OSLO");
  CHECK(open[0].device_id == f.oslo.id);
  CHECK(open[0].code == "rejected");
  CHECK(open[0].message.find("name") != std::string::npos);
  CHECK(json::parse(open[0].payload) == json{{"age", 40}});
  CHECK_FALSE(open[0].resolved_at_ms.has_value());
  CHECK(to_json(open[0])["payload"]["age"] == 40);
}

TEST_CASE("refused: a record accepted later is resolved, listed only with include_resolved") {
  Fixture f;
  const auto id = new_uuid_v7();
  f.push(f.oslo, json::array({record_json(id, "intake", "OSLO", version_at(now_ms(), f.oslo.id), {{"age", 40}})}));
  REQUIRE(f.list({}).size() == 1);
  f.push(f.oslo, json::array({record_json(id, "intake", "OSLO", version_at(now_ms() + 1, f.oslo.id), {{"name", "B"}})}));
  CHECK(f.list({}).empty());
  auto all = f.list({std::nullopt, true});
  REQUIRE(all.size() == 1);
  CHECK(all[0].resolved_at_ms.has_value());
}

TEST_CASE("refused: listed per centre, and unreadable records are kept too") {
  Fixture f;
  f.push(f.oslo, json::array({record_json(new_uuid_v7(), "intake", "OSLO", version_at(now_ms(), f.oslo.id), json::object())}));
  f.push(f.bergen, json::array({json{{"id", new_uuid_v7()}, {"kind", "intake"}, {"centre", "BERGEN"}}}));
  CHECK(f.list({}).size() == 2);
  auto bergen = f.list({std::string("BERGEN"), false});
  REQUIRE(bergen.size() == 1);
  CHECK(bergen[0].device_id == f.bergen.id);
  CHECK(bergen[0].kind == "intake");
  CHECK(f.list({std::string("OSLO"), false}).size() == 1);
  CHECK(f.list({std::string("NOWHERE"), false}).empty());
}
