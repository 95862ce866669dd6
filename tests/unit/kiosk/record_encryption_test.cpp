// Records and their search text encrypted at rest (kiosk/core/store/record_codec.hpp,
// search_index.hpp, pull_inbox.cpp; docs/security.md "Encryption at rest").
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/search_index.hpp"
#include "kiosk/core/store/vault.hpp"
#include "tests/support/folder_scan.hpp"
#include "tests/unit/kiosk/record_rows.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::kiosk {
namespace {

using nlohmann::json;

const std::vector<std::string> kFixture = {"Ahmad Qorbani-Vx", "احمد قربانی", "+47 915 22 318", "Halima Nazari-Vx",
                                           "حلیمه نظری", "Pulled Rahimi-Vx"};

struct FastKdf {
  FastKdf() { vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { vault::set_kdf_limits({}); }
};

// A folder whose vault counsellor "c1" opened (PIN kPin): unlocked until a test locks it.
constexpr const char* kPin = "402718";
struct OpenVault {
  FastKdf fast;
  test::TempDir dir;
  std::unique_ptr<Store> store = test::enrolled_store(dir.path());
  OpenVault() { REQUIRE(vault::add_copy(*store, "c1", kPin)); }
  ~OpenVault() { vault::lock(dir.path()); }
  void lock() { vault::lock(dir.path()); }
  void unlock() { REQUIRE(vault::unlock(*store, "c1", kPin)); }
};

using test::codec_of;
using test::payload_bytes;

void set_payload(Store& s, const std::string& id, int codec_id, const std::string& bytes) {
  auto st = s.connection().prepare("UPDATE records SET payload_codec = ?1, payload = ?2 WHERE id = ?3");
  REQUIRE(st);
  REQUIRE(st->bind(1, codec_id).bind_blob(2, bytes).bind(3, id).run());
}

std::vector<std::string> ids_of(const std::vector<StoredRecord>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.envelope.id);
  return out;
}

}  // namespace

TEST_CASE("records written with the vault open use the data key, bound to their row") {
  OpenVault v;
  auto a = v.store->save("intake", {{"full_name", kFixture[0]}, {"phone", kFixture[2]}});
  auto b = v.store->save("intake", {{"full_name", kFixture[3]}});
  REQUIRE(a);
  REQUIRE(b);
  CHECK(codec_of(*v.store, *a) == codec::kDataKey);
  CHECK(payload_bytes(*v.store, *a).find("Ahmad") == std::string::npos);
  CHECK(v.store->get(*a).value().value().envelope.payload["full_name"] == kFixture[0]);

  SUBCASE("a ciphertext moved to another row does not open there") {
    set_payload(*v.store, *b, codec::kDataKey, payload_bytes(*v.store, *a));
    auto moved = v.store->get(*b);
    REQUIRE_FALSE(moved);
    CHECK(moved.error().code == "corrupt");
  }
  SUBCASE("another kiosk's data key never opens it, even for the same record id") {
    OpenVault other;
    auto theirs = other.store->save("intake", {{"full_name", "x"}});
    REQUIRE(theirs);
    auto unqueue = other.store->connection().prepare("DELETE FROM outbox WHERE record_id = ?1");
    REQUIRE(unqueue);
    REQUIRE(unqueue->bind(1, *theirs).run());
    auto rename = other.store->connection().prepare("UPDATE records SET id = ?1 WHERE id = ?2");
    REQUIRE(rename);
    REQUIRE(rename->bind(1, *a).bind(2, *theirs).run());
    set_payload(*other.store, *a, codec::kDataKey, payload_bytes(*v.store, *a));
    auto stolen = other.store->get(*a);
    REQUIRE_FALSE(stolen);
    CHECK(stolen.error().code == "corrupt");
  }
  SUBCASE("forms, content, settings and accounts stay plain") {
    auto account = v.store->save("counsellor", {{"name", "Staff Member"}, {"role", "counsellor"}});
    REQUIRE(account);
    CHECK(codec_of(*v.store, *account) == codec::kJsonText);
  }
}

TEST_CASE("while locked, saves are sealed, metadata lists work and reading answers says vault_locked") {
  OpenVault v;
  auto before = v.store->save("intake", {{"full_name", kFixture[0]}});
  REQUIRE(before);
  v.lock();
  auto during = v.store->save("intake", {{"full_name", kFixture[3]}});
  REQUIRE(during);
  CHECK(codec_of(*v.store, *during) == codec::kSealedJson);
  CHECK(payload_bytes(*v.store, *during).find("Halima") == std::string::npos);

  auto listed = v.store->list({.kind = "intake"});
  REQUIRE(listed);
  CHECK(ids_of(*listed) == std::vector<std::string>{*during, *before});
  for (const auto& r : *listed) {
    CHECK(r.payload_locked);
    CHECK(r.envelope.payload == json::object());
  }
  CHECK(v.store->pending_count().value() == 2);
  CHECK(v.store->list({.kind = "intake", .text = "ahm"}).error().code == "vault_locked");
  CHECK(v.store->update(*before, {{"full_name", "changed"}}).error().code == "vault_locked");
  CHECK(v.store->remove(*before).error().code == "vault_locked");

  v.unlock();
  CHECK(v.store->get(*during).value().value().envelope.payload["full_name"] == kFixture[3]);
  vault::settle_after_unlock(*v.store);
  CHECK(codec_of(*v.store, *during) == codec::kDataKey);
  CHECK(v.store->get(*during).value().value().envelope.payload["full_name"] == kFixture[3]);
  REQUIRE(v.store->update(*before, {{"full_name", kFixture[1]}}));
  CHECK(v.store->get(*before).value().value().envelope.payload["full_name"] == kFixture[1]);
}

