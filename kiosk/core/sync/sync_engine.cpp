#include "kiosk/core/sync/sync_engine.hpp"

#include <algorithm>

#include "kiosk/core/sync/clock_transport.hpp"
#include "kiosk/core/sync/identity_transport.hpp"

namespace ws::kiosk {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t unix_ms_after(std::chrono::milliseconds d) { return HlcClock::system_wall_ms() + d.count(); }

}  // namespace

SyncEngine::SyncEngine(SyncEngineOptions options) : options_(std::move(options)), status_(options_.initial_status) {}

SyncEngine::~SyncEngine() { stop(); }

void SyncEngine::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_requested_ = false;
  sync_requested_ = true;  // first round right away
  thread_ = std::thread([this] { run(); });
}

void SyncEngine::stop() {
  std::thread t;
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
    if (transport_) transport_->cancel();
    t = std::move(thread_);
  }
  wake_.notify_all();
  if (t.joinable()) t.join();
}

void SyncEngine::sync_now() {
  {
    std::lock_guard lock(mutex_);
    sync_requested_ = true;
  }
  wake_.notify_all();
}

SyncStatus SyncEngine::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::uint64_t SyncEngine::rounds_finished() const {
  std::lock_guard lock(mutex_);
  return rounds_;
}

std::chrono::milliseconds SyncEngine::backoff_delay(int failures, std::optional<int> retry_after_s) {
  using std::chrono::milliseconds;
  const auto cap = options_.backoff_max.count();
  std::int64_t d = options_.backoff_initial.count();
  for (int i = 1; i < failures && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  // Jitter spreads a centre's kiosks apart after a shared outage (no thundering herd).
  std::uniform_int_distribution<std::int64_t> jitter(d / 2, std::max<std::int64_t>(d, 1));
  std::int64_t wait = jitter(rng_);
  if (retry_after_s) wait = std::max<std::int64_t>(wait, static_cast<std::int64_t>(*retry_after_s) * 1000);
  return milliseconds(wait);
}

void SyncEngine::refresh_counts(Store& store) {
  auto persisted = store.persisted_status();
  if (!persisted) return;
  std::lock_guard lock(mutex_);
  status_.enrolled = persisted->enrolled;
  status_.pending = persisted->pending;
  status_.quarantined = persisted->quarantined;
  status_.clock_offset_ms = persisted->clock_offset_ms;
  if (persisted->last_success_ms && (!status_.last_success_ms || *persisted->last_success_ms > *status_.last_success_ms)) {
    status_.last_success_ms = persisted->last_success_ms;
  }
}

void SyncEngine::set_failure(const Error& e, bool offline) {
  std::lock_guard lock(mutex_);
  status_.last_error = e.message;
  if (offline) status_.online = false;
  status_.syncing = false;
}

void SyncEngine::run() {
  std::unique_ptr<Store> store;
  std::string transport_url;
  int failures = 0;
  auto next = Clock::now();

  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next, [&] { return stop_requested_ || sync_requested_; });
      if (stop_requested_) break;
      if (!sync_requested_ && Clock::now() < next) continue;
      sync_requested_ = false;
    }

    std::optional<int> retry_after;
    bool offline = false;
    std::int64_t sent = 0, received = 0;
    auto outcome = [&]() -> Status {
      if (!store) {
        auto opened = Store::open(options_.data_dir, options_.store);
        if (!opened) return fail(explain_storage_error(opened.error(), "cannot open the kiosk data"));
        store = std::move(*opened);
      }
      refresh_counts(*store);
      auto id = store->identity();
      if (!id) return fail(id.error());
      if (!id->enrolled()) return fail("not_enrolled", "this kiosk is not enrolled with a server yet");
      // A new enrolment (another server, another pinned certificate) needs a new connection.
      const std::string transport_key = id->server_url + " " + id->server_pin + (id->insecure_http ? " insecure" : "");
      if (!transport_ || transport_url != transport_key) {
        auto t = options_.make_transport ? options_.make_transport(id->server_url)
                                         : make_http_transport(id->server_url, with_identity(*id));
        if (!t) return fail(t.error());
        std::lock_guard lock(mutex_);
        if (stop_requested_) return fail("stopped", "sync stopped");
        transport_ = std::shared_ptr<Transport>(std::move(*t));
        transport_url = transport_key;
      }
      std::shared_ptr<Transport> transport;
      {
        std::lock_guard lock(mutex_);
        transport = transport_;
        status_.syncing = true;
        status_.progress_sent = 0;
        status_.progress_total = 0;
      }
      ClockObservingTransport clocked(*transport, *store);
      SyncRound round(*store, clocked, options_.round);
      bool was_online;
      {
        std::lock_guard lock(mutex_);
        was_online = status_.online;
      }
      if (!was_online) {
        // Offline: a cheap health probe first, so a dead network costs one small request.
        if (auto s = round.probe(); !s) {
          offline = s.error().code == "network";
          retry_after = round.retry_after_seconds();
          return s;
        }
        std::lock_guard lock(mutex_);
        status_.online = true;
      }
      auto report = round.run([this](std::int64_t sent, std::int64_t total) {
        std::lock_guard lock(mutex_);
        status_.progress_sent = sent;
        status_.progress_total = total;
      });
      clocked.save();
      if (report) {
        sent = static_cast<std::int64_t>(report->accepted);
        received = static_cast<std::int64_t>(report->pulled_changes);
      }
      if (!report) {
        offline = report.error().code == "network";
        retry_after = round.retry_after_seconds();
        return fail(report.error());
      }
      if (report->pulled_changes > 0 && options_.after_pull) options_.after_pull(*store);
      const auto now = HlcClock::system_wall_ms();
      (void)store->record_sync_success(now);
      std::lock_guard lock(mutex_);
      status_.online = true;
      status_.last_success_ms = now;
      status_.last_error.clear();
      return ok();
    }();

    if (store) refresh_counts(*store);
    std::chrono::milliseconds delay = options_.interval;
    if (outcome) {
      failures = 0;
      std::lock_guard lock(mutex_);
      status_.syncing = false;
      // Saves made during the round go out at once rather than on the next tick.
      if (status_.pending > 0) delay = std::chrono::milliseconds(0);
    } else if (outcome.error().code == "stopped") {
      break;
    } else {
      ++failures;
      if (outcome.error().code == "not_enrolled") {
        failures = 0;
      } else if (outcome.error().code == "unauthorized" || outcome.error().code == "protocol_version") {
        delay = options_.backoff_max;  // needs a person: do not hammer the server
      } else {
        delay = backoff_delay(failures, retry_after);
      }
      set_failure(outcome.error(), offline);
      if (store) (void)store->record_sync_error(outcome.error().message);
    }
    next = Clock::now() + delay;
    {
      std::lock_guard lock(mutex_);
      status_.next_attempt_ms = unix_ms_after(delay);
      ++rounds_;
      status_.rounds_finished = rounds_;
      status_.last_round_ok = outcome.has_value();
      status_.last_round_sent = sent;
      status_.last_round_received = received;
      status_.last_round_ms = HlcClock::system_wall_ms();
    }
    if (options_.on_round_finished) options_.on_round_finished();
  }
  std::lock_guard lock(mutex_);
  status_.syncing = false;
  transport_.reset();
}

}  // namespace ws::kiosk
