#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "ws/ids.hpp"

TEST_CASE("uuid v7 has the canonical form, version and variant") {
  const auto id = ws::new_uuid_v7();
  CHECK(ws::is_uuid(id));
  CHECK(id[14] == '7');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);
}

TEST_CASE("uuid v7 carries its timestamp and sorts by time") {
  const auto early = ws::new_uuid_v7_at(1'700'000'000'000);
  const auto late = ws::new_uuid_v7_at(1'700'000'000'001);
  CHECK(ws::uuid_v7_time_ms(early).value_or(0) >= 1'700'000'000'000);
  CHECK(early < late);
}

TEST_CASE("uuid v7 made in one millisecond still sort in creation order") {
  std::vector<std::string> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(ws::new_uuid_v7_at(1'800'000'000'000));
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
}

TEST_CASE("uuid v7 are unique across threads") {
  constexpr int kThreads = 8, kPerThread = 20000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) made[t].push_back(ws::new_uuid_v7());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (auto& v : made) {
    CHECK(std::is_sorted(v.begin(), v.end()));  // per thread: monotonic
    all.insert(v.begin(), v.end());
  }
  CHECK(all.size() == static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_CASE("is_uuid refuses near misses") {
  CHECK_FALSE(ws::is_uuid(""));
  CHECK_FALSE(ws::is_uuid("0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7"));     // short
  CHECK_FALSE(ws::is_uuid("0190A0B2-7C3D-7E4F-8A1B-2C3D4E5F6A7B"));    // upper case
  CHECK_FALSE(ws::is_uuid("0190a0b2x7c3d-7e4f-8a1b-2c3d4e5f6a7b"));
  CHECK_FALSE(ws::is_uuid("'; DROP TABLE records; --------------"));
  CHECK(ws::is_uuid("0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b"));
  CHECK_FALSE(ws::uuid_v7_time_ms("0190a0b2-7c3d-4e4f-8a1b-2c3d4e5f6a7b").has_value());  // v4
}

// The rule as it was written before session 18's table: pins that the table changes nothing.
static bool uuid_by_places(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

TEST_CASE("is_uuid: every byte value at every place judged as the place-by-place rule") {
  const std::string good = "0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
  REQUIRE(ws::is_uuid(good));
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string s = good;
      s[at] = static_cast<char>(byte);
      CAPTURE(at);
      CAPTURE(byte);
      CHECK(ws::is_uuid(s) == uuid_by_places(s));
    }
  }
  for (const std::string& s : {std::string(), good + "0", good.substr(1), std::string(36, '-'), std::string(36, '0')}) {
    CHECK(ws::is_uuid(s) == uuid_by_places(s));
  }
}
