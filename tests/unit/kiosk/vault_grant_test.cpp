// The vault's server escrow and online grant (docs/security.md "Accounts without a copy"),
// against the real server core in process: counsellor A makes the vault and it is escrowed at
// the next sync; B, whom HQ made and the kiosk pulled, signs in and gets a copy; a wrong PIN,
// another centre's device and a revoked device get nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/sync/vault_grant_client.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "sync-server/core/records.hpp"
#include "tests/support/fast_vault.hpp"
#include "tests/support/folder_scan.hpp"
#include "tests/unit/kiosk/test_server.hpp"
#include "ws/ids.hpp"
#include "ws/vault_grant.hpp"

namespace ws::kiosk {
namespace {

constexpr const char* kAmalPin = "135790";
constexpr const char* kBenPin = "246810";

// An account HQ made (as `sync-server counsellor-add` writes it).
std::string hq_account(test::TestServer& server, const std::string& centre, const std::string& name,
                       const std::string& pin) {
  auto w = server::WriteScope::begin(server.database());
  REQUIRE(w);
  auto stamp = server::next_server_version(w->conn());
  REQUIRE(stamp);
  Envelope e;
  e.id = new_uuid_v7();
  e.kind = "counsellor";
  e.centre = centre;
  e.version = *stamp;
  e.payload = {{"name", name}, {"role", "counsellor"}, {"pin_hash", ws::test::cheap_hash(pin)}, {"active", true}};
  for (const auto& [field, value] : e.payload.items()) e.field_versions[field] = *stamp;
  REQUIRE(server::write_record(w->conn(), e));
  REQUIRE(w->commit());
  return e.id;
}

std::string server_text(test::TestServer& server, const std::string& sql, const std::string& arg = "") {
  auto lease = server.database().acquire();
  REQUIRE(lease);
  auto st = (*lease)->prepare(sql.c_str());
  REQUIRE(st);
  if (!arg.empty()) st->bind(1, arg);
  auto row = st->step();
  REQUIRE(row);
  return *row ? st->column_text(0) : std::string();
}

int audit_count(test::TestServer& server, const std::string& action) {
  return std::stoi(server_text(server, "SELECT count(*) FROM audit_log WHERE action = ?1", action));
}

// A centre whose kiosk Amal set up: her vault, a value sealed to it, escrowed at the next sync;
// Ben's account HQ made, pulled by the kiosk, which holds no copy for him. The vault is locked.
struct Centre {
  ws::test::FastKdf fast;
  test::TestServer server;
  test::EnrolledKiosk kiosk{server, "OSLO"};
  std::string amal;
  std::string ben;
  std::string sealed;

  Centre() {
    amal = counsellors::save(*kiosk.store, "Amal Haddad", "admin", ws::test::cheap_hash(kAmalPin)).value();
    ben = hq_account(server, "OSLO", "Ben Tesfaye", kBenPin);
    REQUIRE(kiosk.sync());
    REQUIRE(vault::add_copy(*kiosk.store, amal, kAmalPin));
    sealed = vault::seal(vault::public_key(*kiosk.store).value(), "Leyla Rahimi");
    REQUIRE(kiosk.sync());
    vault::lock(dir());
  }
  ~Centre() { vault::lock(dir()); }
  std::string dir() const { return kiosk.dir.path(); }
  Status grant(const std::string& pin) { return request_grant(*kiosk.store, kiosk.transport, kiosk.identity, ben, pin); }
};

void sign_in(vm::Workspace& ws, const std::string& id, const std::string& pin, std::int64_t at) {
  REQUIRE(ws.session().submit(id, pin, at));
  ws.session().wait_for_verification();
  ws.tick(at + 1);
  REQUIRE(ws.session().signed_in());
}

}  // namespace

TEST_CASE("vault grant: the vault is escrowed once at sync, sealed to the server's key") {
  Centre c;
  const std::string device = c.kiosk.identity.device_id;
  CHECK(server_text(c.server, "SELECT count(*) FROM vault_escrow WHERE device_id = ?1", device) == "1");
  CHECK(audit_count(c.server, "vault.escrowed") == 1);
  // Acknowledged: later rounds send nothing, also with the vault open again.
  REQUIRE(vault::unlock(*c.kiosk.store, c.amal, kAmalPin));
  REQUIRE(c.kiosk.sync());
  CHECK(audit_count(c.server, "vault.escrowed") == 1);
}

TEST_CASE("vault grant: an account HQ made signs in offline without the key, then online gets its own copy") {
  Centre c;
  auto data = vm::StoreWorkspaceData::open(c.dir(), WS_SOURCE_ASSETS_DIR);
  REQUIRE(data);
  vm::Workspace ws(**data);
  ws.refresh_accounts();

  c.server.stop();
  sign_in(ws, c.ben, kBenPin, 10);
  CHECK_FALSE(vault::unlocked(c.dir()));
  CHECK(ws.notice().find("online") != std::string::npos);
  ws.session().logout();
  ws.tick(20);

  c.server.start();
  sign_in(ws, c.ben, kBenPin, 30);
  CHECK(ws.notice().empty());
  CHECK(vault::unlocked(c.dir()));
  CHECK(vault::has_copy(*c.kiosk.store, c.ben).value());
  CHECK(vault::open(c.dir(), c.sealed).value() == "Leyla Rahimi");
  CHECK(audit_count(c.server, "vault.granted") == 1);
  ws.session().logout();
  ws.tick(40);
  CHECK_FALSE(vault::unlocked(c.dir()));

  // His own copy now opens it with the server gone.
  c.server.stop();
  sign_in(ws, c.ben, kBenPin, 50);
  CHECK(vault::unlocked(c.dir()));
  ws.session().logout();
  ws.tick(60);
}

TEST_CASE("vault grant: a wrong PIN gets nothing and every failure counts until the server pauses grants") {
  Centre c;
  for (int i = 0; i < 5; ++i) {
    auto refused = c.grant("999999");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "forbidden");
  }
  CHECK_FALSE(vault::unlocked(c.dir()));
  CHECK_FALSE(vault::has_copy(*c.kiosk.store, c.ben).value());
  CHECK(audit_count(c.server, "vault.grant_refused") == 5);
  // Spent: even the right PIN waits now, before the server looks at it.
  auto paused = c.grant(kBenPin);
  REQUIRE_FALSE(paused);
  CHECK(paused.error().code == "rate_limited");
  CHECK_FALSE(vault::unlocked(c.dir()));
}

