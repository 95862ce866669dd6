// kiosk.conf on the real binary: the data folder comes from the file, the command line wins,
// --print-config shows both, and a wrong key is named with its line.
#include <doctest/doctest.h>

#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

TEST_CASE("the kiosk takes its data folder from a configuration file and the command line wins") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("kiosk")};
  k.enroll(server, "OSLO");
  dir.write("kiosk.conf", "# installation\ndata-dir = " + k.data_dir + "\nfullscreen = true\n");
  const auto conf = dir.file("kiosk.conf");

  auto status = run({kiosk_bin(), "--config", conf, "status", "--json", "--timeout-ms", "2000"});
  REQUIRE_MESSAGE(status.code == 0, status.err);
  CHECK(nlohmann::json::parse(status.out)["centre"] == "OSLO");

  auto shown = run({kiosk_bin(), "--config", conf, "--data-dir", dir.sub("other"), "--print-config"});
  REQUIRE(shown.code == 0);
  CHECK(shown.out.find("data-dir = " + dir.sub("other") + "    # command line") != std::string::npos);
  CHECK(shown.out.find("fullscreen = true    # " + conf + ":3") != std::string::npos);
  CHECK(shown.out.find("data-dir = " + k.data_dir) == std::string::npos);
}

TEST_CASE("a wrong key in kiosk.conf is refused with its name and line") {
  TempDir dir;
  dir.write("kiosk.conf", "data-dir = /nowhere\nfulscreen = true\n");
  auto r = run({kiosk_bin(), "--config", dir.file("kiosk.conf"), "status"});
  CHECK(r.code == 2);
  CHECK(r.err.find(dir.file("kiosk.conf") + ":2: unknown key 'fulscreen'") != std::string::npos);
}
