#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ws/hlc.hpp"

namespace {
struct FakeWall {
  std::int64_t ms = 1'000'000;
  ws::HlcClock::WallClock fn() {
    return [this] { return ms; };
  }
};
}  // namespace

TEST_CASE("hlc follows the wall clock when it moves forward") {
  FakeWall wall;
  ws::HlcClock clock(wall.fn());
  const auto a = clock.now();
  wall.ms += 5;
  const auto b = clock.now();
  CHECK(a.wall_ms == 1'000'000);
  CHECK(b.wall_ms == 1'000'005);
  CHECK(b.logical == 0);
  CHECK(a < b);
}

TEST_CASE("hlc stays monotonic when the wall clock stalls or jumps back") {
  FakeWall wall;
  ws::HlcClock clock(wall.fn());
  ws::Hlc prev = clock.now();
  for (int i = 0; i < 100; ++i) {
    wall.ms += (i % 3 == 0) ? -1000 : 0;  // NTP step back, then stalls
    const auto next = clock.now();
    CHECK(prev < next);
    prev = next;
  }
  CHECK(prev.wall_ms == 1'000'000);  // never followed the clock backwards
}

TEST_CASE("hlc merges a remote stamp from a clock that runs ahead") {
  FakeWall wall;
  ws::HlcClock clock(wall.fn());
  clock.now();
  const ws::Hlc remote{wall.ms + 60'000, 7};
  auto merged = clock.observe(remote);
  REQUIRE(merged);
  CHECK(*merged > remote);
  CHECK(clock.now() > remote);  // local events after seeing the remote one order after it
}

TEST_CASE("hlc from a slow clock still orders after what it has seen") {
  FakeWall slow;
  slow.ms = 500'000;  // eight minutes behind
  ws::HlcClock clock(slow.fn());
  const ws::Hlc seen{1'000'000, 3};
  REQUIRE(clock.observe(seen));
  const auto local = clock.now();
  CHECK(local > seen);
}

TEST_CASE("hlc refuses a remote stamp more than a day ahead") {
  FakeWall wall;
  ws::HlcClock clock(wall.fn());
  auto r = clock.observe(ws::Hlc{wall.ms + ws::HlcClock::kMaxForwardDriftMs + 1, 0});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "clock_skew");
  CHECK(clock.now().wall_ms == wall.ms);
}

TEST_CASE("hlc restore never lets a restarted clock repeat a stamp") {
  FakeWall wall;
  ws::HlcClock clock(wall.fn());
  clock.restore(ws::Hlc{wall.ms + 10, 4});
  CHECK(clock.now() > ws::Hlc{wall.ms + 10, 4});
}

TEST_CASE("hlc and version strings round trip and sort like the values") {
  const ws::Hlc a{0x18c1a2b3c4dLL, 1}, b{0x18c1a2b3c4dLL, 0x10};
  CHECK(a.to_string() < b.to_string());
  auto parsed = ws::Hlc::parse(b.to_string());
  REQUIRE(parsed);
  CHECK(*parsed == b);
  const ws::Version v{a, "kiosk-01"};
  auto pv = ws::Version::parse(v.to_string());
  REQUIRE(pv);
  CHECK(*pv == v);
  CHECK_FALSE(ws::Hlc::parse("nonsense"));
  CHECK_FALSE(ws::Version::parse(a.to_string() + "@"));
  CHECK_FALSE(ws::Version::parse(a.to_string() + "@bad device"));
}

TEST_CASE("versions with equal clocks are ordered by device id") {
  const ws::Hlc h{100, 0};
  CHECK(ws::Version{h, "a"} < ws::Version{h, "b"});
}

// The version's text is the stored `version` column and part of every replay digest: its bytes
// must stay the printf form whatever builds them (session 18 writes it in one allocation).
TEST_CASE("version text is the printf form, and parse accepts exactly that spelling back") {
  std::mt19937_64 random(18);
  const std::vector<std::string> devices = {"k", "kiosk-01", "A_b-9", std::string(64, 'z'), "device-with-a-longer-name-0123456789"};
  for (int n = 0; n < 2000; ++n) {
    std::int64_t wall = static_cast<std::int64_t>(random() >> (n % 3 == 0 ? 8 : 20));  // some above 13 hex digits
    if (n % 7 == 0) wall = 0;
    const auto logical = static_cast<std::uint32_t>(n % 5 == 0 ? random() : random() % 300);
    const ws::Hlc hlc{wall, logical};
    char expected[48];
    std::snprintf(expected, sizeof expected, "%013llx-%08x", static_cast<unsigned long long>(wall), static_cast<unsigned>(logical));
    CHECK(hlc.to_string() == expected);
    const std::string& device = devices[static_cast<std::size_t>(n) % devices.size()];
    const ws::Version version{hlc, device};
    const std::string text = version.to_string();
    CHECK(text == std::string(expected) + "@" + device);
    if (static_cast<unsigned long long>(wall) >> 52) continue;  // not a clock parse accepts
    auto parsed = ws::Version::parse(text);
    REQUIRE(parsed);
    CHECK(*parsed == version);
    CHECK(parsed->to_string() == text);
  }
}

// Version::parse reads the clock in place (session 18): the same refusals and the same message
// as Hlc::parse gives for the clock part alone.
TEST_CASE("a version's clock part is refused exactly as Hlc::parse refuses it") {
  const std::string good = "018c1a2b3c4d5-0000000a";
  const std::vector<std::string> clocks = {good, "018c1a2b3c4d5-000000a", "018c1a2b3c4d5-0000000a0",
                                           "018C1A2B3C4D5-0000000A", "018c1a2b3c4d5_0000000a", "018c1a2b3c4d50000000a0",
                                           "", "-", "018c1a2b3c4d5-0000000g", "g18c1a2b3c4d5-0000000a",
                                           std::string(22, '0'), "0000000000000-00000000"};
  for (const std::string& clock : clocks) {
    CAPTURE(clock);
    const auto alone = ws::Hlc::parse(clock);
    const auto version = ws::Version::parse(clock + "@kiosk-01");
    REQUIRE(alone.has_value() == version.has_value());
    if (alone) {
      CHECK(version->hlc == *alone);
      CHECK(version->device == "kiosk-01");
      CHECK(version->to_string() == clock + "@kiosk-01");
    } else {
      CHECK(version.error().code == "invalid_version");
      CHECK(version.error().message == alone.error().message);
    }
  }
  CHECK_FALSE(ws::Version::parse(good));
  CHECK_FALSE(ws::Version::parse(good + "@"));
  CHECK_FALSE(ws::Version::parse(good + "@" + std::string(65, 'a')));
  CHECK(ws::Version::parse(good + "@" + std::string(64, 'a')));
  CHECK_FALSE(ws::Version::parse(good + "@kiosk@01"));
}
