#include "ws/ids.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace ws {
namespace {

std::int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// RFC 9562 method 1: rand_a is a counter seeded randomly each millisecond, so ids made in
// the same millisecond still sort in creation order. If the counter overflows or the wall
// clock steps back, we borrow from the next millisecond instead of going backwards.
struct Generator {
  std::mutex mutex;
  std::int64_t last_ms = 0;
  std::uint16_t counter = 0;
};

Generator& generator() {
  static Generator g;
  return g;
}

std::string format(std::int64_t ms, std::uint16_t rand_a, const std::array<std::uint8_t, 8>& rand_b) {
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | ((rand_a >> 8) & 0x0F));
  b[7] = static_cast<std::uint8_t>(rand_a & 0xFF);
  for (int i = 0; i < 8; ++i) b[8 + i] = rand_b[i];
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

bool ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

std::string new_uuid_v7_at(std::int64_t unix_ms) {
  ensure_sodium();
  std::array<std::uint8_t, 8> rand_b{};
  randombytes_buf(rand_b.data(), rand_b.size());
  std::uint16_t rand_a;
  {
    auto& g = generator();
    std::lock_guard lock(g.mutex);
    if (unix_ms > g.last_ms) {
      g.last_ms = unix_ms;
      g.counter = static_cast<std::uint16_t>(randombytes_uniform(0x400));  // leave headroom
    } else if (g.counter >= 0xFFF) {
      ++g.last_ms;
      g.counter = 0;
    } else {
      ++g.counter;
    }
    unix_ms = g.last_ms;
    rand_a = g.counter;
  }
  return format(unix_ms, rand_a, rand_b);
}

std::string new_uuid_v7() { return new_uuid_v7_at(now_unix_ms()); }

bool is_uuid(const std::string& s) {
  // Every pushed record's id is checked: a table lookup a byte and the dashes apart, not a
  // range test and a place test a byte (docs/performance.md, session 18).
  static constexpr auto kLowerHex = [] {
    std::array<bool, 256> hex{};
    for (char c = '0'; c <= '9'; ++c) hex[static_cast<unsigned char>(c)] = true;
    for (char c = 'a'; c <= 'f'; ++c) hex[static_cast<unsigned char>(c)] = true;
    return hex;
  }();
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  static constexpr std::size_t kHexRuns[][2] = {{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}};
  bool hex = true;
  for (const auto& [from, to] : kHexRuns) {
    for (std::size_t i = from; i < to; ++i) hex &= kLowerHex[static_cast<unsigned char>(s[i])];
  }
  return hex;
}

std::optional<std::int64_t> uuid_v7_time_ms(const std::string& s) {
  if (!is_uuid(s) || s[14] != '7') return std::nullopt;
  std::int64_t ms = 0;
  for (char c : s.substr(0, 8) + s.substr(9, 4)) {
    ms = (ms << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return ms;
}

}  // namespace ws
