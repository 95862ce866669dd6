#pragma once
// Test helpers for the kiosk unit tests: temp folders, enrolled stores, an in-process fake
// server that speaks protocol v1 (with ws::merge) and misbehaves on request.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "tests/support/temp_dir.hpp"

namespace ws::kiosk::test {

using ws::test::TempDir;

// A store in `dir` enrolled as `device` of `centre` against server URL "fake://".
std::unique_ptr<Store> enrolled_store(const std::string& dir, const std::string& device = "dev-a",
                                      const std::string& centre = "OSLO", const std::string& token = "tok-a");

nlohmann::json intake_payload(int n);

enum class Fault {
  NetworkBefore,  // the request never reaches the server
  NetworkAfter,   // the server applies it, the reply is lost
  Status500,      // the server fails before applying
  Status429,      // rate limited, Retry-After: 7
  Truncated,      // the server applies it, the reply body is cut in half
};

// Shared by several FakeTransports (one per kiosk), like one real server.
class FakeServer {
 public:
  void add_device(const std::string& token, const std::string& centre);
  // Records for which this returns a non-empty reason are rejected.
  void set_rejector(std::function<std::string(const Envelope&)> f);
  // Whole batches containing a record matching this are answered with `status` (e.g. 400).
  void set_batch_refuser(std::function<bool(const Envelope&)> f, int status);
  void push_fault(Fault f);
  void set_down(bool down);
  void publish(const Envelope& e);  // a server-authored or other-device change

  Result<HttpReply> handle(const HttpRequest& req);

  std::map<std::string, Envelope> records() const;
  std::size_t batches_seen(const std::string& batch_id) const;
  std::size_t push_requests() const;
  std::size_t distinct_batches() const;

 private:
  HttpReply push(const std::string& centre, const nlohmann::json& body);
  HttpReply pull(const std::string& centre, const std::string& path);
  void apply(const Envelope& e);

  mutable std::mutex mutex_;
  std::map<std::string, std::string> devices_;  // token -> centre
  std::map<std::string, Envelope> records_;
  std::vector<std::pair<std::int64_t, std::string>> feed_;  // seq -> id (latest change per id wins)
  std::map<std::string, std::int64_t> seq_of_;
  std::int64_t seq_ = 0;
  std::map<std::string, std::pair<std::string, std::string>> replies_;  // batch_id -> (body, reply)
  std::map<std::string, std::size_t> batch_counts_;
  std::size_t push_requests_ = 0;
  std::function<std::string(const Envelope&)> rejector_;
  std::function<bool(const Envelope&)> refuser_;
  int refuse_status_ = 400;
  std::deque<Fault> faults_;
  bool down_ = false;
};

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<FakeServer> server) : server_(std::move(server)) {}
  Result<HttpReply> send(const HttpRequest& request) override { return server_->handle(request); }

 private:
  std::shared_ptr<FakeServer> server_;
};

}  // namespace ws::kiosk::test
