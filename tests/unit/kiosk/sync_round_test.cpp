#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "kiosk/core/sync/sync_round.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"
#include "ws/kiosk_state.hpp"
#include "ws/sqlite.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::Fault;
using ws::kiosk::test::FaultyTransport;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;

namespace {

using Kiosk = test::EnrolledKiosk;

// Holds the first push until the kiosk has frozen a batch after it (up to 10 s), to see that
// they overlap; otherwise the faulty transport.
class WatchingTransport final : public Transport {
 public:
  WatchingTransport(FaultyTransport& inner, std::string database) : inner_(inner), database_(std::move(database)) {}
  ws::Result<HttpReply> send(HttpRequest request) override {
    if (request.path == ws::protocol::kRoutePush && ++pushes_ == 1) next_frozen_while_in_flight = wait_for_two_batches();
    return inner_.send(request);
  }
  bool next_frozen_while_in_flight = false;

 private:
  bool wait_for_two_batches() const {
    auto db = ws::sql::Connection::open(database_);
    if (!db) return false;
    for (int i = 0; i < 2000; ++i) {
      auto st = db->prepare("SELECT COUNT(*) FROM outbox_batches");
      // Two or more: the round may freeze the batch after the next one too (push_depth).
      if (st && st->step().value_or(false) && st->column_int(0) >= 2) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  FaultyTransport& inner_;
  std::string database_;
  int pushes_ = 0;
};

nlohmann::json case_answers() { return ws::test::case_answers(1); }

}  // namespace

TEST_CASE("a round pushes the whole outbox in batches and leaves it empty") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 250; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  RoundOptions o;
  o.batch.max_records = 100;
  auto report = SyncRound(*k.store, k.transport, o).run([&](auto s, auto t) { progress.emplace_back(s, t); });
  REQUIRE(report);
  CHECK(report->batches == 3);
  CHECK(report->accepted == 250);
  CHECK(srv.records().size() == 250);
  CHECK(k.store->pending_count().value() == 0);
  REQUIRE(progress.size() == 4);
  CHECK(progress.front() == std::pair<std::int64_t, std::int64_t>{0, 250});
  CHECK(progress.back() == std::pair<std::int64_t, std::int64_t>{250, 250});
  // The pull that follows brings our own records back without marking them pending.
  CHECK(k.store->pending_count().value() == 0);
  CHECK_FALSE(k.store->pull_cursor().value().empty());
}

// The push counts its queue once, for the progress and for the state every request reports to HQ.
TEST_CASE("every push request of a round reports the outbox as counted when the push began") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 250; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  RoundOptions o;
  o.batch.max_records = 100;
  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  auto report = SyncRound(*k.store, k.transport, o).push([&](auto s, auto t) { progress.emplace_back(s, t); });
  REQUIRE(report);
  CHECK(report->accepted == 250);
  REQUIRE(progress.size() == 4);
  CHECK(progress.front() == std::pair<std::int64_t, std::int64_t>{0, 250});
  const auto states = k.transport.push_states();
  REQUIRE(states.size() == 3);
  for (const auto& header : states) {
    const auto state = ws::protocol::parse_kiosk_state(header);
    REQUIRE(state);
    CHECK(state->outbox == 250);
    CHECK(state->quarantined == 0);
  }
}

TEST_CASE("a poison record is quarantined with the server's reason and the other 299 arrive") {
  // The server's own validation against the shipped intake form refuses it.
  TestServer srv;
  Kiosk k(srv, "OSLO");
  std::string poison;
  for (int i = 0; i < 300; ++i) {
    auto payload = test::intake_payload(i);
    if (i == 137) payload["age_years"] = "not a number";
    auto id = k.store->save("intake", payload);
    REQUIRE(id);
    if (i == 137) poison = *id;
  }
  RoundOptions o;
  o.batch.max_records = 100;
  auto report = k.sync(o);
  REQUIRE(report);
  CHECK(report->rejected == 1);
  CHECK(srv.records().size() == 299);
  CHECK(srv.records().count(poison) == 0);
  auto q = k.store->quarantined();
  REQUIRE(q);
  REQUIRE(q->size() == 1);
  CHECK(q->front().envelope.id == poison);
  CHECK(q->front().sync_error.find("age_years") != std::string::npos);
  CHECK(k.store->pending_count().value() == 0);
  // The next round does not send it again.
  const auto pushes = k.transport.push_requests();
  REQUIRE(k.sync(o));
  CHECK(k.transport.push_requests() == pushes);
}

