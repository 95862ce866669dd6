// Outbox rows sealed to the server's key when they are queued (ws/push_seal.hpp "sealed
// items"): a batch is frozen from the rows' own copies without reading the records, and the
// real server opens every item before it parses the batch.
#include <doctest/doctest.h>

#include "kiosk/core/sync/sync_round.hpp"
#include "tests/support/utf16.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/seal_key.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"
#include "ws/push_seal.hpp"
#include "ws/sealing.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TestServer;

namespace {

using Kiosk = test::EnrolledKiosk;

const std::vector<std::string> kFixture = {"Nasrin Itemseal-Qz", "نسرین مهرشده", "+47 913 57 246"};

nlohmann::json fixture_answers(int n) {
  auto a = test::intake_payload(n);
  a["name_latin"] = kFixture[0];
  a["name_native"] = kFixture[1];
  a["legal_status_notes"] = "Reach at " + kFixture[2];
  return a;
}

// What the health check at the start of every round stores: the server's key.
std::string learn_key(Kiosk& k) {
  REQUIRE(k.sync());
  const std::string key = k.store->server_seal_key().value();
  REQUIRE(key.size() == 32);
  return key;
}

// Every column of every row of `table` (of `columns` columns), as bytes.
std::string all_bytes(Store& store, const char* table, int columns) {
  auto st = store.connection().prepare((std::string("SELECT * FROM ") + table).c_str());
  REQUIRE(st);
  std::string out;
  while (st->step().value()) {
    for (int c = 0; c < columns; ++c) out += st->column_blob(c) + '\x1f';
  }
  return out;
}

// The outbox rows and their sealed items (outbox_items, schema 18), as bytes.
std::string outbox_bytes(Store& store) { return all_bytes(store, "outbox", 7) + all_bytes(store, "outbox_items", 2); }

std::string sealed_copy(Store& store, const std::string& record_id) {
  auto st = store.connection().prepare(
      "SELECT i.item FROM outbox o JOIN outbox_items i ON i.seq = o.seq WHERE o.record_id = ?1 AND o.batch IS NULL");
  REQUIRE(st);
  st->bind(1, record_id);
  REQUIRE(st->step().value());
  return st->column_blob(0);
}

ws::seal::KeyPair server_keys(TestServer& server) {
  auto lease = server.database().acquire();
  REQUIRE(lease);
  auto keys = ws::server::load_or_create_seal_key(**lease);
  REQUIRE(keys);
  return std::move(*keys);
}

std::string fixtures_in(const std::string& bytes) {
  std::string found;
  for (const auto& v : kFixture) {
    if (bytes.find(v) != std::string::npos) found += v + " (UTF-8) ";
    if (bytes.find(ws::test::utf16le(v)) != std::string::npos) found += v + " (UTF-16LE) ";
  }
  return found;
}

std::int64_t unsealed_rows(Store& store) {
  auto st = store.connection().prepare("SELECT count(*) FROM outbox WHERE sealed_version IS NULL");
  REQUIRE(st);
  REQUIRE(st->step().value());
  return st->column_int(0);
}

std::string intake_envelope(const Kiosk& k, const std::string& id, const std::string& name) {
  auto a = test::intake_payload(7);
  a["name_latin"] = name;
  ws::Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = k.identity.centre;
  e.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms(), 0}, k.identity.device_id};
  e.payload = a;
  return to_json(e, ws::EnvelopeForm::Compact).dump();
}

}  // namespace

TEST_CASE("records sealed when saved push and apply: saves, edits and deletes, with no record read") {
  TestServer server;
  Kiosk k(server, "OSLO");
  learn_key(k);
  auto kept = k.store->save("intake", fixture_answers(1));
  auto edited = k.store->save("intake", fixture_answers(2));
  auto deleted = k.store->save("intake", fixture_answers(3));
  REQUIRE(kept);
  REQUIRE(edited);
  REQUIRE(deleted);
  REQUIRE(k.store->update(*edited, {{"nationality", "Elsewhere"}}));
  REQUIRE(k.store->remove(*deleted));
  CHECK(unsealed_rows(*k.store) == 0);

  auto batch = k.store->next_batch({});
  REQUIRE(batch);
  REQUIRE(batch->has_value());
  CHECK((*batch)->body.substr(0, 4) == "WSI1");
  CHECK((*batch)->record_count == 3);  // one row per record: the edit and the delete coalesced

  auto report = k.sync();
  REQUIRE(report);
  CHECK(report->accepted == 3);
  auto held = server.records();
  REQUIRE(held.count(*kept) == 1);
  CHECK(held.at(*kept).payload.at("name_native") == kFixture[1]);
  CHECK(held.at(*edited).payload.at("nationality") == "Elsewhere");
  CHECK(held.at(*deleted).deleted);
  CHECK(k.store->pending_count().value() == 0);
}

