// The real server takes sealed items of every release: items sealed from a preset dictionary
// (what kiosks seal now), the zlib items of kiosks before dictionaries, and outboxes that hold
// both after a kiosk's upgrade (ws/push_seal.hpp, docs/protocol.md "Sealed items").
#include <doctest/doctest.h>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/support/sealed_item.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"
#include "ws/protocol.hpp"
#include "ws/push_seal.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TestServer;

namespace {

using Kiosk = test::EnrolledKiosk;

std::string learn_key(Kiosk& k) {
  REQUIRE(k.sync());
  const std::string key = k.store->server_seal_key().value();
  REQUIRE(key.size() == 32);
  return key;
}

nlohmann::json answers(int n, const std::string& name) {
  auto a = test::intake_payload(n);
  a["name_latin"] = name;
  return a;
}

std::string envelope_text(const ws::Envelope& e) { return to_json(e, ws::EnvelopeForm::Compact).dump(); }

}  // namespace

TEST_CASE("an older kiosk's sealed items, zlib inside, are still taken") {
  TestServer server;
  Kiosk k(server, "OSLO");
  const std::string key = learn_key(k);
  ws::Envelope e;
  e.kind = "intake";
  e.centre = k.identity.centre;
  e.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms(), 0}, k.identity.device_id};
  std::vector<std::string> items, ids;
  for (int i = 0; i < 2; ++i) {
    e.id = ids.emplace_back(ws::new_uuid_v7());
    e.payload = answers(i, "Older Kiosk " + std::to_string(i));
    items.push_back(ws::test::zlib_item(key, k.identity.device_id, envelope_text(e)));
  }
  auto body = ws::push_seal::items_body(ws::new_uuid_v7(), std::vector<std::string_view>(items.begin(), items.end()));
  REQUIRE(body);
  auto reply = test::post_raw_push(server.url(), k.identity.token, *body);
  REQUIRE(reply);
  CHECK(reply->status == 200);
  auto held = server.records();
  CHECK(held.at(ids[0]).payload.at("name_latin") == "Older Kiosk 0");
  CHECK(held.at(ids[1]).payload.at("name_latin") == "Older Kiosk 1");
}

TEST_CASE("an outbox sealed partly before the upgrade pushes both kinds of item in one batch") {
  TestServer server;
  Kiosk k(server, "OSLO");
  const std::string key = learn_key(k);
  auto before = k.store->save("intake", answers(1, "Sealed Before"));
  REQUIRE(before);
  // The copy the previous release made of that row: the same envelope, zlib inside.
  auto record = k.store->get(*before);
  REQUIRE(record);
  REQUIRE(*record);
  auto st = k.store->connection().prepare("UPDATE outbox_items SET item = ?2 WHERE seq = (SELECT seq FROM outbox WHERE record_id = ?1)");
  REQUIRE(st);
  REQUIRE(st->bind(1, *before).bind_blob(2, ws::test::zlib_item(key, k.identity.device_id, envelope_text((*record)->envelope))).run());
  auto after = k.store->save("intake", answers(2, "Sealed After"));
  REQUIRE(after);

  auto report = SyncRound(*k.store, k.transport).push();
  REQUIRE(report);
  CHECK(report->accepted == 2);
  auto held = server.records();
  CHECK(held.at(*before).payload.at("name_latin") == "Sealed Before");
  CHECK(held.at(*after).payload.at("name_latin") == "Sealed After");
}