TEST_CASE("a batch refused whole is split until the record at fault is found and quarantined") {
  // The real server answers 413 to a body over its cap: one record alone is over it.
  TestServer srv(test::TestServerOptions{.max_body_bytes = 64 * 1024});
  Kiosk k(srv, "OSLO");
  std::string poison;
  for (int i = 0; i < 64; ++i) {
    auto payload = test::intake_payload(i);
    if (i == 41) payload["legal_status_notes"] = std::string(100 * 1024, 'x');
    auto id = k.store->save("intake", payload);
    if (i == 41) poison = *id;
  }
  // Over one kept-alive connection: the server closes it after a body it did not read whole.
  auto report = k.sync();
  if (!report) MESSAGE(std::string(report.error().code + ": " + report.error().message));
  REQUIRE(report);
  CHECK(srv.records().size() == 63);
  CHECK(k.store->quarantined_count().value() == 1);
  CHECK(k.store->get(poison).value()->sync_state == SyncState::Quarantined);
}

TEST_CASE("a lost reply is retried under the same batch_id and stored once") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 10; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  k.transport.push_fault(Fault::NetworkAfter);
  auto first = k.sync();
  REQUIRE_FALSE(first);
  CHECK(first.error().code == "network");
  CHECK(srv.records().size() == 10);            // the server did apply it
  CHECK(k.store->pending_count().value() == 10);  // but the kiosk was never told
  REQUIRE(k.sync());
  CHECK(k.transport.distinct_batches() == 1);
  CHECK(k.transport.push_requests() == 2);
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv.records().size() == 10);
}

TEST_CASE("the next batch is frozen while one is in flight; a lost reply resends both as they were") {
  TestServer srv;
  TempDir dir;
  auto store = test::enrolled_store(dir.path(), srv.enroll("OSLO"));
  for (int i = 0; i < 30; ++i) REQUIRE(store->save("intake", test::intake_payload(i)));
  FaultyTransport faulty(srv.url());
  WatchingTransport transport(faulty, Store::database_path(dir.path()));
  RoundOptions o;
  o.batch.max_records = 10;
  faulty.push_fault(Fault::NetworkAfter);  // the server applies the first batch; its reply is lost

  auto first = SyncRound(*store, transport, o).push();
  REQUIRE_FALSE(first);
  CHECK(first.error().code == "network");
  CHECK(transport.next_frozen_while_in_flight);
  CHECK(srv.records().size() == 10);
  CHECK(store->pending_count().value() == 30);

  // Both frozen batches go out again under their own ids (the first is answered from the
  // server's stored reply), then the last ten: three batch ids in all, nothing stored twice.
  auto report = SyncRound(*store, transport, o).push();
  REQUIRE(report);
  CHECK(report->accepted == 30);
  CHECK(report->batches == 3);
  CHECK(faulty.push_requests() == 4);
  CHECK(faulty.distinct_batches() == 3);
  CHECK(srv.records().size() == 30);
  CHECK(store->pending_count().value() == 0);
}

TEST_CASE("500s, truncated replies and dropped requests keep the outbox until a real answer") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  for (int i = 0; i < 30; ++i) REQUIRE(k.store->save("intake", test::intake_payload(i)));
  RoundOptions o;
  o.batch.max_records = 10;
  for (Fault f : {Fault::Status500, Fault::Truncated, Fault::NetworkBefore}) {
    k.transport.push_fault(f);
    auto r = k.sync(o);
    REQUIRE_FALSE(r);
    CHECK_FALSE(r.error().message.empty());
  }
  CHECK(k.store->pending_count().value() > 0);
  REQUIRE(k.sync(o));
  CHECK(k.store->pending_count().value() == 0);
  CHECK(srv.records().size() == 30);
  CHECK(k.transport.distinct_batches() == 3);
}

TEST_CASE("429 surfaces the server's Retry-After") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  REQUIRE(k.store->save("intake", test::intake_payload(1)));
  k.transport.push_fault(Fault::Status429);
  SyncRound round(*k.store, k.transport);
  auto r = round.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "rate_limited");
  CHECK(round.retry_after_seconds() == 7);
}

TEST_CASE("an unknown device is told to enrol again") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  REQUIRE(k.store->set_identity({k.identity.device_id, "revoked-token", "OSLO", srv.url()}));
  REQUIRE(k.store->save("intake", test::intake_payload(1)));
  auto r = k.sync();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "unauthorized");
  CHECK(r.error().message.find("enrol") != std::string::npos);
  CHECK(k.store->pending_count().value() == 1);
}

