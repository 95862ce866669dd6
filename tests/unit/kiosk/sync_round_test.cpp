#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/ids.hpp"
#include "ws/sqlite.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::Fault;
using ws::kiosk::test::FakeServer;
using ws::kiosk::test::FakeTransport;
using ws::kiosk::test::TempDir;

namespace {

struct Kiosk {
  TempDir dir;
  std::unique_ptr<Store> store;
  FakeTransport transport;
  Kiosk(std::shared_ptr<FakeServer> server, const std::string& device, const std::string& centre)
      : store(test::enrolled_store(dir.path(), device, centre, "tok-" + device)), transport(server) {
    server->add_device("tok-" + device, centre);
  }
  ws::Result<RoundReport> sync(RoundOptions o = {}) { return SyncRound(*store, transport, o).run(); }
};

std::shared_ptr<FakeServer> server() { return std::make_shared<FakeServer>(); }

// Holds the first push until the kiosk has frozen the batch after it (up to 10 s), to see that
// the two overlap; otherwise the fake server.
class WatchingTransport final : public Transport {
 public:
  WatchingTransport(std::shared_ptr<FakeServer> server, std::string database)
      : server_(std::move(server)), database_(std::move(database)) {}
  ws::Result<HttpReply> send(const HttpRequest& request) override {
    if (request.path == ws::protocol::kRoutePush && ++pushes_ == 1) next_frozen_while_in_flight = wait_for_two_batches();
    return server_->handle(request);
  }
  bool next_frozen_while_in_flight = false;

 private:
  bool wait_for_two_batches() const {
    auto db = ws::sql::Connection::open(database_);
    if (!db) return false;
    for (int i = 0; i < 2000; ++i) {
      auto st = db->prepare("SELECT COUNT(*) FROM outbox_batches");
      if (st && st->step().value_or(false) && st->column_int(0) == 2) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  std::shared_ptr<FakeServer> server_;
  std::string database_;
  int pushes_ = 0;
};

}  // namespace

TEST_CASE("a round pushes the whole outbox in batches and leaves it empty") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  for (int i = 0; i < 250; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  RoundOptions o;
  o.batch.max_records = 100;
  auto report = SyncRound(*k.store, k.transport, o).run([&](auto s, auto t) { progress.emplace_back(s, t); });
  REQUIRE(report);
  CHECK(report->batches == 3);
  CHECK(report->accepted == 250);
  CHECK(srv->records().size() == 250);
  CHECK(k.store->pending_count().value() == 0);
  REQUIRE(progress.size() == 4);
  CHECK(progress.front() == std::pair<std::int64_t, std::int64_t>{0, 250});
  CHECK(progress.back() == std::pair<std::int64_t, std::int64_t>{250, 250});
  // The pull that follows brings our own records back without marking them pending.
  CHECK(k.store->pending_count().value() == 0);
  CHECK_FALSE(k.store->pull_cursor().value().empty());
}

TEST_CASE("a poison record is quarantined with the server's reason and the other 999 arrive") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  std::string poison;
  for (int i = 0; i < 1000; ++i) {
    auto id = k.store->save("intake", test::intake_payload(i));
    REQUIRE(id);
    if (i == 137) poison = *id;
  }
  srv->set_rejector([&](const ws::Envelope& e) { return e.id == poison ? std::string("field 'age': not a number") : ""; });
  RoundOptions o;
  o.batch.max_records = 200;
  auto report = k.sync(o);
  REQUIRE(report);
  CHECK(report->rejected == 1);
  CHECK(srv->records().size() == 999);
  CHECK(srv->records().count(poison) == 0);
  auto q = k.store->quarantined();
  REQUIRE(q);
  REQUIRE(q->size() == 1);
  CHECK(q->front().envelope.id == poison);
  CHECK(q->front().sync_error == "field 'age': not a number");
  CHECK(k.store->pending_count().value() == 0);
  // The next round does not send it again.
  const auto pushes = srv->push_requests();
  REQUIRE(k.sync(o));
  CHECK(srv->push_requests() == pushes);
}

TEST_CASE("a batch refused whole is split until the record at fault is found and quarantined") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  std::string poison;
  for (int i = 0; i < 64; ++i) {
    auto id = k.store->save("intake", test::intake_payload(i));
    if (i == 41) poison = *id;
  }
  srv->set_batch_refuser([&](const ws::Envelope& e) { return e.id == poison; }, 413);
  auto report = k.sync();
  REQUIRE(report);
  CHECK(srv->records().size() == 63);
  CHECK(k.store->quarantined_count().value() == 1);
  CHECK(k.store->get(poison).value()->sync_state == SyncState::Quarantined);
}