TEST_CASE("vault grant: another centre's device cannot get the key, nor can a revoked one") {
  Centre c;
  test::EnrolledKiosk bergen(c.server, "BERGEN");
  REQUIRE(bergen.sync());
  auto other = request_grant(*bergen.store, bergen.transport, bergen.identity, c.ben, kBenPin);
  REQUIRE_FALSE(other);
  CHECK(other.error().code == "forbidden");
  CHECK_FALSE(vault::unlocked(bergen.dir.path()));

  REQUIRE(server::DeviceRegistry(c.server.database()).revoke(c.kiosk.identity.device_id));
  CHECK(server_text(c.server, "SELECT count(*) FROM vault_escrow") == "0");
  auto revoked = c.grant(kBenPin);
  REQUIRE_FALSE(revoked);
  CHECK(revoked.error().code == "revoked");
  CHECK_FALSE(vault::unlocked(c.dir()));
}

TEST_CASE("vault grant: the server refuses an escrow that is not the named key's secret, and a request naming another device") {
  Centre c;
  const std::string server_key = c.kiosk.store->server_seal_key().value();
  auto mine = seal::make_key_pair();
  auto other = seal::make_key_pair();
  REQUIRE(mine);
  REQUIRE(other);
  auto post = [&](const test::EnrolledKiosk& from, const char* route, std::string body) {
    HttpRequest req;
    req.method = HttpRequest::Method::Post;
    req.path = route;
    req.body = std::move(body);
    req.bearer_token = from.identity.token;
    auto reply = c.kiosk.transport.send(req);
    REQUIRE(reply);
    return *reply;
  };
  const auto forged = vault_grant::seal_secret(seal::KeyPair{mine->public_key, std::move(other->secret_key)}, server_key);
  CHECK(post(c.kiosk, vault_grant::kRouteEscrow, vault_grant::to_json(forged).dump()).status == 400);
  CHECK(audit_count(c.server, "vault.escrowed") == 1);

  // Another centre's kiosk replaying a request made for this one (its device id inside).
  test::EnrolledKiosk bergen(c.server, "BERGEN");
  const vault_grant::GrantRequest request{c.kiosk.identity.device_id, c.ben, kBenPin, mine->public_key};
  const auto replayed = post(bergen, vault_grant::kRouteGrant, vault_grant::seal_request(server_key, request));
  CHECK(replayed.status == 403);
  CHECK(replayed.body.find("sealed_secret") == std::string::npos);
}

TEST_CASE("vault grant: no PIN in the server's audit log or files, nor in the kiosk's folder") {
  Centre c;
  REQUIRE(c.grant(kBenPin));
  REQUIRE_FALSE(c.grant("999999"));
  const std::string audit = server_text(
      c.server, "SELECT group_concat(actor || action || object_id || details, '|') FROM audit_log");
  CHECK(audit.find("vault.granted") != std::string::npos);
  for (const std::string pin : {kBenPin, "999999", kAmalPin}) {
    CHECK(audit.find(pin) == std::string::npos);
    CHECK(ws::test::files_holding(std::filesystem::path(c.server.database().path()).parent_path().string(), {pin}) ==
          "");
    CHECK(ws::test::files_holding(c.dir(), {pin}) == "");
  }
}

}  // namespace ws::kiosk