TEST_CASE("two kiosks of a centre converge and a third centre sees none of it") {
  TestServer srv;
  Kiosk a(srv, "OSLO");
  Kiosk b(srv, "OSLO");
  Kiosk c(srv, "BERGEN");
  auto case_id = a.store->save("case", case_answers());
  REQUIRE(case_id);
  REQUIRE(a.sync());
  REQUIRE(b.sync());
  REQUIRE(c.sync());
  REQUIRE(b.store->get(*case_id).value().has_value());
  CHECK_FALSE(c.store->get(*case_id).value().has_value());

  // Concurrent edits: different fields both survive; the same field goes to the later stamp.
  REQUIRE(a.store->update(*case_id, {{"status", "considering"}, {"name_native", "from-a"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // b's stamp is later than a's
  REQUIRE(b.store->update(*case_id, {{"name_latin", "Test Case 1 K."}, {"name_native", "from-b"}}));
  REQUIRE(a.sync());
  REQUIRE(b.sync());
  REQUIRE(a.sync());
  auto ra = a.store->get(*case_id).value().value().envelope;
  auto rb = b.store->get(*case_id).value().value().envelope;
  auto rs = srv.records().at(*case_id);
  CHECK(ra.payload == rb.payload);
  CHECK(ra.payload == rs.payload);
  CHECK(ra.payload["status"] == "considering");
  CHECK(ra.payload["name_latin"] == "Test Case 1 K.");
  CHECK(ra.payload["name_native"] == "from-b");  // b stamped later
  CHECK(a.store->pending_count().value() == 0);
  CHECK(b.store->pending_count().value() == 0);
}

TEST_CASE("a local edit a pull replaces before the server saw it goes to the kiosk's conflict log") {
  TestServer srv;
  Kiosk a(srv, "OSLO");
  Kiosk b(srv, "OSLO");
  auto case_id = a.store->save("case", case_answers());
  REQUIRE(case_id);
  REQUIRE(a.sync());
  REQUIRE(b.sync());

  // a edits the phone offline; b edits it later and reaches the server first.
  REQUIRE(a.store->update(*case_id, {{"name_native", "from-a"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(b.store->update(*case_id, {{"name_native", "from-b"}}));
  REQUIRE(b.sync());
  REQUIRE(SyncRound(*a.store, a.transport).pull());

  CHECK(a.store->get(*case_id).value()->envelope.payload["name_native"] == "from-b");
  auto log = a.store->conflicts();
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  CHECK(log->front().record_id == *case_id);
  CHECK(log->front().field == "name_native");
  CHECK(log->front().lost_value == "from-a");
  CHECK(log->front().lost_version.device == a.identity.device_id);
  CHECK(log->front().won_version.device == b.identity.device_id);

  // A value the server had already seen is replaced without a log entry: b's later edit of
  // the status is an ordinary update for a.
  REQUIRE(a.sync());
  REQUIRE(b.store->update(*case_id, {{"status", "closed"}}));
  REQUIRE(b.sync());
  REQUIRE(a.sync());
  CHECK(a.store->get(*case_id).value()->envelope.payload["status"] == "closed");
  CHECK(a.store->conflict_count().value() == 1);
  CHECK(b.store->conflict_count().value() == 0);
}

TEST_CASE("pull applies published forms for every centre, stores the cursor, skips foreign records") {
  TestServer srv;
  Kiosk k(srv, "OSLO");
  Kiosk bergen(srv, "BERGEN");
  auto definition = nlohmann::json::parse(std::ifstream(std::string(WS_SOURCE_ASSETS_DIR) + "/forms/case.json"));
  definition["version"] = 2;
  auto form = ws::server::publish(srv.database(), "form", definition, "", ws::server::publish_definition_check());
  REQUIRE(form);
  auto foreign = bergen.store->save("case", case_answers());
  REQUIRE(foreign);
  REQUIRE(bergen.sync());
  REQUIRE(SyncRound(*k.store, k.transport).pull());
  auto pulled = k.store->get(form->record_id).value();
  REQUIRE(pulled.has_value());
  CHECK(pulled->envelope.payload["version"] == 2);
  CHECK_FALSE(k.store->get(*foreign).value().has_value());
  // The cursor is the last change this centre may see: the form, not Bergen's case after it.
  CHECK(k.store->pull_cursor().value() == std::to_string(form->seq));
  auto leaked = bergen.store->get(*foreign).value()->envelope;
  ws::protocol::PullResponse leak{{leaked}, "1", false};
  CHECK(k.store->apply_pull(leak).value() == 0);  // defence in depth: never stored
  CHECK_FALSE(k.store->get(*foreign).value().has_value());
}

TEST_CASE("enrolment exchanges a code for the device identity") {
  TestServer srv;
  auto code = ws::server::DeviceRegistry(srv.database()).create_code("OSLO", ws::server::kDefaultCodeTtlMs);
  REQUIRE(code);
  FaultyTransport t(srv.url());
  auto ok = enroll_device(t, code->code, "kiosk");
  REQUIRE(ok);
  CHECK_FALSE(ok->device_id.empty());
  CHECK_FALSE(ok->token.empty());
  CHECK(ok->centre == "OSLO");
  auto again = enroll_device(t, code->code, "kiosk");  // codes are single use
  REQUIRE_FALSE(again);
  CHECK(again.error().code == "invalid_code");
  auto bad = enroll_device(t, "WRONG-CODE-0000", "kiosk");
  REQUIRE_FALSE(bad);
  CHECK_FALSE(bad.error().message.empty());
}
