#pragma once
// The sync engine: a thread of its own that keeps the outbox flowing to the server and the
// server's changes flowing in, with backoff, jitter, Retry-After and a periodic timer.
//
//   SyncEngine engine({.data_dir = dir});
//   engine.start();              // returns at once
//   engine.sync_now();           // e.g. after a save; returns at once
//   SyncStatus s = engine.status();  // a copy, safe from any thread, never blocks on I/O
//   engine.stop();               // cancels a request in flight and joins
//
// The engine opens its own Store on `data_dir` (one connection per thread). Nothing it does
// can lose a record: outbox rows leave only on the server's acknowledgement.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/sync_status.hpp"
#include "kiosk/core/sync/sync_round.hpp"
#include "kiosk/core/sync/transport.hpp"

namespace ws::kiosk {

struct SyncEngineOptions {
  std::string data_dir;
  StoreOptions store;
  RoundOptions round;
  // Tries again on this timer even when nothing new was saved (pulls changes, retries).
  std::chrono::milliseconds interval{std::chrono::seconds(60)};
  // Exponential backoff after failures: initial * 2^(n-1), capped, with jitter in [d/2, d].
  std::chrono::milliseconds backoff_initial{std::chrono::seconds(1)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  // Makes the transport for a server URL (tests); by default make_http_transport with the
  // pin and the --insecure choice stored at enrolment.
  std::function<Result<std::unique_ptr<Transport>>(const std::string& server_url)> make_transport;
  // Runs on the engine thread after a successful round that pulled changes, with the engine's
  // own store connection (e.g. to install a newly published content bundle). Must not block
  // for long: the next round waits for it.
  std::function<void(Store& store)> after_pull;
  // Runs on the engine thread after every round, once status() shows its outcome (e.g. to wake
  // a sleeping UI loop). Must be cheap and thread-safe.
  std::function<void()> on_round_finished;
  // What status() reports until the first round has read the store itself (enrolled, counts,
  // last success), so a screen drawn right after start() does not show a blank state.
  SyncStatus initial_status;
};

class SyncEngine {
 public:
  explicit SyncEngine(SyncEngineOptions options);
  ~SyncEngine();  // stop()
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  void start();
  void stop();
  // Asks for a round as soon as possible (skips a pending backoff wait).
  void sync_now();
  SyncStatus status() const;
  // Number of rounds finished (successful or not); lets tests wait without sleeping blindly.
  std::uint64_t rounds_finished() const;

 private:
  void run();
  std::chrono::milliseconds backoff_delay(int failures, std::optional<int> retry_after_s);
  void refresh_counts(Store& store);
  void set_failure(const Error& e, bool offline);

  SyncEngineOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;
  bool sync_requested_ = false;
  SyncStatus status_;
  std::uint64_t rounds_ = 0;
  std::shared_ptr<Transport> transport_;  // guarded by mutex_ for cancel() from stop()
  std::thread thread_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace ws::kiosk
