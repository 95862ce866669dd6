#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/e2e/server/kiosk_sim.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

struct PlannedBatch {
  std::string batch_id;
  std::string body;
  std::vector<std::string> ids;
};

PlannedBatch plan_batch(const Kiosk& k, int records) {
  PlannedBatch b{new_uuid_v7(), "", {}};
  json list = json::array();
  for (int i = 0; i < records; ++i) {
    b.ids.push_back(new_uuid_v7());
    list.push_back(record(b.ids.back(), "intake", k.centre, Version{Hlc{now_ms(), 0}, k.device_id},
                          {{"notes", std::string(300, 'x')}, {"i", i}}));
  }
  b.body = batch(b.batch_id, list);
  return b;
}

}  // namespace

TEST_CASE("kill -9 in the middle of a stream of pushes, many times: acknowledged records survive and retries end exactly once") {
  TempDir dir;
  const auto db = dir.file("s.db");
  const auto log = dir.file("server.log");
  Kiosk k;
  {
    ServerProcess first(db, log);
    k = enroll(db, first, "OSLO");
  }
  std::vector<PlannedBatch> acknowledged;
  std::optional<PlannedBatch> unacknowledged;
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    CAPTURE(round);
    ServerProcess server(db, log);
    auto c = server.client();
    // The batch that was in flight when the previous server died is retried first, unchanged.
    if (unacknowledged) {
      auto res = push(c, k, unacknowledged->body);
      REQUIRE(res);
      REQUIRE(res->status == 200);
      acknowledged.push_back(*unacknowledged);
      unacknowledged.reset();
    }
    std::atomic<int> acked_this_round{0};
    std::atomic<int> unexpected_status{0};
    std::mutex m;
    std::thread pusher([&] {
      auto client = server.client();
      for (;;) {
        PlannedBatch b = plan_batch(k, 40);
        {
          std::lock_guard lock(m);
          unacknowledged = b;
        }
        auto res = push(client, k, b.body);
        std::lock_guard lock(m);
        if (!res) return;  // the server died under us: this batch stays unacknowledged
        if (res->status != 200) {
          unexpected_status = res->status;
          return;
        }
        acknowledged.push_back(b);
        unacknowledged.reset();
        acked_this_round.fetch_add(1);
      }
    });
    // Let a few batches through (a different number each round), then kill mid-stream.
    const int wanted = 1 + round % 4;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acked_this_round.load() < wanted && unexpected_status.load() == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server.kill9();
    pusher.join();
    REQUIRE(unexpected_status.load() == 0);
    REQUIRE(acked_this_round.load() >= wanted);
  }
  {
    ServerProcess last(db, log);
    auto c = last.client();
    if (unacknowledged) {
      auto res = push(c, k, unacknowledged->body);
      REQUIRE(res);
      REQUIRE(res->status == 200);
      acknowledged.push_back(*unacknowledged);
    }
    // Every acknowledged batch, replayed now, answers from its stored reply: all applied once.
    for (const auto& b : acknowledged) {
      auto res = push(c, k, b.body);
      REQUIRE(res);
      REQUIRE(res->status == 200);
      auto reply = protocol::parse_push_response(json::parse(res->body));
      REQUIRE(reply.has_value());
      REQUIRE(reply->results.size() == b.ids.size());
      for (const auto& r : reply->results) CHECK(r.status == protocol::RecordStatus::Applied);
    }
  }
  std::size_t total = 0;
  for (const auto& b : acknowledged) total += b.ids.size();
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") == static_cast<std::int64_t>(total));
  CHECK(db_count(db, "SELECT COUNT(*) FROM batches") == static_cast<std::int64_t>(acknowledged.size()));
  CHECK(db_count(db, "SELECT COUNT(DISTINCT seq) FROM records") == static_cast<std::int64_t>(total));
  CHECK(acknowledged.size() >= static_cast<std::size_t>(kRounds));
}

TEST_CASE("SIGTERM stops the server cleanly after in-flight pushes finish") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread pusher([&] {
    auto c = server.client();
    while (!stop.load()) {
      auto b = plan_batch(k, 100);
      auto res = push(c, k, b.body);
      if (!res) return;
      if (res->status == 200) acked.fetch_add(1);
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (acked.load() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int code = server.terminate();
  stop = true;
  pusher.join();
  CHECK(code == 0);
  CHECK(acked.load() >= 3);
  // Each batch is whole or absent: never a partial batch.
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") % 100 == 0);
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") >= acked.load() * 100);
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") == db_count(db, "SELECT COUNT(*) FROM batches") * 100);
}

TEST_CASE("a device over its rate limit gets 429 with Retry-After and is served again later") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"), {"--rate-limit", "1", "--rate-burst", "3"});
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 6; ++i) {
    auto res = c.Get("/v1/pull?since=0", k.auth());
    REQUIRE(res);
    if (res->status == 429) {
      ++limited;
      retry_after = res->get_header_value("Retry-After");
      CHECK(json::parse(res->body)["error"]["code"] == "rate_limited");
    } else {
      CHECK(res->status == 200);
    }
  }
  CHECK(limited >= 2);
  CHECK(std::stoi(retry_after) >= 1);
  // Another device has its own bucket.
  Kiosk other = enroll(db, server, "OSLO", "other");
  auto res = c.Get("/v1/pull?since=0", other.auth());
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("serve refuses a non-loopback address without TLS and serves HTTPS with a certificate") {
  TempDir dir;
  const auto db = dir.file("s.db");
  auto refused = run_cli({"serve", "--db", db, "--listen", "0.0.0.0:0"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.json()["error"]["message"].get<std::string>().find("--tls-cert") != std::string::npos);

  const auto cert = dir.file("cert.pem"), key = dir.file("key.pem");
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout '" + key +
                          "' -out '" + cert + "' >/dev/null 2>&1";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl is needed to make a test certificate");
  ServerProcess server(db, dir.file("server.log"), {"--tls-cert", cert, "--tls-key", key});
  httplib::SSLClient c("127.0.0.1", server.port());
  c.enable_server_certificate_verification(false);
  c.set_connection_timeout(5);
  auto res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["status"] == "ok");
}
