// The kiosk's clock correction: server time minus local time, measured from every reply that
// carries the server's time, persisted in `meta` so every connection and restart stamps with it.
#include <charconv>

#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {
namespace {
constexpr const char* kOffsetKey = "clock_offset_ms";
}

// The latest measurement replaces the previous one instead of being smoothed: when a technician
// fixes the clock, the next reply must correct stamps at once. Taking the server's time at the
// middle of the round trip bounds the error by half the round trip, far below the one-minute
// threshold of the warning and the server's one-day skew window.
std::int64_t Store::use_server_time(std::int64_t server_ms, std::int64_t sent_local_ms, std::int64_t received_local_ms) {
  const std::int64_t offset = server_ms - (sent_local_ms + (received_local_ms - sent_local_ms) / 2);
  clock_.set_offset_ms(offset);
  clock_measured_ = true;
  return offset;
}

Status Store::save_clock_offset(std::int64_t offset_ms) {
  if (auto s = writable(); !s) return s;
  return set_meta(kOffsetKey, std::to_string(offset_ms));
}

std::optional<std::int64_t> Store::clock_offset_ms() {
  auto text = meta(kOffsetKey);
  if (!text || text->empty()) return std::nullopt;
  std::int64_t offset = 0;
  const char* end = text->data() + text->size();
  if (std::from_chars(text->data(), end, offset).ptr != end) return std::nullopt;
  return offset;
}

void Store::load_clock_offset() {
  if (auto offset = clock_offset_ms()) clock_.set_offset_ms(*offset);
}

Result<Version> Store::stamp_after(const std::string& device, const Hlc& after) {
  clock_.restore(after);  // the clock never goes back, so it now stamps after `after`
  return stamp(device);
}

}  // namespace ws::kiosk
