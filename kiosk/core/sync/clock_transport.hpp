#pragma once
// Measures the kiosk's clock offset from every reply that carries the server's time, whatever
// the reply says (a refusal tells the time as well as a success), before the round reads it.
// send() may run on another thread (pipelined pushes), so it only corrects the clock in memory;
// the owner calls save() on the store's thread when the exchange is over.
#include <mutex>
#include <optional>
#include <utility>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/transport.hpp"

namespace ws::kiosk {

class ClockObservingTransport final : public Transport {
 public:
  ClockObservingTransport(Transport& inner, Store& store) : inner_(inner), store_(store) {}

  Result<HttpReply> send(HttpRequest request) override {
    const std::int64_t sent = HlcClock::system_wall_ms();
    auto reply = inner_.send(std::move(request));
    const std::int64_t received = HlcClock::system_wall_ms();
    if (reply && reply->server_time_ms) {
      const std::int64_t offset = store_.use_server_time(*reply->server_time_ms, sent, received);
      std::lock_guard lock(mutex_);
      latest_ = offset;
    }
    return reply;
  }
  void cancel() override { inner_.cancel(); }
  bool concurrent() const override { return inner_.concurrent(); }

  // Persists the latest offset; a store that cannot write (read-only folder) keeps the old one.
  void save() {
    std::optional<std::int64_t> latest;
    {
      std::lock_guard lock(mutex_);
      latest = latest_;
    }
    if (latest) (void)store_.save_clock_offset(*latest);
  }

 private:
  Transport& inner_;
  Store& store_;
  std::mutex mutex_;
  std::optional<std::int64_t> latest_;
};

}  // namespace ws::kiosk
