#include <doctest/doctest.h>

#include "sync-server/core/devices.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

TEST_CASE("an enrolment code works once, for its centre, and only digests are stored") {
  TestDb t;
  DeviceRegistry devices(*t.db);
  auto code = devices.create_code("OSLO", 60'000);
  REQUIRE(code.has_value());
  auto lower = code->code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto e = devices.enroll(lower, "front desk");
  REQUIRE(e.has_value());
  CHECK(e->device.centre == "OSLO");
  CHECK(is_uuid(e->device.id));
  CHECK(e->token.size() >= 43);  // 256 bits in base64

  auto again = devices.enroll(code->code, "second");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == "invalid_code");

  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare("SELECT token_digest FROM devices");
  REQUIRE(st.has_value());
  REQUIRE(st->step().value());
  CHECK(st->column_text(0) != e->token);
  CHECK(st->column_text(0).size() == 64);

  auto who = devices.authenticate(e->token);
  REQUIRE(who.has_value());
  CHECK(who->id == e->device.id);
  CHECK(devices.authenticate("nope").error().code == "unauthorized");
  CHECK(devices.authenticate("").error().code == "unauthorized");
}

TEST_CASE("an expired or unknown code is refused") {
  TestDb t;
  DeviceRegistry devices(*t.db);
  auto code = devices.create_code("OSLO", 60'000);
  REQUIRE(code.has_value());
  {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    REQUIRE((*lease)->exec("UPDATE enroll_codes SET expires_at_ms = 1").has_value());
  }
  CHECK(devices.enroll(code->code, "k").error().code == "invalid_code");
  CHECK(devices.enroll("AAAA-BBBB-CCCC", "k").error().code == "invalid_code");
  CHECK(devices.enroll("", "k").error().code == "invalid_request");
  CHECK_FALSE(devices.create_code("_all", 1000).has_value());
  CHECK_FALSE(devices.create_code("bad centre", 1000).has_value());
}

TEST_CASE("a revoked device can no longer authenticate and shows as revoked") {
  TestDb t;
  DeviceRegistry devices(*t.db);
  auto code = devices.create_code("OSLO", 60'000);
  REQUIRE(code.has_value());
  auto e = devices.enroll(code->code, "k");
  REQUIRE(e.has_value());
  REQUIRE(devices.revoke(e->device.id).has_value());
  CHECK(devices.authenticate(e->token).error().code == "revoked");
  CHECK(devices.revoke(new_uuid_v7()).error().code == "not_found");
  auto list = devices.list();
  REQUIRE(list.has_value());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0]["revoked"] == true);
  CHECK((*list)[0]["centre"] == "OSLO");
}

TEST_CASE("durations for --ttl") {
  CHECK(parse_duration_ms("90") == 90'000);
  CHECK(parse_duration_ms("90s") == 90'000);
  CHECK(parse_duration_ms("15m") == 900'000);
  CHECK(parse_duration_ms("24h") == 86'400'000);
  CHECK(parse_duration_ms("7d") == 7 * 86'400'000LL);
  CHECK_FALSE(parse_duration_ms("").has_value());
  CHECK_FALSE(parse_duration_ms("h").has_value());
  CHECK_FALSE(parse_duration_ms("0").has_value());
  CHECK_FALSE(parse_duration_ms("-5m").has_value());
  CHECK_FALSE(parse_duration_ms("5w").has_value());
  CHECK(iso8601_utc(0) == "1970-01-01T00:00:00Z");
}