TEST_CASE("the outbox tables hold no fixture value after saves and a frozen batch") {
  TestServer server;
  Kiosk k(server, "OSLO");
  learn_key(k);
  auto first = k.store->save("intake", fixture_answers(1));
  REQUIRE(first);
  REQUIRE(k.store->next_batch({}).value().has_value());  // frozen: a row inside a batch
  auto second = k.store->save("intake", fixture_answers(2));
  REQUIRE(second);
  REQUIRE(k.store->update(*first, {{"documents_notes", "Seen again; " + kFixture[2]}}));  // queued behind the batch
  const std::string outbox = outbox_bytes(*k.store);
  const std::string batches = all_bytes(*k.store, "outbox_batches", 4);
  CHECK(outbox.size() > 600);  // the copies are there, sealed
  CHECK(batches.size() > 30);  // the frozen batch; its body is its rows' sealed items (schema 13)
  CHECK(fixtures_in(outbox).empty());
  CHECK(fixtures_in(batches).empty());
  // The search itself finds what it looks for, in both encodings.
  CHECK_FALSE(fixtures_in("x" + kFixture[1]).empty());
  CHECK_FALSE(fixtures_in("x" + ws::test::utf16le(kFixture[0])).empty());
}

TEST_CASE("the UTF-16LE form of raw bytes (a key) reads no byte past the value") {
  // Long enough to live on the heap, and allocated to its exact size, so that ASan sees a read
  // past its end; ends in the lead byte of a four-byte sequence (then of a three-byte one with a
  // single byte after it).
  std::string key(21, 'k');
  key.back() = '\xF0';
  CHECK(ws::test::utf16le(key) == ws::test::utf16le(std::string(20, 'k')) + std::string("\xF0\0", 2));
  CHECK(ws::test::utf16le(key + "\xE2\x82").size() == 2 * 23);
  CHECK(ws::test::utf16le("\xE2\x82\xAC") == std::string("\xAC\x20", 2));  // a whole sequence still decodes
}

TEST_CASE("a push while the records cannot be read still sends the envelopes as saved") {
  TestServer server;
  Kiosk k(server, "OSLO");
  learn_key(k);
  auto id = k.store->save("intake", fixture_answers(4));
  REQUIRE(id);
  // What a locked vault (or a damaged page) leaves the sync worker: no readable payload.
  REQUIRE(k.store->connection().exec("UPDATE records SET payload = X'00FF13', payload_codec = 99"));
  REQUIRE_FALSE(k.store->get(*id));  // unreadable indeed
  auto report = SyncRound(*k.store, k.transport).push();
  REQUIRE(report);
  CHECK(report->accepted == 1);
  auto held = server.records();
  REQUIRE(held.count(*id) == 1);
  CHECK(held.at(*id).payload.at("name_latin") == kFixture[0]);
  CHECK(held.at(*id).payload.at("name_native") == kFixture[1]);
}

TEST_CASE("a sealed-items push with one changed item is refused whole, naming the item") {
  TestServer server;
  Kiosk k(server, "OSLO");
  const std::string key = learn_key(k);
  const std::string a = ws::new_uuid_v7(), b = ws::new_uuid_v7();
  auto item_a = ws::push_seal::seal_item(key, k.identity.device_id, intake_envelope(k, a, "Item A"));
  auto item_b = ws::push_seal::seal_item(key, k.identity.device_id, intake_envelope(k, b, "Item B"));
  REQUIRE(item_a);
  REQUIRE(item_b);

  std::string changed = *item_b;
  changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 1);
  auto tampered = ws::push_seal::items_body(ws::new_uuid_v7(), {*item_a, changed});
  REQUIRE(tampered);
  auto refused = test::post_raw_push(server.url(), k.identity.token, *tampered);
  REQUIRE(refused);
  CHECK(refused->status == 400);
  const auto e = ws::protocol::parse_error_body(refused->body, refused->status);
  CHECK(e.code == "invalid_request");
  CHECK(e.message.find("sealed item 2") != std::string::npos);
  CHECK(server.records().empty());  // item 1 opened, yet nothing of the batch applied

  // Sealed for another device: does not open under this one's token.
  auto foreign = ws::push_seal::seal_item(key, "another-device", intake_envelope(k, a, "Item A"));
  REQUIRE(foreign);
  auto other = test::post_raw_push(server.url(), k.identity.token, ws::push_seal::items_body(ws::new_uuid_v7(), {*foreign}).value());
  REQUIRE(other);
  CHECK(other->status == 400);
  CHECK(server.records().empty());

  // Cut short: malformed, named as such.
  auto whole = ws::push_seal::items_body(ws::new_uuid_v7(), {*item_a, *item_b});
  REQUIRE(whole);
  auto cut = test::post_raw_push(server.url(), k.identity.token, whole->substr(0, whole->size() - 5));
  REQUIRE(cut);
  CHECK(cut->status == 400);
  CHECK(ws::protocol::parse_error_body(cut->body, cut->status).message.find("cut short") != std::string::npos);

  auto good = test::post_raw_push(server.url(), k.identity.token, *whole);
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK(server.records().size() == 2);
}

