#pragma once
// The real HTTP transport, keeping every push body it sends, in order: what went over the wire,
// for tests that check a frozen batch is sent again byte for byte.
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/core/sync/transport.hpp"

namespace ws::kiosk::test {

class RecordingTransport final : public Transport {
 public:
  explicit RecordingTransport(const std::string& url) : inner_(make_http_transport(url).value()) {}
  Result<HttpReply> send(HttpRequest request) override {
    if (request.path.rfind("/v1/push", 0) == 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      pushed_.push_back(request.body);
    }
    return inner_->send(request);
  }
  std::vector<std::string> pushed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pushed_;
  }

 private:
  std::unique_ptr<Transport> inner_;
  mutable std::mutex mutex_;
  std::vector<std::string> pushed_;
};

}  // namespace ws::kiosk::test
