// `--config FILE` and `--print-config` on the real binary: a file sets any option, the command
// line wins, and a wrong key is named with its line.
#include <doctest/doctest.h>

#include "tests/e2e/server/server_process.hpp"

using namespace ws;
using namespace ws::e2e;

TEST_CASE("a configuration file sets options, the command line overrides it, print-config shows both") {
  TempDir dir;
  const auto db = dir.file("s.db");
  dir.write("server.conf", "# test\ndb = " + db + "\nworkers = 3\ninsecure = true\n");
  const auto conf = dir.file("server.conf");

  // An admin command takes its --db from the file.
  auto code = run_cli({"enroll-code", "--config", conf, "--centre", "OSLO"});
  REQUIRE(code.exit_code == 0);
  CHECK(code.json()["centre"] == "OSLO");

  auto shown = run_cli({"serve", "--config", conf, "--listen", "127.0.0.1:0", "--workers", "5", "--print-config"});
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("db = " + db + "    # " + conf + ":2") != std::string::npos);
  CHECK(shown.out.find("workers = 5    # command line") != std::string::npos);
  CHECK(shown.out.find("listen = 127.0.0.1:0    # command line") != std::string::npos);
  CHECK(shown.out.find("insecure = true    # " + conf + ":4") != std::string::npos);
}

TEST_CASE("a wrong key in the configuration file is refused with its name and line") {
  TempDir dir;
  dir.write("server.conf", "db = x.db\nlisten = 127.0.0.1:0\nworkrs = 3\n");
  auto r = run_cli({"serve", "--config", dir.file("server.conf")});
  CHECK(r.exit_code == 2);
  CHECK(r.json()["error"]["message"] == dir.file("server.conf") + ":3: unknown key 'workrs'");
  auto missing = run_cli({"devices", "--config", dir.file("absent.conf")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.json()["error"]["message"].get<std::string>().find("absent.conf") != std::string::npos);
}
