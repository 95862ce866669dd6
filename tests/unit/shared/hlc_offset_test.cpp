// The HLC's clock correction: stamps follow wall + offset, and the never-backwards guarantee holds.
#include <doctest/doctest.h>

#include "ws/hlc.hpp"

using ws::Hlc;
using ws::HlcClock;

namespace {
constexpr std::int64_t kDay = 24LL * 3600 * 1000;
}

TEST_CASE("hlc offset: a clock three days behind stamps with the corrected time") {
  std::int64_t wall = 1'000'000'000'000;
  HlcClock clock([&] { return wall; });
  clock.set_offset_ms(3 * kDay);
  CHECK(clock.offset_ms() == 3 * kDay);
  CHECK(clock.now() == Hlc{wall + 3 * kDay, 0});
}

TEST_CASE("hlc offset: a remote stamp days ahead of the local clock is accepted once the offset says so") {
  std::int64_t wall = 1'000'000'000'000;
  HlcClock clock([&] { return wall; });
  const Hlc remote{wall + 3 * kDay, 4};
  CHECK_FALSE(clock.observe(remote));  // uncorrected: looks more than a day ahead
  clock.set_offset_ms(3 * kDay);
  REQUIRE(clock.observe(remote));
  CHECK(clock.now() > remote);  // an edit of the pulled record carries a newer version
}

TEST_CASE("hlc offset: a smaller offset never moves the clock back") {
  std::int64_t wall = 1'000'000'000'000;
  HlcClock clock([&] { return wall; });
  clock.set_offset_ms(kDay / 2);
  const Hlc ahead = clock.now();
  clock.set_offset_ms(0);
  CHECK(clock.now() > ahead);
}
