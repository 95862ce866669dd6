#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ws/kiosk_state.hpp"

using namespace ws::protocol;

namespace {
const std::string kHash(64, 'a');
}

TEST_CASE("the kiosk state header round-trips") {
  KioskState s{3, 1, "0.6.0", AuditAnchor{42, kHash}};
  const auto text = format_kiosk_state(s);
  CHECK(text == "outbox=3; quarantined=1; app=0.6.0; audit=42:" + kHash);
  auto parsed = parse_kiosk_state(text);
  REQUIRE(parsed.has_value());
  CHECK(parsed->outbox == 3);
  CHECK(parsed->quarantined == 1);
  CHECK(parsed->app == "0.6.0");
  REQUIRE(parsed->audit.has_value());
  CHECK(parsed->audit->seq == 42);
  CHECK(parsed->audit->hash == kHash);
  CHECK_FALSE(parse_kiosk_state("outbox=0;quarantined=0;app=1").value().audit.has_value());
  // Keys a later kiosk may add are skipped.
  CHECK(parse_kiosk_state("outbox=0; quarantined=0; app=1; battery=80").has_value());
}

TEST_CASE("a malformed kiosk state header is refused whole") {
  for (const std::string& bad : std::vector<std::string>{"", "outbox=3", "outbox=3; quarantined=1", "outbox=-1; quarantined=0; app=1",
                                "outbox=3; outbox=4; quarantined=0; app=1", "outbox=x; quarantined=0; app=1",
                                "outbox=3; quarantined=0; app=1 2", "outbox=3; quarantined=0; app=",
                                "outbox=3; quarantined=0; app=1; audit=5", "outbox=3; quarantined=0; app=1; audit=5:XYZ",
                                "outbox=3; quarantined=0; app=1; audit=-1:" + kHash, "outbox=3; ; quarantined=0; app=1",
                                "outbox=99999999999999999999; quarantined=0; app=1", "outbox=3; quarantined=0; app=<b>"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_kiosk_state(bad).has_value());
  }
  CHECK_FALSE(parse_audit_anchor("12:" + std::string(64, 'A')).has_value());  // lower-case hex only
  CHECK(parse_audit_anchor("12:" + kHash)->seq == 12);
}
