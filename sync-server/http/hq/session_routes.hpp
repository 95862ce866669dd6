#pragma once
// Sign-in, sign-out, who am I and password change of the HQ console. Sign-in attempts that fail
// are limited per name and per remote address (429 with Retry-After once spent).
#include <chrono>
#include <semaphore>

#include "sync-server/http/hq/gate.hpp"
#include "sync-server/http/rate_limiter.hpp"

namespace ws::server::hq {

struct SignInLimits {
  // Failed attempts: a bucket of `burst` per name and per address, refilled at `rate` per second.
  double name_rate_per_second = 1.0 / 60;
  double name_burst = 5;
  double address_rate_per_second = 1.0 / 6;
  double address_burst = 20;
  RateLimiter::Clock clock = std::chrono::steady_clock::now;
};

class SessionRoutes {
 public:
  explicit SessionRoutes(SignInLimits limits);
  void install(Routes& routes);

 private:
  void sign_in(Routes& routes, const httplib::Request& req, httplib::Response& res);
  // Failed attempts spend a token of both buckets; refused attempts are not even checked.
  bool limited(const httplib::Request& req, const std::string& name, httplib::Response& res);

  RateLimiter by_name_;
  RateLimiter by_address_;
  // Each password check holds 256 MiB (Argon2id) for about a second: a burst of sign-ins from
  // many addresses waits here instead of taking the server's memory.
  std::counting_semaphore<16> password_checks_{2};
};

// {user:{id,name,role,centres}, csrf_token}: the reply of sign-in and GET /me.
nlohmann::json session_reply(const UserAccount& user, const std::string& csrf_token);

}  // namespace ws::server::hq
