// The push's replies are read on the sender's threads (issue 14): whatever a reply holds, the
// round acts on it as it did when it read them itself: a reply it cannot read keeps every record
// for the next round, verdicts for records not sent are ignored, an error keeps its words.
#include <doctest/doctest.h>

#include <functional>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::FaultyTransport;
using ws::kiosk::test::TestServer;

namespace {

using Kiosk = test::EnrolledKiosk;

// The real server's push replies, changed by `rewrite` on their way back; two pushes in flight.
class RewritingTransport final : public Transport {
 public:
  RewritingTransport(FaultyTransport& inner, std::function<void(HttpReply&)> rewrite)
      : inner_(inner), rewrite_(std::move(rewrite)) {
    inner_.allow_two_in_flight();
  }
  ws::Result<HttpReply> send(HttpRequest request) override {
    auto reply = inner_.send(request);
    if (reply && request.path == ws::protocol::kRoutePush) rewrite_(*reply);
    return reply;
  }
  bool concurrent() const override { return true; }

 private:
  FaultyTransport& inner_;
  std::function<void(HttpReply&)> rewrite_;
};

RoundOptions batches_of(std::size_t n) {
  RoundOptions o;
  o.batch.max_records = n;
  return o;
}

// The reply's results, each changed by `change`.
std::function<void(HttpReply&)> each_result(std::function<void(nlohmann::json& results)> change) {
  return [change = std::move(change)](HttpReply& reply) {
    auto j = nlohmann::json::parse(reply.body);
    change(j["results"]);
    reply.body = j.dump();
  };
}

}  // namespace

TEST_CASE("a push reply the kiosk cannot read fails the round and keeps every record for the next") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 30; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  struct Case {
    const char* what;
    std::function<void(HttpReply&)> rewrite;
    const char* message;
  };
  const Case cases[] = {
      {"cut off", [](HttpReply& r) { r.body.resize(r.body.size() / 2); }, "cut off or is not JSON"},
      {"not JSON", [](HttpReply& r) { r.body = "<html>welcome to the hotel wifi</html>"; }, "not JSON"},
      {"an unknown status", each_result([](nlohmann::json& results) { results[0]["status"] = "kept"; }),
       "unknown record status 'kept'"},
      {"no results", [](HttpReply& r) { r.body = R"({"batch_id":"b","cursor":"1"})"; }, "no results array"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    RewritingTransport t(k.transport, c.rewrite);
    auto r = SyncRound(*k.store, t, batches_of(10)).push();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "invalid_response");
    CHECK(r.error().message.find(c.message) != std::string::npos);
    CHECK(k.store->pending_count().value() == 30);
  }
  REQUIRE(k.sync(batches_of(10)));
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv.records().size() == 30);
}

TEST_CASE("a verdict for a record not in the batch is ignored; a reply that names none of it acknowledges nothing") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 30; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  RewritingTransport stranger(k.transport, each_result([](nlohmann::json& results) {
    results.push_back({{"id", ws::new_uuid_v7()}, {"status", "rejected"}, {"error", "not yours"}});
  }));
  auto report = SyncRound(*k.store, stranger, batches_of(10)).push();
  REQUIRE(report);
  CHECK(report->accepted == 30);
  CHECK(report->rejected == 0);
  CHECK(k.store->pending_count().value() == 0);
  CHECK(k.store->quarantined_count().value() == 0);

  for (int i = 30; i < 35; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  RewritingTransport others(k.transport, each_result([](nlohmann::json& results) {
    for (auto& x : results) x["id"] = ws::new_uuid_v7();
  }));
  auto none = SyncRound(*k.store, others, batches_of(10)).push();
  REQUIRE_FALSE(none);
  CHECK(none.error().code == "invalid_response");
  CHECK(k.store->pending_count().value() == 5);
  REQUIRE(k.sync(batches_of(10)));
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv.records().size() == 35);
}

TEST_CASE("an HTTP error on a push keeps the server's words; a reply only the strict parse reads is applied") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 20; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  RewritingTransport refused(k.transport, [](HttpReply& r) {
    r.status = 503;
    r.body = ws::protocol::error_body("maintenance", "the server is being upgraded").dump();
  });
  auto r = SyncRound(*k.store, refused, batches_of(10)).push();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "maintenance");
  CHECK(r.error().message.find("the server is being upgraded (HTTP 503)") != std::string::npos);
  CHECK(k.store->pending_count().value() == 20);

  // A repeated member: the fast reader leaves it to nlohmann, which keeps the last.
  RewritingTransport repeated(k.transport, [](HttpReply& r) { r.body = R"({"cursor":"stale",)" + r.body.substr(1); });
  auto report = SyncRound(*k.store, repeated, batches_of(10)).push();
  REQUIRE(report);
  CHECK(report->accepted == 20);
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv.records().size() == 20);
}
