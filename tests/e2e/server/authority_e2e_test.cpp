// A stolen device token rewrites no account: the real sync-server, its admin commands, and a
// device that pushes what the issue describes (an account's id, a fresh stamp of its own, its
// own PIN hash, role admin) over HTTP.
#include <doctest/doctest.h>

#include "tests/e2e/server/kiosk_sim.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

const char* kOwnHash = "$argon2id$v=19$m=262144,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";

json account_of(httplib::Client& c, const Kiosk& k, const std::string& id) {
  auto res = c.Get("/v1/pull?since=0&limit=1000", k.auth());
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const json page = json::parse(res->body);
  for (const auto& r : page["records"]) {
    if (r["id"] == id) return r;
  }
  FAIL("an account is not in the feed");
  return {};
}

}  // namespace

TEST_CASE("a device cannot take over, re-activate or delete an account HQ made") {
  TempDir dir;
  const auto db = dir.file("s.db");
  auto added = run_cli({"counsellor-add", "--db", db, "--centre", "OSLO", "--name", "Kari Nordmann"}, "482913\n");
  REQUIRE(added.exit_code == 0);
  const std::string kari = added.json()["id"];
  auto gone = run_cli({"counsellor-add", "--db", db, "--centre", "OSLO", "--name", "Former Staff"}, "739104\n");
  REQUIRE(gone.exit_code == 0);
  const std::string former = gone.json()["id"];
  REQUIRE(run_cli({"counsellor-disable", "--db", db, "--id", former}).exit_code == 0);

  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();
  const json kari_before = account_of(c, k, kari);
  const json former_before = account_of(c, k, former);

  const Version fresh{Hlc{now_ms() + 1000, 0}, k.device_id};
  auto take_over = record(kari, "counsellor", "OSLO", fresh,
                          {{"name", "Kari Nordmann"}, {"role", "admin"}, {"pin_hash", kOwnHash}, {"active", true}});
  auto reactivate = record(former, "counsellor", "OSLO", fresh,
                           {{"name", "Former Staff"}, {"role", "counsellor"}, {"pin_hash", kOwnHash}, {"active", true}});
  auto tombstone = take_over;
  tombstone["deleted"] = true;
  auto as_server = record(kari, "counsellor", "OSLO", Version{fresh.hlc, "server"},
                          {{"name", "Kari Nordmann"}, {"role", "admin"}, {"pin_hash", kOwnHash}, {"active", true}});
  for (const json& attempt : {take_over, reactivate, tombstone, as_server}) {
    auto res = push(c, k, batch(new_uuid_v7(), json::array({attempt})));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const auto result = json::parse(res->body)["results"][0];
    CHECK(result["status"] == "rejected");
    CHECK_FALSE(result["error"].get<std::string>().empty());
  }

  CHECK(account_of(c, k, kari) == kari_before);
  CHECK(account_of(c, k, former) == former_before);
  CHECK(account_of(c, k, former)["payload"]["active"] == false);
  auto refused = run_cli({"refused", "--db", db});
  REQUIRE(refused.exit_code == 0);
  CHECK(refused.json()["refused"].size() == 4);
}