TEST_CASE("search runs on the in-memory index: Latin and Arabic script, prefixes, dropped at lock") {
  OpenVault v;
  auto ahmad = v.store->save("intake", {{"full_name", kFixture[0]}, {"name_native", kFixture[1]}});
  auto halima = v.store->save("intake", {{"full_name", kFixture[3]}, {"name_native", kFixture[4]}});
  REQUIRE(ahmad);
  REQUIRE(halima);
  auto find = [&](const std::string& text) { return ids_of(v.store->list({.kind = "intake", .text = text}).value()); };
  CHECK(find("Ahm") == std::vector<std::string>{*ahmad});
  CHECK(find("qorbani") == std::vector<std::string>{*ahmad});
  CHECK(find("احمد") == std::vector<std::string>{*ahmad});
  CHECK(find("نظری") == std::vector<std::string>{*halima});
  CHECK(find("-vx") == std::vector<std::string>{*halima, *ahmad});
  CHECK(v.store->list({.kind = "intake", .text = "-vx", .limit = 1, .offset = 1}).value().front().envelope.id == *ahmad);
  CHECK(find("nobody").empty());
  // An edit is found at once (the entry is checked against the stored bytes), the old text not.
  REQUIRE(v.store->update(*ahmad, {{"full_name", "Ahmad Karimi-Vx"}}));
  CHECK(find("karimi") == std::vector<std::string>{*ahmad});
  CHECK(find("qorbani").empty());
  CHECK(search_index::size(v.dir.path()) >= 2);
  // Nothing derived from the text is on disk.
  auto st = v.store->connection().prepare("SELECT COUNT(*) FROM records WHERE search_text <> ''");
  REQUIRE(st);
  REQUIRE(st->step().value());
  CHECK(st->column_int(0) == 0);
  v.lock();
  CHECK(search_index::size(v.dir.path()) == 0);
}

TEST_CASE("the first sign-in encrypts what a folder kept in clear, and search keeps working") {
  FastKdf fast;
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto plain = store->save("intake", {{"full_name", kFixture[0]}, {"phone", kFixture[2]}});
  REQUIRE(plain);
  CHECK(codec_of(*store, *plain) == codec::kJsonText);
  CHECK(ids_of(store->list({.kind = "intake", .text = "ahm"}).value()) == std::vector<std::string>{*plain});
  REQUIRE(vault::add_copy(*store, "c1", kPin));
  CHECK(codec_of(*store, *plain) == codec::kDataKey);
  CHECK(ids_of(store->list({.kind = "intake", .text = "ahm"}).value()) == std::vector<std::string>{*plain});
  vault::lock(dir.path());
  store.reset();
  CHECK(ws::test::files_holding(dir.path(), {kFixture[0], kFixture[2]}) == "");
}

TEST_CASE("after saves, locked saves and pulls, a quarantine and a conflict, no fixture value is in the folder") {
  OpenVault v;
  auto& store = *v.store;
  auto intake = store.save("intake", {{"full_name", kFixture[0]}, {"name_native", kFixture[1]}, {"phone", kFixture[2]}});
  REQUIRE(intake);
  REQUIRE(store.update(*intake, {{"full_name", kFixture[0] + " Jr"}}));
  REQUIRE(store.quarantine(*intake, "refused by the server"));
  REQUIRE(store.put_draft("c1", "form:intake", {{"full_name", kFixture[4]}}));
  // A pulled edit of the record replaces the local one later, after the lock.
  Envelope incoming = store.get(*intake).value().value().envelope;
  incoming.version = Version{Hlc{HlcClock::system_wall_ms() + 60'000, 0}, "dev-other"};
  incoming.payload["full_name"] = kFixture[5];
  incoming.field_versions["full_name"] = incoming.version;
  incoming.base_version.reset();
  Envelope fresh;
  fresh.id = new_uuid_v7();
  fresh.kind = "intake";
  fresh.centre = "OSLO";
  fresh.version = incoming.version;
  fresh.payload = {{"full_name", kFixture[3]}};
  fresh.field_versions["full_name"] = fresh.version;
  v.lock();
  REQUIRE(store.save("intake", {{"full_name", kFixture[3]}, {"phone", kFixture[2]}}));
  REQUIRE(store.apply_pull(protocol::PullResponse{{incoming, fresh}, "7", false}));
  CHECK(store.pull_inbox_count().value() == 1);
  CHECK(store.scrub_wal().value());
  CHECK(ws::test::files_holding(v.dir.path(), kFixture) == "");

  // Everything is there after the next sign-in, with the conflict of the waiting pull logged.
  v.unlock();
  vault::settle_after_unlock(store);
  CHECK(store.pull_inbox_count().value() == 0);
  CHECK(store.get(*intake).value().value().envelope.payload["full_name"] == kFixture[5]);
  CHECK(store.get(fresh.id).value().value().envelope.payload["full_name"] == kFixture[3]);
  auto conflicts = store.conflicts().value();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts.front().lost_value == kFixture[0] + " Jr");
  CHECK(store.quarantined().value().size() == 1);
  CHECK(store.list({.kind = "intake", .text = "halima"}).value().size() == 2);
  CHECK(store.scrub_wal().value());
  CHECK(ws::test::files_holding(v.dir.path(), kFixture) == "");
}

}  // namespace ws::kiosk
