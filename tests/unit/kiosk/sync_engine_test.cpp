#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "kiosk/core/sync/sync_engine.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"

using namespace ws::kiosk;
using namespace std::chrono_literals;
using ws::kiosk::test::FaultyTransport;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;

namespace {

// Polls `done` until it holds or the (generous) deadline passes; no fixed sleeps.
template <typename F>
bool eventually(F done, std::chrono::milliseconds deadline = 20s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return done();
}

// Every transport the engine makes shares `faults`, so a test can inject into the next request.
SyncEngineOptions options_for(const std::string& dir, std::shared_ptr<FaultyTransport> faults) {
  struct Shared final : Transport {
    std::shared_ptr<FaultyTransport> inner;
    explicit Shared(std::shared_ptr<FaultyTransport> t) : inner(std::move(t)) {}
    ws::Result<HttpReply> send(HttpRequest r) override { return inner->send(r); }
    void cancel() override { inner->cancel(); }
  };
  SyncEngineOptions o;
  o.data_dir = dir;
  o.interval = 50ms;
  o.backoff_initial = 10ms;
  o.backoff_max = 200ms;
  o.make_transport = [faults](const std::string&) -> ws::Result<std::unique_ptr<Transport>> {
    return std::unique_ptr<Transport>(std::make_unique<Shared>(faults));
  };
  return o;
}

}  // namespace

TEST_CASE("the engine sends saves made while it runs and reports it in its status") {
  TempDir dir;
  TestServer srv;
  auto store = test::enrolled_store(dir.path(), srv.enroll("OSLO"));
  auto faults = std::make_shared<FaultyTransport>(srv.url());
  SyncEngine engine(options_for(dir.path(), faults));
  engine.start();
  for (int i = 0; i < 50; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  engine.sync_now();
  REQUIRE(eventually([&] {
    auto st = engine.status();
    return srv.records().size() == 50 && st.pending == 0 && st.last_success_ms.has_value() && !st.syncing;
  }));
  auto s = engine.status();
  CHECK(s.enrolled);
  CHECK(s.online);
  CHECK(s.last_success_ms.has_value());
  CHECK(s.last_error.empty());
  CHECK(s.quarantined == 0);
  engine.stop();
  CHECK_FALSE(engine.status().syncing);
}

TEST_CASE("offline: the engine backs off, says why, and retries on its own timer") {
  TempDir dir;
  TestServer srv;
  auto store = test::enrolled_store(dir.path(), srv.enroll("OSLO"));
  auto faults = std::make_shared<FaultyTransport>(srv.url());
  srv.stop();
  for (int i = 0; i < 5; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  SyncEngine engine(options_for(dir.path(), faults));
  engine.start();
  REQUIRE(eventually([&] { return engine.rounds_finished() >= 3; }));
  auto s = engine.status();
  CHECK_FALSE(s.online);
  CHECK(s.pending == 5);
  CHECK(s.last_error.find("cannot be reached") != std::string::npos);
  CHECK(s.next_attempt_ms.has_value());
  CHECK(store->persisted_status()->last_error.find("cannot be reached") != std::string::npos);
  // The network returns; nobody presses anything; the timer brings the records over.
  srv.start();
  REQUIRE(eventually([&] { return srv.records().size() == 5 && engine.status().online; }));
  REQUIRE(eventually([&] { return engine.status().pending == 0 && engine.status().last_error.empty(); }));
}

TEST_CASE("429 Retry-After pushes the next attempt at least that far out") {
  TempDir dir;
  TestServer srv;
  auto store = test::enrolled_store(dir.path(), srv.enroll("OSLO"));
  auto faults = std::make_shared<FaultyTransport>(srv.url());
  REQUIRE(store->save("intake", test::intake_payload(1)));
  faults->push_fault(test::Fault::Status429);
  SyncEngine engine(options_for(dir.path(), faults));
  const auto before = ws::HlcClock::system_wall_ms();
  engine.start();
  REQUIRE(eventually([&] { return engine.rounds_finished() >= 1; }));
  auto s = engine.status();
  CHECK(s.pending == 1);
  REQUIRE(s.next_attempt_ms.has_value());
  CHECK(*s.next_attempt_ms >= before + 7000);
  CHECK(s.last_error.find("7 s") != std::string::npos);
  engine.stop();
}

TEST_CASE("stop() cancels a request hanging on the network and returns") {
  struct Hanging : Transport {
    std::atomic<bool> cancelled{false};
    std::atomic<bool> entered{false};
    ws::Result<HttpReply> send(HttpRequest) override {
      entered = true;
      while (!cancelled) std::this_thread::sleep_for(1ms);
      return ws::fail("network", "cancelled");
    }
    void cancel() override { cancelled = true; }
  };
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto hanging = std::make_shared<Hanging>();
  SyncEngineOptions o;
  o.data_dir = dir.path();
  o.make_transport = [hanging](const std::string&) -> ws::Result<std::unique_ptr<Transport>> {
    struct Forward : Transport {
      std::shared_ptr<Hanging> h;
      ws::Result<HttpReply> send(HttpRequest r) override { return h->send(r); }
      void cancel() override { h->cancel(); }
    };
    auto f = std::make_unique<Forward>();
    f->h = hanging;
    return std::unique_ptr<Transport>(std::move(f));
  };
  SyncEngine engine(o);
  engine.start();
  REQUIRE(eventually([&] { return hanging->entered.load(); }));
  CHECK(engine.status().syncing);
  engine.stop();  // must not wait for a network timeout
  CHECK(hanging->cancelled);
}

TEST_CASE("an engine on a kiosk that is not enrolled says so and keeps waiting") {
  TempDir dir;
  TestServer srv;
  auto faults = std::make_shared<FaultyTransport>(srv.url());
  { REQUIRE(Store::open(dir.path())); }
  SyncEngine engine(options_for(dir.path(), faults));
  engine.start();
  REQUIRE(eventually([&] { return engine.rounds_finished() >= 1; }));
  CHECK_FALSE(engine.status().enrolled);
  CHECK(engine.status().last_error.find("not enrolled") != std::string::npos);
}
