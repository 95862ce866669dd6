#pragma once
// What the sync panel draws: a plain copyable snapshot, safe to hand across threads.
#include <cstdint>
#include <optional>
#include <string>

namespace ws::kiosk {

struct SyncStatus {
  bool enrolled = false;
  bool online = false;             // the last contact with the server succeeded
  bool syncing = false;            // a push/pull round is running now
  std::int64_t pending = 0;        // records saved here and not yet acknowledged by the server
  std::int64_t quarantined = 0;    // records the server refused; they wait for a person
  std::optional<std::int64_t> last_success_ms;  // Unix ms of the last complete round
  std::string last_error;          // in words, for a person; empty after a success
  std::int64_t progress_sent = 0;  // records acknowledged in the running round
  std::int64_t progress_total = 0; // records the running round set out to send
  std::optional<std::int64_t> next_attempt_ms;  // when the engine will try again (Unix ms)
  std::optional<std::int64_t> clock_offset_ms;  // server time minus this kiosk's, once measured
  // What the last finished round did, for "Sent 3, received 12, just now" (engine only).
  std::uint64_t rounds_finished = 0;          // counts every round, successful or not
  std::int64_t last_round_sent = 0;           // records the server acknowledged
  std::int64_t last_round_received = 0;       // changes pulled
  std::optional<std::int64_t> last_round_ms;  // Unix ms the last round ended
  bool last_round_ok = false;
};

}  // namespace ws::kiosk
