#pragma once
// The real sync server, in process, for kiosk tests; and a transport that breaks on request.
//
//   TestServer server;                              // real ws::server::Api on 127.0.0.1:<free port>
//   auto dev = server.enroll("OSLO");               // real enrolment: code made in process, traded over HTTP
//   auto store = enrolled_store(dir.path(), dev);   // a kiosk store holding that identity
//   FaultyTransport t(server.url());                // the real HTTP transport, wrapped
//   t.push_fault(Fault::NetworkAfter);              // the next request is applied, its reply lost
//   SyncRound(*store, t).run();
//   server.records();                               // what the server stored, by id
//   server.stop(); server.start();                  // the same port, the same database
//
// Everything the server decides (validation against the shipped forms in WS_SOURCE_ASSETS_DIR,
// centre scoping, idempotent batches, merge, cursors, clock checks) is the product's own code.
// Only the network is faked, by FaultyTransport. One TestServer per test case: it starts in
// milliseconds and keeps its database in its own temporary folder.
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/sync_round.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "sync-server/http/routes.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/envelope.hpp"

namespace httplib {
class Server;
}

namespace ws::kiosk::test {

struct TestServerOptions {
  std::size_t max_body_bytes = protocol::kMaxBodyBytes;  // after decompression, as in production
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string url() const;
  // A code made with the real DeviceRegistry, traded for a token through POST /v1/enroll.
  DeviceIdentity enroll(const std::string& centre, const std::string& device_name = "test kiosk");
  // Stops listening (connections are refused) and starts again on the same port and database.
  void stop();
  void start();
  // Every record the server holds, by id.
  std::map<std::string, Envelope> records();
  server::Database& database() { return *db_; }

 private:
  ws::test::TempDir dir_;
  std::shared_ptr<server::Database> db_;
  std::unique_ptr<server::PayloadValidator> validator_;
  HlcClock clock_;
  std::unique_ptr<server::Api> api_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

// POST /v1/push with `body` as it is (JSON, or sealed: the transport sets the content type),
// through the real HTTP transport: for pushes no store would make.
Result<HttpReply> post_raw_push(const std::string& url, const std::string& token, const std::string& body);

// A kiosk store in `dir` holding the identity of `device`.
std::unique_ptr<Store> enrolled_store(const std::string& dir, const DeviceIdentity& device);

enum class Fault {
  NetworkBefore,  // the request never reaches the server
  NetworkAfter,   // the server applies it, the reply is lost
  Status500,      // a proxy's 500 with an HTML body and no protocol header; nothing reaches the server
  Status429,      // rate limited with Retry-After: 7; nothing reaches the server
  Truncated,      // the server applies it, the reply body is cut in half
};

// make_http_transport(url) with faults injected, one per request, in the order pushed (health
// checks are never faulted). Counts the pushes that reached the server and their batch ids.
class FaultyTransport final : public Transport {
 public:
  explicit FaultyTransport(const std::string& server_url);
  Result<HttpReply> send(HttpRequest request) override;
  void cancel() override { inner_->cancel(); }
  // Off unless asked: faults are taken in the order requests arrive, which two requests in
  // flight would make a race.
  bool concurrent() const override { return concurrent_; }
  void allow_two_in_flight() { concurrent_ = true; }

  void push_fault(Fault f);
  std::size_t push_requests() const;
  std::size_t distinct_batches() const;
  // The kiosk state header (ws/kiosk_state.hpp) of every push that reached the server, in order.
  std::vector<std::string> push_states() const;

 private:
  std::unique_ptr<Transport> inner_;
  mutable std::mutex mutex_;
  std::deque<Fault> faults_;
  std::size_t push_requests_ = 0;
  std::set<std::string> batches_;
  std::vector<std::string> push_states_;
  bool concurrent_ = false;
};

// A kiosk enrolled with the real server through the real enrolment, syncing through a
// FaultyTransport.
struct EnrolledKiosk {
  ws::test::TempDir dir;
  DeviceIdentity identity;
  std::unique_ptr<Store> store;
  FaultyTransport transport;
  EnrolledKiosk(TestServer& server, const std::string& centre)
      : identity(server.enroll(centre)), store(enrolled_store(dir.path(), identity)), transport(server.url()) {}
  Result<RoundReport> sync(RoundOptions o = {}) { return SyncRound(*store, transport, o).run(); }
};

}  // namespace ws::kiosk::test
