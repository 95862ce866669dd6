#pragma once
// Counters and a latency histogram for GET /metrics, in the Prometheus text format (0.0.4).
// Labels come from a fixed set of routes, so hostile paths cannot grow the series.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ws::server {

struct PushCounts;

class Metrics {
 public:
  static constexpr std::array<double, 12> kBucketsSeconds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

  // `route` must already be a known route label (see route_label()).
  void observe_request(const std::string& method, const std::string& route, int status, double seconds);
  void observe_push(bool replay, const PushCounts& counts);
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBucketsSeconds.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::uint64_t batches_new_ = 0, batches_replayed_ = 0;
  std::map<std::string, std::uint64_t> records_;
  std::uint64_t rejected_ = 0, conflicts_ = 0;
};

// The route label for a request path: one of the protocol routes, "hq" (the HQ console API),
// "hq-page" (its page) or "other".
std::string route_label(const std::string& path);

}  // namespace ws::server
