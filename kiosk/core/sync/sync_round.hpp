#pragma once
// One synchronous conversation with the server: enrol, probe, push the outbox, pull changes.
// The engine runs rounds on its thread; `kiosk sync` runs one on the main thread.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "ws/protocol.hpp"

namespace ws::kiosk {

struct RoundOptions {
  BatchLimits batch;        // records and raw bytes per push
  // Records per pull page the kiosk asks for, at most what the server announces
  // (protocol::kPullLimitHeader), and protocol::kMaxPullLimit before it has announced any.
  // 1,000: in the quiet run, pages of 5,000 cost the kiosk ~20% more CPU and wall time than
  // pages of 1,000 (docs/performance.md, "Quiet run (session 10)").
  int pull_limit = 1000;
  int max_pull_pages = 100000;
  // Push batches sent before the oldest one's verdict is in, each on its own connection when the
  // transport allows (docs/protocol.md "Batches in flight"). Three: the server then has a batch
  // to check while the kiosk acknowledges (push -6% against two in session 14's quiet run,
  // docs/performance.md).
  std::size_t push_depth = 3;
};

// Where a push's wall time went on the round's thread (benchmarks print it; docs/performance.md).
struct PushTimings {
  double freeze_s = 0;  // making batches: store transactions, their fsync included
  double wait_s = 0;    // waiting for the server's replies
  double ack_s = 0;     // applying verdicts and freezing the batch after the next (one transaction each)
};

struct RoundReport {
  std::size_t batches = 0;
  std::size_t accepted = 0;    // acknowledged as applied, merged or duplicate
  std::size_t rejected = 0;    // quarantined in this round
  std::size_t pulled_changes = 0;
  PushTimings push_time;
};

// (records acknowledged so far, records the round set out to send)
using ProgressFn = std::function<void(std::int64_t sent, std::int64_t total)>;

Result<protocol::EnrollResponse> enroll_device(Transport& transport, const std::string& code,
                                               const std::string& device_name);

class SyncRound {
 public:
  SyncRound(Store& store, Transport& transport, RoundOptions options = {});

  // GET /healthz: is the server there at all?
  Status probe();
  // Push every outbox record (in batches), then pull until the feed says no more.
  Result<RoundReport> run(const ProgressFn& progress = {});
  Result<RoundReport> push(const ProgressFn& progress = {});
  Result<std::size_t> pull();
  // Compares the server's epoch with the one this kiosk synced with. On a change (a restore):
  // resets the pull cursor, asks the server (POST /v1/have, in chunks) which of this centre's
  // records it lacks and puts those back in the outbox; only then remembers the new epoch, so
  // a crash at any point repeats the (idempotent) work. The first contact just remembers it.
  Status reconcile_epoch();

  // After a failure: how long the server asked us to wait (429 Retry-After), if it did.
  std::optional<int> retry_after_seconds() const { return retry_after_; }

 private:
  // A pull page as it came (status, headers) and, for a 200, its body parsed.
  struct FetchedPage {
    HttpReply reply;
    Result<protocol::PullResponse> page;
  };
  Result<FetchedPage> fetch_page(const HttpRequest& req);
  Result<DeviceIdentity> enrolled_identity();
  Unexpected http_failure(const HttpReply& reply, const std::string& action);
  // A push reply other than 200: the batch is dissolved (and split, or its one record
  // quarantined, when its content is refused), or the round fails.
  // Applies a push reply to its batch: acknowledged (and the batch behind `ahead` frozen in the
  // same transaction), or settled by settle_refused and the next batch frozen. Returns that
  // next batch, if any.
  // `verdicts`: a 200's body, read on the sender's thread.
  Result<std::optional<OutboxBatch>> settle(const HttpReply& reply, const Result<protocol::PushResponse>& verdicts,
                                            const OutboxBatch& b, const InFlight& ahead,
                                            BatchLimits& limits, int& conflicts_in_a_row, RoundReport& report,
                                            std::int64_t total, const ProgressFn& progress);
  Status settle_refused(const HttpReply& reply, const OutboxBatch& b, BatchLimits& limits, int& conflicts_in_a_row,
                        RoundReport& report, std::int64_t total, const ProgressFn& progress);
  Result<RoundReport> resend_requeued(RoundReport report, std::int64_t waiting_before_pull, const ProgressFn& progress);
  Status offer_back(const DeviceIdentity& id);
  // The sync report for HQ (ws/kiosk_state.hpp), read from the store on this thread; empty
  // when the store cannot say (the request goes without it). `pending`, when the caller has just
  // counted it, is not counted again: the count reads every entry of the outbox's record index
  // (~1,150 instructions a queued record).
  std::string kiosk_state(std::optional<std::int64_t> pending = std::nullopt);

  Store& store_;
  Transport& transport_;
  RoundOptions options_;
  std::optional<int> retry_after_;
};

}  // namespace ws::kiosk
