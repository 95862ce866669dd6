#include "ws/hlc.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace ws {
namespace {

bool parse_hex(const std::string& s, std::size_t from, std::size_t len, std::uint64_t& out) {
  if (from + len > s.size()) return false;
  out = 0;
  for (std::size_t i = from; i < from + len; ++i) {
    const char c = s[i];
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    out = (out << 4) | static_cast<std::uint64_t>(d);
  }
  return true;
}

constexpr std::size_t kHlcTextLength = 22;

// Hlc::to_string() appended to `out`.
void append_hlc(const Hlc& hlc, std::string& out) {
  // Formatted by hand: records carry a version per field, so stores and ingest format tens of
  // these per record, and snprintf was a visible part of that.
  const auto wall = static_cast<unsigned long long>(hlc.wall_ms);
  if (wall >> 52) {  // more than 13 hex digits: never a real clock, but printed as it is
    char buf[40];
    std::snprintf(buf, sizeof buf, "%013llx-%08x", wall, static_cast<unsigned>(hlc.logical));
    out += buf;
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + kHlcTextLength, '-');
  char* text = out.data() + at;
  unsigned long long w = wall;
  for (int i = 12; i >= 0; --i, w >>= 4) text[i] = kHex[w & 0xF];
  std::uint32_t l = hlc.logical;
  for (int i = 21; i >= 14; --i, l >>= 4) text[i] = kHex[l & 0xF];
}

// The clock stamp spelled in text[from, from + length): Hlc::parse's rule, read in place, so a
// version's stamp is parsed without a copy of its part (docs/performance.md, session 18).
Result<Hlc> parse_hlc_at(const std::string& text, std::size_t from, std::size_t length) {
  std::uint64_t wall = 0, logical = 0;
  if (length != kHlcTextLength || text[from + 13] != '-' || !parse_hex(text, from, 13, wall) ||
      !parse_hex(text, from + 14, 8, logical)) {
    return fail("invalid_hlc", "a clock stamp must look like 13 hex digits, '-', 8 hex digits");
  }
  return Hlc{static_cast<std::int64_t>(wall), static_cast<std::uint32_t>(logical)};
}

}  // namespace

std::string Hlc::to_string() const {
  std::string out;
  append_hlc(*this, out);
  return out;
}

Result<Hlc> Hlc::parse(const std::string& text) { return parse_hlc_at(text, 0, text.size()); }

std::string Version::to_string() const {
  // One allocation: the server stores this text for every pushed record (docs/performance.md,
  // session 18); concatenating the parts cost three.
  std::string out;
  out.reserve(kHlcTextLength + 1 + device.size());
  append_hlc(hlc, out);
  out += '@';
  out += device;
  return out;
}

Result<Version> Version::parse(const std::string& text) {
  const auto at = text.find('@');
  if (at == std::string::npos) return fail("invalid_version", "a version must be '<clock>@<device>'");
  auto hlc = parse_hlc_at(text, 0, at);
  if (!hlc) return fail("invalid_version", hlc.error().message);
  std::string device = text.substr(at + 1);
  if (device.empty() || device.size() > 64) {
    return fail("invalid_version", "a version's device id must be 1 to 64 characters");
  }
  for (char c : device) {
    const bool okc = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     c == '-' || c == '_';
    if (!okc) return fail("invalid_version", "a version's device id may hold only letters, digits, '-' and '_'");
  }
  return Version{*hlc, std::move(device)};
}

HlcClock::HlcClock(WallClock wall) : wall_(std::move(wall)) {}

std::int64_t HlcClock::system_wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Hlc HlcClock::now() {
  std::lock_guard lock(mutex_);
  const std::int64_t wall = wall_() + offset_ms_;
  if (wall > last_.wall_ms) {
    last_ = Hlc{wall, 0};
  } else {
    ++last_.logical;  // wall clock stalled or stepped back: stay ahead of what we issued
  }
  return last_;
}

Result<Hlc> HlcClock::observe(const Hlc& remote) {
  std::lock_guard lock(mutex_);
  const std::int64_t wall = wall_() + offset_ms_;
  if (remote.wall_ms - wall > kMaxForwardDriftMs) {
    return fail("clock_skew", "a remote clock stamp is more than a day ahead of this device's clock");
  }
  const std::int64_t top = std::max({wall, last_.wall_ms, remote.wall_ms});
  if (top == last_.wall_ms && top == remote.wall_ms) {
    last_ = Hlc{top, std::max(last_.logical, remote.logical) + 1};
  } else if (top == last_.wall_ms) {
    last_ = Hlc{top, last_.logical + 1};
  } else if (top == remote.wall_ms) {
    last_ = Hlc{top, remote.logical + 1};
  } else {
    last_ = Hlc{top, 0};
  }
  return last_;
}

void HlcClock::restore(const Hlc& last) {
  std::lock_guard lock(mutex_);
  if (last > last_) last_ = last;
}

void HlcClock::rewind(const Hlc& last) {
  std::lock_guard lock(mutex_);
  last_ = last;
}

void HlcClock::set_offset_ms(std::int64_t offset_ms) {
  std::lock_guard lock(mutex_);
  offset_ms_ = offset_ms;
}

std::int64_t HlcClock::offset_ms() const {
  std::lock_guard lock(mutex_);
  return offset_ms_;
}

Hlc HlcClock::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

}  // namespace ws
