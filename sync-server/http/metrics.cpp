#include "sync-server/http/metrics.hpp"

#include <cstdio>

#include "sync-server/core/ingest.hpp"
#include "ws/protocol.hpp"
#include "ws/vault_grant.hpp"

namespace ws::server {
namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string route_label(const std::string& path) {
  namespace p = protocol;
  for (const char* r : {p::kRouteEnroll, p::kRoutePush, p::kRoutePull, p::kRouteHave, p::kRouteHealth, p::kRouteMetrics,
                        vault_grant::kRouteEscrow, vault_grant::kRouteGrant}) {
    if (path == r) return r;
  }
  // The HQ console: its API and its page, each one label (ids in paths stay out).
  if (path.rfind("/api/hq/", 0) == 0) return "hq";
  if (path == "/hq" || path.rfind("/hq/", 0) == 0) return "hq-page";
  return "other";
}

void Metrics::observe_request(const std::string& method, const std::string& route, int status, double seconds) {
  // Methods are echoed into labels only from a fixed set, for the same reason as routes.
  const std::string m = (method == "GET" || method == "POST" || method == "HEAD") ? method : "other";
  std::lock_guard lock(mutex_);
  ++requests_[{m, route, status}];
  auto& h = latency_[route];
  for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
    if (seconds <= kBucketsSeconds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::observe_push(bool replay, const PushCounts& counts) {
  std::lock_guard lock(mutex_);
  ++(replay ? batches_replayed_ : batches_new_);
  records_["applied"] += static_cast<std::uint64_t>(counts.applied);
  records_["duplicate"] += static_cast<std::uint64_t>(counts.duplicate);
  records_["merged"] += static_cast<std::uint64_t>(counts.merged);
  records_["rejected"] += static_cast<std::uint64_t>(counts.rejected);
  rejected_ += static_cast<std::uint64_t>(counts.rejected);
  conflicts_ += static_cast<std::uint64_t>(counts.conflicts);
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP waystation_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE waystation_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "waystation_http_requests_total{method=\"" + method + "\",route=\"" + route + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP waystation_http_request_duration_seconds Time from request headers to response, by route.\n";
  out += "# TYPE waystation_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
      out += "waystation_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" +
             number(kBucketsSeconds[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "waystation_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "waystation_http_request_duration_seconds_sum{route=\"" + route + "\"} " + number(h.sum) + "\n";
    out += "waystation_http_request_duration_seconds_count{route=\"" + route + "\"} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP waystation_push_batches_total Push batches, new or answered from the stored reply.\n";
  out += "# TYPE waystation_push_batches_total counter\n";
  out += "waystation_push_batches_total{outcome=\"new\"} " + std::to_string(batches_new_) + "\n";
  out += "waystation_push_batches_total{outcome=\"replay\"} " + std::to_string(batches_replayed_) + "\n";
  out += "# HELP waystation_push_records_total Pushed records by result status.\n";
  out += "# TYPE waystation_push_records_total counter\n";
  for (const char* s : {"applied", "duplicate", "merged", "rejected"}) {
    auto it = records_.find(s);
    out += std::string("waystation_push_records_total{status=\"") + s + "\"} " +
           std::to_string(it == records_.end() ? 0 : it->second) + "\n";
  }
  out += "# HELP waystation_push_records_rejected_total Pushed records rejected with a reason.\n";
  out += "# TYPE waystation_push_records_rejected_total counter\n";
  out += "waystation_push_records_rejected_total " + std::to_string(rejected_) + "\n";
  out += "# HELP waystation_merge_conflicts_total Field values that lost a concurrent edit (kept in the log).\n";
  out += "# TYPE waystation_merge_conflicts_total counter\n";
  out += "waystation_merge_conflicts_total " + std::to_string(conflicts_) + "\n";
  return out;
}

}  // namespace ws::server
