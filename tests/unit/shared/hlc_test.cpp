#include <doctest/doctest.h>

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
