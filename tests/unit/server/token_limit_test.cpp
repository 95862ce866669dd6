#include <doctest/doctest.h>

#include "sync-server/http/rate_limiter.hpp"

using namespace ws::server;

TEST_CASE("peek tells whether a key is over its budget without spending a token") {
  auto now = std::chrono::steady_clock::time_point{};
  RateLimiter limiter(0.1, 2.0, [&] { return now; });
  CHECK(limiter.peek("10.0.0.1").allowed);  // an unknown key has its whole burst
  for (int i = 0; i < 5; ++i) CHECK(limiter.peek("10.0.0.1").allowed);  // peeking spends nothing
  CHECK(limiter.take("10.0.0.1").allowed);
  CHECK(limiter.take("10.0.0.1").allowed);
  const auto spent = limiter.peek("10.0.0.1");
  CHECK_FALSE(spent.allowed);
  CHECK(spent.retry_after_seconds == 10);
  CHECK(limiter.peek("10.0.0.2").allowed);
  now += std::chrono::seconds(10);
  CHECK(limiter.peek("10.0.0.1").allowed);
}