TEST_CASE("a lost reply is retried under the same batch_id and stored once") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  for (int i = 0; i < 10; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  srv->push_fault(Fault::NetworkAfter);
  auto first = k.sync();
  REQUIRE_FALSE(first);
  CHECK(first.error().code == "network");
  CHECK(srv->records().size() == 10);            // the server did apply it
  CHECK(k.store->pending_count().value() == 10);  // but the kiosk was never told
  REQUIRE(k.sync());
  CHECK(srv->distinct_batches() == 1);
  CHECK(srv->push_requests() == 2);
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv->records().size() == 10);
}

TEST_CASE("the next batch is frozen while one is in flight; a lost reply resends both as they were") {
  auto srv = server();
  TempDir dir;
  auto store = test::enrolled_store(dir.path(), "k1", "OSLO", "tok-k1");
  srv->add_device("tok-k1", "OSLO");
  for (int i = 0; i < 30; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  WatchingTransport transport(srv, Store::database_path(dir.path()));
  RoundOptions o;
  o.batch.max_records = 10;
  srv->push_fault(Fault::NetworkAfter);  // the server applies the first batch; its reply is lost

  auto first = SyncRound(*store, transport, o).push();
  REQUIRE_FALSE(first);
  CHECK(first.error().code == "network");
  CHECK(transport.next_frozen_while_in_flight);
  CHECK(srv->records().size() == 10);
  CHECK(store->pending_count().value() == 30);

  // Both frozen batches go out again under their own ids (the first is answered from the
  // server's stored reply), then the last ten: three batch ids in all, nothing stored twice.
  auto report = SyncRound(*store, transport, o).push();
  REQUIRE(report);
  CHECK(report->accepted == 30);
  CHECK(report->batches == 3);
  CHECK(srv->push_requests() == 4);
  CHECK(srv->distinct_batches() == 3);
  CHECK(srv->records().size() == 30);
  CHECK(store->pending_count().value() == 0);
}

TEST_CASE("500s, truncated replies and dropped requests keep the outbox until a real answer") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  for (int i = 0; i < 30; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  RoundOptions o;
  o.batch.max_records = 10;
  for (Fault f : {Fault::Status500, Fault::Truncated, Fault::NetworkBefore}) {
    srv->push_fault(f);
    auto r = k.sync(o);
    REQUIRE_FALSE(r);
    CHECK_FALSE(r.error().message.empty());
  }
  CHECK(k.store->pending_count().value() > 0);
  REQUIRE(k.sync(o));
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv->records().size() == 30);
  CHECK(srv->distinct_batches() == 3);
}

TEST_CASE("429 surfaces the server's Retry-After") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  REQUIRE(k.store->save("intake", test::intake_payload(1)));
  srv->push_fault(Fault::Status429);
  SyncRound round(*k.store, k.transport);
  auto r = round.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "rate_limited");
  CHECK(round.retry_after_seconds() == 7);
}

TEST_CASE("an unknown device is told to enrol again") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  REQUIRE(k.store->set_identity({"k1", "revoked-token", "OSLO", "fake://"}));
  REQUIRE(k.store->save("intake", test::intake_payload(1)));
  auto r = k.sync();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "unauthorized");
  CHECK(r.error().message.find("enrol") != std::string::npos);
  CHECK(k.store->pending_count().value() == 1);
}

TEST_CASE("two kiosks of a centre converge and a third centre sees none of it") {
  auto srv = server();
  Kiosk a(srv, "ka", "OSLO");
  Kiosk b(srv, "kb", "OSLO");
  Kiosk c(srv, "kc", "BERGEN");
  auto case_id = a.store->save("case", {{"given_name", "Amina"}, {"status", "open"}, {"phone", "1"}});
  REQUIRE(case_id);
  REQUIRE(a.sync());
  REQUIRE(b.sync());
  REQUIRE(c.sync());
  REQUIRE(b.store->get(*case_id).value().has_value());
  CHECK_FALSE(c.store->get(*case_id).value().has_value());

  // Concurrent edits: different fields both survive; the same field goes to the later stamp.
  REQUIRE(a.store->update(*case_id, {{"status", "decided"}, {"phone", "from-a"}}));
  REQUIRE(b.store->update(*case_id, {{"given_name", "Amina K."}, {"phone", "from-b"}}));
  REQUIRE(a.sync());
  REQUIRE(b.sync());
  REQUIRE(a.sync());
  auto ra = a.store->get(*case_id).value().value().envelope;
  auto rb = b.store->get(*case_id).value().value().envelope;
  auto rs = srv->records().at(*case_id);
  CHECK(ra.payload == rb.payload);
  CHECK(ra.payload == rs.payload);
  CHECK(ra.payload["status"] == "decided");
  CHECK(ra.payload["given_name"] == "Amina K.");
  CHECK(ra.payload["phone"] == "from-b");  // b stamped later
  CHECK(a.store->pending_count().value() == 0);
  CHECK(b.store->pending_count().value() == 0);
}