TEST_CASE("older kiosks' plain and whole-sealed pushes are still taken") {
  TestServer server;
  Kiosk k(server, "OSLO");
  const std::string key = learn_key(k);
  const std::string plain_id = ws::new_uuid_v7(), whole_id = ws::new_uuid_v7();
  const std::string plain =
      "{\"batch_id\":\"" + ws::new_uuid_v7() + "\",\"records\":[" + intake_envelope(k, plain_id, "Plain P") + "]}";
  auto as_plain = test::post_raw_push(server.url(), k.identity.token, plain);
  REQUIRE(as_plain);
  CHECK(as_plain->status == 200);

  const std::string body =
      "{\"batch_id\":\"" + ws::new_uuid_v7() + "\",\"records\":[" + intake_envelope(k, whole_id, "Whole W") + "]}";
  auto sealed = ws::push_seal::seal(key, k.identity.device_id, body);
  REQUIRE(sealed);
  CHECK(sealed->substr(0, 4) == "WSS1");
  auto as_whole = test::post_raw_push(server.url(), k.identity.token, *sealed);
  REQUIRE(as_whole);
  CHECK(as_whole->status == 200);

  auto held = server.records();
  CHECK(held.at(plain_id).payload.at("name_latin") == "Plain P");
  CHECK(held.at(whole_id).payload.at("name_latin") == "Whole W");
}

TEST_CASE("the enrolment reply names the server's key; rows queued before any key are sealed when it arrives") {
  TestServer server;
  auto transport = make_http_transport(server.url());
  REQUIRE(transport);
  auto code = ws::server::DeviceRegistry(server.database()).create_code("OSLO", ws::server::kDefaultCodeTtlMs);
  REQUIRE(code);
  auto enrolled = enroll_device(**transport, code->code, "new kiosk");
  REQUIRE(enrolled);
  const std::string key = ws::push_seal::decode_key(enrolled->seal_key);
  CHECK(key.size() == 32);

  // A kiosk enrolled against an older server: no key, so its rows wait without a copy.
  Kiosk k(server, "OSLO");
  auto id = k.store->save("intake", fixture_answers(5));
  REQUIRE(id);
  CHECK(unsealed_rows(*k.store) == 1);
  REQUIRE(k.store->set_server_seal_key(key));
  CHECK(unsealed_rows(*k.store) == 0);
  CHECK(fixtures_in(outbox_bytes(*k.store)).empty());
  auto report = k.sync();
  REQUIRE(report);
  CHECK(report->accepted == 1);
  CHECK(server.records().at(*id).payload.at("name_latin") == kFixture[0]);
}

TEST_CASE("copies sealed to an old key or an old device id are made again from the records") {
  TestServer server;
  Kiosk k(server, "OSLO");
  auto stale = ws::seal::make_key_pair();
  REQUIRE(stale);
  REQUIRE(k.store->set_server_seal_key(stale->public_key));
  auto first = k.store->save("intake", fixture_answers(6));
  REQUIRE(first);
  CHECK(unsealed_rows(*k.store) == 0);  // sealed to the stale key
  auto report = k.sync();               // the health check names the real key first
  REQUIRE(report);
  CHECK(report->accepted == 1);

  // Enrolled again (a new device id): copies made for the old id would not open.
  auto second = k.store->save("intake", fixture_answers(7));
  REQUIRE(second);
  const std::string before = sealed_copy(*k.store, *second);
  auto again = server.enroll("OSLO");
  REQUIRE(k.store->set_identity(again));
  const std::string after = sealed_copy(*k.store, *second);
  CHECK(after != before);
  const auto keys = server_keys(server);
  const std::string body = ws::push_seal::items_body(ws::new_uuid_v7(), {after}).value();
  CHECK(ws::push_seal::open(keys, again.device_id, body, 1 << 20));
  CHECK_FALSE(ws::push_seal::open(keys, k.identity.device_id, body, 1 << 20));
}

TEST_CASE("a pull that merges into a queued record sends the merged record") {
  TestServer server;
  Kiosk a(server, "OSLO");
  Kiosk b(server, "OSLO");
  learn_key(a);
  learn_key(b);
  auto id = a.store->save("intake", fixture_answers(8));
  REQUIRE(id);
  REQUIRE(a.sync());
  REQUIRE(b.sync());
  REQUIRE(b.store->update(*id, {{"nationality", "From B"}}));
  REQUIRE(b.sync());
  REQUIRE(a.store->update(*id, {{"return_country", "From A"}}));  // queued, sealed
  const std::string before = sealed_copy(*a.store, *id);
  auto pulled = SyncRound(*a.store, a.transport).pull();
  REQUIRE(pulled);
  CHECK(*pulled >= 1);
  CHECK(sealed_copy(*a.store, *id) != before);  // sealed again, merged
  REQUIRE(a.sync());
  auto held = server.records().at(*id);
  CHECK(held.payload.at("nationality") == "From B");
  CHECK(held.payload.at("return_country") == "From A");
}
