#include <doctest/doctest.h>

#include "sync-server/core/ingest.hpp"
#include "sync-server/http/body.hpp"
#include "sync-server/http/metrics.hpp"
#include "sync-server/http/rate_limiter.hpp"
#include "sync-server/http/routes.hpp"
#include "sync-server/http/server.hpp"

using namespace ws;
using namespace ws::server;

TEST_CASE("token buckets refill at their rate and say when to retry") {
  auto now = std::chrono::steady_clock::time_point{};
  RateLimiter limiter(2.0, 3.0, [&] { return now; });
  CHECK(limiter.take("a").allowed);
  CHECK(limiter.take("a").allowed);
  CHECK(limiter.take("a").allowed);
  auto refused = limiter.take("a");
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after_seconds == 1);
  CHECK(limiter.take("b").allowed);  // buckets are per key
  now += std::chrono::milliseconds(500);
  CHECK(limiter.take("a").allowed);
  CHECK_FALSE(limiter.take("a").allowed);
  now += std::chrono::seconds(60);
  for (int i = 0; i < 3; ++i) CHECK(limiter.take("a").allowed);  // never more than the burst
  CHECK_FALSE(limiter.take("a").allowed);

  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i) CHECK(off.take("a").allowed);
}

TEST_CASE("body depth is measured without parsing and deep bodies are refused") {
  CHECK(json_text_depth("{}") == 1);
  CHECK(json_text_depth("[[{\"a\":[1]}]]") == 4);
  CHECK(json_text_depth("{\"s\":\"[[[[[[\"}") == 1);
  CHECK(json_text_depth("{\"s\":\"\\\"[[[\"}") == 1);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = parse_json_body(deep);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == "invalid_json");
  CHECK_FALSE(parse_json_body("{\"a\":").has_value());
  CHECK_FALSE(parse_json_body("{\"a\":\"\xff\xfe\"}").has_value());
  CHECK_FALSE(parse_json_body(std::string("{\"a\":1}\0", 8)).has_value());
  CHECK(parse_json_body("{\"a\":[1,2]}").has_value());
}

TEST_CASE("error codes map to the documented HTTP statuses") {
  CHECK(http_status_for({"invalid_request", ""}) == 400);
  CHECK(http_status_for({"invalid_json", ""}) == 400);
  CHECK(http_status_for({"unauthorized", ""}) == 401);
  CHECK(http_status_for({"revoked", ""}) == 401);
  CHECK(http_status_for({"invalid_code", ""}) == 401);
  CHECK(http_status_for({"forbidden", ""}) == 403);
  CHECK(http_status_for({"batch_conflict", ""}) == 409);
  CHECK(http_status_for({"too_large", ""}) == 413);
  CHECK(http_status_for({"unsupported_media_type", ""}) == 415);
  CHECK(http_status_for({"rate_limited", ""}) == 429);
  CHECK(http_status_for({"busy", ""}) == 503);
  CHECK(http_status_for({"db_error", ""}) == 500);
}

TEST_CASE("metrics render Prometheus text with bounded labels") {
  Metrics m;
  m.observe_request("POST", route_label("/v1/push"), 200, 0.004);
  m.observe_request("GET", route_label("/etc/passwd?x=1"), 404, 0.0001);
  PushCounts counts;
  counts.applied = 3;
  counts.rejected = 1;
  counts.conflicts = 2;
  m.observe_push(false, counts);
  m.observe_push(true, {});
  const auto text = m.render();
  CHECK(text.find("waystation_http_requests_total{method=\"POST\",route=\"/v1/push\",status=\"200\"} 1") != std::string::npos);
  CHECK(text.find("route=\"other\",status=\"404\"") != std::string::npos);
  CHECK(text.find("passwd") == std::string::npos);
  CHECK(text.find("waystation_http_request_duration_seconds_bucket{route=\"/v1/push\",le=\"0.005\"} 1") != std::string::npos);
  CHECK(text.find("waystation_http_request_duration_seconds_bucket{route=\"/v1/push\",le=\"0.0025\"} 0") != std::string::npos);
  CHECK(text.find("waystation_push_batches_total{outcome=\"replay\"} 1") != std::string::npos);
  CHECK(text.find("waystation_push_records_total{status=\"applied\"} 3") != std::string::npos);
  CHECK(text.find("waystation_push_records_rejected_total 1") != std::string::npos);
  CHECK(text.find("waystation_merge_conflicts_total 2") != std::string::npos);
}

TEST_CASE("listen addresses and the loopback rule") {
  CHECK(parse_listen_address("127.0.0.1:8080")->port == 8080);
  CHECK(parse_listen_address("[::1]:0")->host == "::1");
  CHECK(parse_listen_address("localhost:0")->port == 0);
  CHECK_FALSE(parse_listen_address("8080").has_value());
  CHECK_FALSE(parse_listen_address("host:99999").has_value());
  CHECK_FALSE(parse_listen_address("::1:80").has_value());
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.8.0.1"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host("10.0.0.5"));

  ServeOptions o;
  o.db_path = "x.db";
  o.listen = {"0.0.0.0", 8080};
  CHECK_FALSE(check_serve_options(o).has_value());
  o.insecure = true;
  CHECK(check_serve_options(o).has_value());
  o.insecure = false;
  o.tls_cert = "c.pem";
  CHECK_FALSE(check_serve_options(o).has_value());  // a cert needs its key
  o.tls_key = "k.pem";
  CHECK(check_serve_options(o).has_value());
}

TEST_CASE("a push body's reserve is its Content-Length when uncompressed, never above the cap") {
  auto request = [](const char* length, const char* encoding) {
    httplib::Request req;
    if (length) req.set_header("Content-Length", length);
    if (encoding) req.set_header("Content-Encoding", encoding);
    return req;
  };
  CHECK(expected_body_bytes(request("1234", nullptr), 4096) == 1234);
  CHECK(expected_body_bytes(request("1234", "identity"), 4096) == 1234);
  CHECK(expected_body_bytes(request("99999999999", nullptr), 4096) == 4096);  // a hostile length
  CHECK(expected_body_bytes(request("1234", "gzip"), 4096) == 0);             // decoded size unknown
  CHECK(expected_body_bytes(request(nullptr, nullptr), 4096) == 0);
  CHECK(expected_body_bytes(request("12x", nullptr), 4096) == 0);
  CHECK(expected_body_bytes(request("-5", nullptr), 4096) == 0);
  CHECK(expected_body_bytes(request("", nullptr), 4096) == 0);
  CHECK(expected_body_bytes(request("999999999999999999999999", nullptr), 4096) == 0);  // overflows
}