TEST_CASE("a local edit a pull replaces before the server saw it goes to the kiosk's conflict log") {
  auto srv = server();
  Kiosk a(srv, "ka", "OSLO");
  Kiosk b(srv, "kb", "OSLO");
  auto case_id = a.store->save("case", {{"given_name", "Amina"}, {"status", "open"}, {"phone", "1"}});
  REQUIRE(case_id);
  REQUIRE(a.sync());
  REQUIRE(b.sync());

  // a edits the phone offline; b edits it later and reaches the server first.
  REQUIRE(a.store->update(*case_id, {{"phone", "from-a"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(b.store->update(*case_id, {{"phone", "from-b"}}));
  REQUIRE(b.sync());
  REQUIRE(SyncRound(*a.store, a.transport).pull());

  CHECK(a.store->get(*case_id).value()->envelope.payload["phone"] == "from-b");
  auto log = a.store->conflicts();
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  CHECK(log->front().record_id == *case_id);
  CHECK(log->front().field == "phone");
  CHECK(log->front().lost_value == "from-a");
  CHECK(log->front().lost_version.device == "ka");
  CHECK(log->front().won_version.device == "kb");

  // A value the server had already seen is replaced without a log entry: b's later edit of
  // the status is an ordinary update for a.
  REQUIRE(a.sync());
  REQUIRE(b.store->update(*case_id, {{"status", "decided"}}));
  REQUIRE(b.sync());
  REQUIRE(a.sync());
  CHECK(a.store->get(*case_id).value()->envelope.payload["status"] == "decided");
  CHECK(a.store->conflict_count().value() == 1);
  CHECK(b.store->conflict_count().value() == 0);
}

TEST_CASE("pull applies published forms for every centre, stores the cursor, skips foreign records") {
  auto srv = server();
  Kiosk k(srv, "k1", "OSLO");
  ws::Envelope form;
  form.id = ws::new_uuid_v7();
  form.kind = "form";
  form.centre = "ALL";
  form.version = {{ws::HlcClock::system_wall_ms(), 0}, "server"};
  form.payload = {{"id", "intake"}, {"version", 2}};
  srv->publish(form);
  ws::Envelope foreign = form;
  foreign.id = ws::new_uuid_v7();
  foreign.kind = "case";
  foreign.centre = "BERGEN";
  srv->publish(foreign);
  REQUIRE(SyncRound(*k.store, k.transport).pull());
  CHECK(k.store->get(form.id).value().has_value());
  CHECK_FALSE(k.store->get(foreign.id).value().has_value());
  CHECK(k.store->pull_cursor().value() == "1");  // the last change this centre may see
  ws::protocol::PullResponse leak{{foreign}, "1", false};
  CHECK(k.store->apply_pull(leak).value() == 0);  // defence in depth: never stored
  CHECK_FALSE(k.store->get(foreign.id).value().has_value());
}

TEST_CASE("enrolment exchanges a code for the device identity") {
  struct Enroller : Transport {
    ws::Result<HttpReply> send(const HttpRequest& r) override {
      auto j = nlohmann::json::parse(r.body);
      if (j["code"] != "ABCD-EFGH-JKLM") return HttpReply{400, ws::protocol::error_body("invalid_code", "unknown or expired code").dump(), {}, true, {}, {}};
      return HttpReply{200, R"({"device_id":"dev-9","token":"secret","centre":"OSLO"})", {}, true, {}, {}};
    }
  } t;
  auto ok = enroll_device(t, "ABCD-EFGH-JKLM", "kiosk");
  REQUIRE(ok);
  CHECK(ok->device_id == "dev-9");
  auto bad = enroll_device(t, "WRONG", "kiosk");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("expired") != std::string::npos);
}
