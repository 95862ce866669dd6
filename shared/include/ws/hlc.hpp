#pragma once
// Hybrid logical clock (Kulkarni et al. 2014): timestamps that follow wall time when clocks are
// sane, never go backwards when they are not, and order causally related events across devices.
#include <compare>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "ws/result.hpp"

namespace ws {

struct Hlc {
  std::int64_t wall_ms = 0;
  std::uint32_t logical = 0;

  auto operator<=>(const Hlc&) const = default;

  // Fixed-width hex "wwwwwwwwwwwww-llllllll" so that string order equals clock order.
  std::string to_string() const;
  static Result<Hlc> parse(const std::string& text);
};

// A write's version: the HLC of the write plus the device that made it, which breaks ties so
// that every replica picks the same winner.
struct Version {
  Hlc hlc;
  std::string device;

  auto operator<=>(const Version&) const = default;

  std::string to_string() const;  // "<hlc>@<device>"
  static Result<Version> parse(const std::string& text);
};

class HlcClock {
 public:
  using WallClock = std::function<std::int64_t()>;
  // A remote stamp further ahead of our wall clock than this is refused: one kiosk with a
  // clock set years ahead must not drag every replica's clock with it.
  static constexpr std::int64_t kMaxForwardDriftMs = 24LL * 3600 * 1000;

  explicit HlcClock(WallClock wall = system_wall_ms);

  // Stamp for a local event.
  Hlc now();
  // Merge a stamp seen on a remote record; returns the clock's new value.
  Result<Hlc> observe(const Hlc& remote);
  // Resume from a persisted stamp after a restart so the clock never repeats itself.
  void restore(const Hlc& last);
  // Moves the clock back to `last`. Only for a clock that ran ahead and issued stamps nobody
  // else ever accepted (see the kiosk's Store::recover_future_stamps); otherwise use restore().
  void rewind(const Hlc& last);
  Hlc last() const;
  // Corrects the wall clock by `offset_ms` (server time minus local time) for every later stamp
  // and drift check, so a device whose clock is wrong still stamps close to real time.
  void set_offset_ms(std::int64_t offset_ms);
  std::int64_t offset_ms() const;

  static std::int64_t system_wall_ms();

 private:
  WallClock wall_;
  mutable std::mutex mutex_;
  Hlc last_;
  std::int64_t offset_ms_ = 0;
};

}  // namespace ws
