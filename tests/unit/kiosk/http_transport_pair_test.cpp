// The HTTP transport with two requests at once (a push keeps two batches in flight): each on a
// connection of its own, and cancel() aborts both.
#include <doctest/doctest.h>

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "kiosk/core/sync/transport.hpp"

using namespace ws::kiosk;

namespace {

// A loopback server whose pushes wait, each on its own worker, until released (or 30 s).
struct HoldingServer {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable changed;
  int waiting = 0;
  bool released = false;
  HoldingServer() {
    server.new_task_queue = [] { return new httplib::ThreadPool(4); };
    server.Post("/v1/push", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mutex);
      ++waiting;
      changed.notify_all();
      changed.wait_for(lock, std::chrono::seconds(30), [this] { return released; });
      --waiting;
      res.set_content("{}", "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  bool wait_for_waiting(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(20), [&] { return waiting == n; });
  }
  void release() {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  ~HoldingServer() {
    release();
    server.stop();
    thread.join();
  }
};

HttpRequest push() {
  HttpRequest req;
  req.method = HttpRequest::Method::Post;
  req.path = "/v1/push";
  req.body = "{}";
  return req;
}

}  // namespace

TEST_CASE("the HTTP transport carries two requests at once and reuses their connections") {
  HoldingServer srv;
  auto transport = make_http_transport("http://127.0.0.1:" + std::to_string(srv.port));
  REQUIRE(transport);
  Transport& t = **transport;
  CHECK(t.concurrent());
  auto first = std::async(std::launch::async, [&] { return t.send(push()); });
  auto second = std::async(std::launch::async, [&] { return t.send(push()); });
  CHECK(srv.wait_for_waiting(2));  // both reached the server before either was answered
  srv.release();
  auto a = first.get();
  auto b = second.get();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->status == 200);
  CHECK(b->status == 200);
  auto again = t.send(push());
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("cancel() aborts both requests in flight") {
  HoldingServer srv;
  auto transport = make_http_transport("http://127.0.0.1:" + std::to_string(srv.port));
  REQUIRE(transport);
  Transport& t = **transport;
  auto first = std::async(std::launch::async, [&] { return t.send(push()); });
  auto second = std::async(std::launch::async, [&] { return t.send(push()); });
  REQUIRE(srv.wait_for_waiting(2));
  t.cancel();
  // Both fail while the server still holds them (it would answer only when released).
  auto a = first.get();
  auto b = second.get();
  CHECK_FALSE(a);
  CHECK_FALSE(b);
  if (!a) CHECK(a.error().code == "network");
  if (!b) CHECK(b.error().code == "network");
}
