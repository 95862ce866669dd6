#pragma once
// The route table of protocol v1 and the middleware every route goes through: one error
// wrapper (every failure, exception included, becomes {"error":{code,message}}), protocol
// version check, bearer-token auth (unknown tokens rate-limited per address), per-device rate
// limit, and one log line per request.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/kiosk_report.hpp"
#include "sync-server/core/payload_validator.hpp"
#include "sync-server/core/reuse_pool.hpp"
#include "sync-server/http/metrics.hpp"
#include "sync-server/http/rate_limiter.hpp"
#include "ws/hlc.hpp"
#include "ws/protocol.hpp"
#include "ws/sealing.hpp"

namespace ws::server {

struct ApiOptions {
  double device_rate_per_second = 20;  // pushes and pulls per device
  double device_burst = 100;
  double enroll_rate_per_second = 1;  // enrolment attempts per remote address
  double enroll_burst = 10;
  // Unknown bearer tokens per remote address; once spent, the address's requests get 429
  // before any token is looked at.
  double failed_token_rate_per_second = 0.1;
  double failed_token_burst = 20;
  std::size_t max_body_bytes = protocol::kMaxBodyBytes;  // after decompression
  bool log_requests = true;
  // Refused vault grants (a wrong PIN, an account that cannot have one), counted per device and
  // per account: 5, then one per minute; once spent, 429 before the PIN is looked at.
  double grant_failure_rate_per_second = 1.0 / 60;
  double grant_failure_burst = 5;
};

// Push bodies kept for reuse (reuse_pool.hpp): those of a group being written and of the next
// group, with a few being read. Kept only up to 4 KB a record of a full batch (a full protocol 1
// envelope is ~2.3 KB): a larger body, rare, goes back to the heap.
inline constexpr std::size_t kKeptPushBodies = 2 * kPushGroupMax + 4;
inline constexpr std::size_t kMaxKeptPushBodyBytes = protocol::kMaxBatchRecords * 4096;

// The HTTP status for an error code from the core or the middleware.
int http_status_for(const Error& e);
// Sets the reply to the JSON error object with its status (the one shape of every error).
void send_error(httplib::Response& res, const Error& e);

class Api {
 public:
  Api(Database& db, PayloadValidator& validator, HlcClock& clock, ApiOptions options);
  void install(httplib::Server& server);
  Metrics& metrics() { return metrics_; }
  // Routes installed beside this table (the HQ console's): the methods a path takes there, so
  // a known path asked with another method answers 405 too.
  void also_route(std::function<std::string(const std::string& path)> allowed) { other_allowed_ = std::move(allowed); }

 private:
  // The one route table: httplib routes by it, and a known path asked with another method
  // answers 405 with `Allow` from it.
  struct RouteEntry {
    std::string method;
    std::string path;
  };
  template <typename Handler>
  void add_route(httplib::Server& server, const char* method, const char* path, Handler handler);
  std::string allowed_methods(const std::string& path) const;

  Result<Device> authorise(const httplib::Request& req, httplib::Response& res);
  void enroll(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void push(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  // The push body as JSON text, into `body`: read as is, or opened first when the kiosk sealed
  // it. Once the body is read, waits for the batch's turn to be checked and leaves it in `turn`.
  Status push_body_text(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                        const Device& device, CheckTurns::Turn& turn, std::string& body);
  void pull(const httplib::Request& req, httplib::Response& res);
  void have(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  // POST /v1/vault/escrow and /v1/vault/grant (vault_routes.cpp).
  void escrow_vault_key(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void grant_vault_key(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  // A small JSON body for a device-authenticated route, or the error already sent.
  Result<std::pair<Device, nlohmann::json>> device_json_body(const httplib::Request& req, httplib::Response& res,
                                                             const httplib::ContentReader& reader, std::size_t cap);
  void health(httplib::Response& res);
  std::string fleet_gauges();
  void log_request(const httplib::Request& req, const httplib::Response& res);

  Database& db_;
  ApiOptions options_;
  DeviceRegistry devices_;
  Ingest ingest_;
  Metrics metrics_;
  RateLimiter device_limiter_;
  RateLimiter enroll_limiter_;
  RateLimiter failed_token_limiter_;
  RateLimiter grant_failures_by_device_;
  RateLimiter grant_failures_by_account_;
  std::vector<RouteEntry> routes_;
  std::function<std::string(const std::string&)> other_allowed_;
  KioskReports kiosk_reports_{db_};  // each kiosk's X-Waystation-Kiosk-State, for HQ
  // Loaded (made on the first start) by install(); null when that failed: sealed pushes are
  // then refused and replies name no key, while plain pushes keep working.
  std::shared_ptr<const seal::KeyPair> seal_keys_;
  // Push bodies' memory, kept for the next push.
  ReusePool<std::string> push_bodies_{kKeptPushBodies, kMaxKeptPushBodyBytes};
};

}  // namespace ws::server
