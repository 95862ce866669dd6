#include "sync-server/http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace ws::server {
namespace {

// Beyond this many keys, buckets that have refilled completely are dropped: a full bucket is
// the same as no bucket, so forgetting it changes no decision and bounds memory.
constexpr std::size_t kMaxTrackedKeys = 10000;

}  // namespace

RateLimiter::RateLimiter(double rate_per_second, double burst, Clock clock)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), clock_(std::move(clock)) {}

RateLimiter::Decision RateLimiter::take(const std::string& key) { return decide(key, true); }

RateLimiter::Decision RateLimiter::peek(const std::string& key) { return decide(key, false); }

RateLimiter::Decision RateLimiter::decide(const std::string& key, bool consume) {
  if (rate_ <= 0) return {};
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(key);
  if (found == buckets_.end() && !consume) return {};  // no bucket is a full bucket
  if (buckets_.size() > kMaxTrackedKeys) forget_idle(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    if (consume) b.tokens -= 1.0;
    return {};
  }
  const double wait = (1.0 - b.tokens) / rate_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

void RateLimiter::forget_idle(std::chrono::steady_clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed * rate_ >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace ws::server
