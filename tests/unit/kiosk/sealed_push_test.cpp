// Outbox batches sealed to the server's X25519 key (ws/push_seal.hpp): learnt from the server's
// replies, frozen sealed in kiosk.db, opened by the real server before it parses anything.
#include <doctest/doctest.h>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"
#include "ws/push_seal.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TestServer;

namespace {

const std::string kName = "Zainab Haidari-Sealtest";

using Kiosk = test::EnrolledKiosk;

nlohmann::json fixture_answers() {
  auto a = test::intake_payload(1);
  a["name_latin"] = kName;
  return a;
}

std::string stored_server_key(TestServer& server) {
  auto lease = server.database().acquire();
  REQUIRE(lease);
  auto st = (*lease)->prepare("SELECT public_key FROM seal_key");
  REQUIRE(st);
  REQUIRE(st->step().value());
  return st->column_blob(0);
}

}  // namespace

TEST_CASE("the first round learns the server's key; batches wait in kiosk.db sealed and the server opens them") {
  TestServer server;
  Kiosk k(server, "OSLO");
  CHECK(k.store->server_seal_key().value().empty());
  REQUIRE(k.sync());  // nothing to send yet: the health check names the key
  const std::string key = k.store->server_seal_key().value();
  CHECK(key.size() == 32);
  CHECK(key == stored_server_key(server));

  auto id = k.store->save("intake", fixture_answers());
  REQUIRE(id);
  auto batch = k.store->next_batch({});
  REQUIRE(batch);
  REQUIRE(batch->has_value());
  CHECK(ws::push_seal::is_sealed((*batch)->body));
  CHECK((*batch)->body.find(kName) == std::string::npos);
  CHECK((*batch)->body.find(*id) == std::string::npos);

  // The frozen batch goes out as it is, and the server takes what is inside.
  auto report = k.sync();
  REQUIRE(report);
  CHECK(report->accepted == 1);
  auto held = server.records();
  REQUIRE(held.count(*id) == 1);
  CHECK(held.at(*id).payload.at("name_latin") == kName);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("a sealed body opens only for the device it was sealed for, and only unchanged") {
  TestServer server;
  Kiosk a(server, "OSLO");
  Kiosk b(server, "OSLO");
  REQUIRE(a.sync());
  const std::string key = a.store->server_seal_key().value();
  const std::string plain = nlohmann::json{{"batch_id", ws::new_uuid_v7()}, {"records", nlohmann::json::array()}}.dump();

  auto sealed = ws::push_seal::seal(key, a.identity.device_id, plain);
  REQUIRE(sealed);
  auto own = test::post_raw_push(server.url(), a.identity.token, *sealed);
  REQUIRE(own);
  CHECK(own->status == 200);

  // Replayed under another device's token: the device id is authenticated data.
  auto replayed = test::post_raw_push(server.url(), b.identity.token, *sealed);
  REQUIRE(replayed);
  CHECK(replayed->status == 400);
  CHECK(ws::protocol::parse_error_body(replayed->body, replayed->status).code == "invalid_request");

  std::string changed = *sealed;
  changed.back() = static_cast<char>(changed.back() ^ 1);
  auto tampered = test::post_raw_push(server.url(), a.identity.token, changed);
  REQUIRE(tampered);
  CHECK(tampered->status == 400);

  // Sealed to another key (another server): refused, never parsed.
  auto other = ws::seal::make_key_pair();
  REQUIRE(other);
  auto foreign = ws::push_seal::seal(other->public_key, a.identity.device_id, plain);
  REQUIRE(foreign);
  auto refused = test::post_raw_push(server.url(), a.identity.token, *foreign);
  REQUIRE(refused);
  CHECK(refused->status == 400);
}

TEST_CASE("an older kiosk's plain push still works against a server with a key") {
  TestServer server;
  Kiosk k(server, "OSLO");
  auto id = k.store->save("intake", fixture_answers());
  REQUIRE(id);
  // Frozen before the kiosk knew any key: sent as plain JSON, as older kiosks do.
  auto batch = k.store->next_batch({});
  REQUIRE(batch);
  REQUIRE(batch->has_value());
  CHECK_FALSE(ws::push_seal::is_sealed((*batch)->body));
  auto reply = test::post_raw_push(server.url(), k.identity.token, (*batch)->body);
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(server.records().count(*id) == 1);
  // The same round learns the key; the retried plain batch still goes out as frozen.
  REQUIRE(k.sync());
  CHECK(k.store->server_seal_key().value().size() == 32);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("a new server key gives up the batches sealed to the old one; their records go out again") {
  TestServer server;
  Kiosk k(server, "OSLO");
  auto stale = ws::seal::make_key_pair();
  REQUIRE(stale);
  REQUIRE(k.store->set_server_seal_key(stale->public_key));
  auto id = k.store->save("intake", fixture_answers());
  REQUIRE(id);
  auto batch = k.store->next_batch({});
  REQUIRE(batch);
  REQUIRE(batch->has_value());  // sealed to a key this server does not hold
  auto report = k.sync();       // the health reply names the real key before anything is pushed
  REQUIRE(report);
  CHECK(report->accepted == 1);
  CHECK(server.records().count(*id) == 1);
  CHECK(k.store->server_seal_key().value() == stored_server_key(server));
}

TEST_CASE("the server keeps its key across a restart") {
  TestServer server;
  Kiosk k(server, "OSLO");  // the enrolment over HTTP: the server is serving before it stops
  const std::string before = stored_server_key(server);
  CHECK(before.size() == 32);
  server.stop();
  server.start();
  REQUIRE(k.sync());
  CHECK(k.store->server_seal_key().value() == before);
}
