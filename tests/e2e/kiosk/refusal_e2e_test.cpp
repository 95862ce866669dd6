// Refusals that are not the server's: a firewall or proxy between kiosk and server answers
// HTML 403/400/413. Nothing may be quarantined for that; everything syncs once it behaves.
#include <doctest/doctest.h>

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
