#pragma once
// Per-key token buckets (a key is a device id, or a remote address: enrolment attempts and
// unknown tokens).
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ws::server {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: whole seconds until a token is there
  };

  // rate_per_second <= 0 disables limiting. `burst` is the bucket size (at least 1).
  RateLimiter(double rate_per_second, double burst, Clock clock = std::chrono::steady_clock::now);

  Decision take(const std::string& key);
  // The decision take() would make, without taking a token.
  Decision peek(const std::string& key);

 private:
  Decision decide(const std::string& key, bool consume);
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void forget_idle(std::chrono::steady_clock::time_point now);

  double rate_;
  double burst_;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace ws::server
