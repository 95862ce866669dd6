// Refusals that are not the server's: a firewall or proxy between kiosk and server answers
// HTML 403/400/413. Nothing may be quarantined for that; everything syncs once it behaves.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "tests/e2e/kiosk/fault_proxy.hpp"
#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

TEST_CASE("a proxy's HTML 403, 400 and 413 quarantine nothing, and everything syncs once the proxy behaves") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  FaultProxy proxy;
  proxy.set_upstream(server.port());
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO", "http://127.0.0.1:" + std::to_string(proxy.port()));

  std::set<std::string> ids;
  for (int status : {403, 400, 413}) {
    CAPTURE(status);
    for (int i = 0; i < 3; ++i) ids.insert(k.add("intake", intake(status * 10 + i), dir.path()));
    proxy.set_html_refusal(status);
    auto r = k.cli({"sync", "--timeout-ms", "5000"});
    CHECK(r.code == 1);
    CHECK(r.err.find("a proxy or firewall between this kiosk and the server refused the request (HTTP " +
                     std::to_string(status) + ")") != std::string::npos);
    auto st = k.status();
    CHECK(st["quarantined"] == 0);
    CHECK(st["pending"] == static_cast<int>(ids.size()));
    CHECK(st["last_error"].get<std::string>().find("proxy or firewall") != std::string::npos);
    CHECK(server.export_records("intake").empty());
  }
  CHECK(proxy.html_refusals() >= 3);

  proxy.set_html_refusal(0);
  auto r = k.cli({"sync", "--timeout-ms", "5000"});
  CHECK(r.code == 0);
  auto st = k.status();
  CHECK(st["quarantined"] == 0);
  CHECK(st["pending"] == 0);
  std::set<std::string> on_server;
  for (const auto& e : server.export_records("intake")) on_server.insert(e["id"].get<std::string>());
  CHECK(on_server == ids);
}

namespace {

// `sync-server refused --db FILE [options]`: the records HQ sees as refused.
nlohmann::json refused_on_server(const std::string& db, std::vector<std::string> options = {}) {
  std::vector<std::string> argv{server_bin(), "refused", "--db", db};
  argv.insert(argv.end(), options.begin(), options.end());
  auto r = run(argv);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out)["refused"];
}

std::size_t on_server(Server& server, const std::string& id) {
  std::size_t n = 0;
  for (const auto& e : server.export_records("intake")) n += e["id"] == id;
  return n;
}

}  // namespace

TEST_CASE("kiosk retry sends a refused record again unchanged, and sync-server refused lists refusals until resolved") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  std::string form_file;
  Kiosk k{dir.sub("k"), forms_with_intake_v2(dir, form_file)};
  k.enroll(server, "OSLO");
  const std::string id = k.add("intake", intake(1), dir.path());
  const std::string other = k.add("intake", intake(2), dir.path());

  CHECK(k.cli({"sync"}).code == 3);
  CHECK(k.status()["quarantined"] == 2);
  CHECK(on_server(server, id) == 0);
  // HQ sees both, with the reason and the device; another centre has none.
  auto refused = refused_on_server(dir.sub("server.db"));
  REQUIRE(refused.size() == 2);
  CHECK(refused[0]["id"] == id);
  CHECK(refused[0]["centre"] == "OSLO");
  CHECK(refused[0]["kind"] == "intake");
  CHECK(refused[0]["device_id"] == k.status()["device_id"]);
  CHECK_FALSE(refused[0]["message"].get<std::string>().empty());
  CHECK(refused[0]["payload"].is_object());
  CHECK(refused_on_server(dir.sub("server.db"), {"--centre", "BERGEN"}).empty());

  CHECK(k.cli({"retry"}).code == 2);
  auto unknown = k.cli({"retry", "--id", "01890000-0000-7000-8000-000000000000"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("no record") != std::string::npos);

  // Sent again while the server still lacks the form: refused again, nothing lost or doubled.
  auto one = k.cli({"retry", "--id", id, "--json"});
  REQUIRE(one.code == 0);
  CHECK(nlohmann::json::parse(one.out)["requeued"] == 1);
  CHECK(k.status()["pending"] == 1);
  CHECK(k.status()["quarantined"] == 1);
  CHECK(k.cli({"sync"}).code == 3);
  CHECK(k.status()["quarantined"] == 2);
  CHECK(refused_on_server(dir.sub("server.db")).size() == 3);

  server.publish("form", form_file);
  auto all = k.cli({"retry", "--all", "--json"});
  REQUIRE(all.code == 0);
  CHECK(nlohmann::json::parse(all.out)["requeued"] == 2);
  CHECK(k.cli({"sync"}).code == 0);
  CHECK(on_server(server, id) == 1);
  CHECK(on_server(server, other) == 1);
  auto st = k.status();
  CHECK(st["quarantined"] == 0);
  CHECK(st["pending"] == 0);
  CHECK(refused_on_server(dir.sub("server.db")).empty());
  auto resolved = refused_on_server(dir.sub("server.db"), {"--all"});
  REQUIRE(resolved.size() == 3);
  for (const auto& r : resolved) CHECK(r["resolved_at_ms"].is_number());
  CHECK(nlohmann::json::parse(k.cli({"retry", "--all", "--json"}).out)["requeued"] == 0);
}

TEST_CASE("records refused for an unknown form version are sent again by themselves once HQ publishes it") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  std::string form_file;
  Kiosk k{dir.sub("k"), forms_with_intake_v2(dir, form_file)};
  k.enroll(server, "OSLO");
  const std::string id = k.add("intake", intake(1), dir.path());
  CHECK(k.cli({"sync"}).code == 3);
  CHECK(k.status()["quarantined"] == 1);
  CHECK(on_server(server, id) == 0);

  server.publish("form", form_file);
  // The next sync pulls version 2 and re-sends the record in the same round.
  auto r = k.cli({"sync", "--json"});
  CHECK(r.code == 0);
  CHECK(on_server(server, id) == 1);
  auto st = k.status();
  CHECK(st["quarantined"] == 0);
  CHECK(st["pending"] == 0);
  CHECK(refused_on_server(dir.sub("server.db")).empty());
}
