#pragma once
// Countdowns on screen show whole seconds (rounded up); the window needs a frame exactly when
// the number changes, and none in between.
#include <cstdint>

namespace ws::kiosk::vm {

// When a countdown ending at `end_ms` next shows a different whole number of seconds (or
// `now_ms` when it has ended).
inline std::int64_t next_whole_second(std::int64_t now_ms, std::int64_t end_ms) {
  const std::int64_t left = end_ms - now_ms;
  if (left <= 0) return now_ms;
  const std::int64_t into_second = left % 1000;
  return now_ms + (into_second == 0 ? 1000 : into_second);
}

}  // namespace ws::kiosk::vm
