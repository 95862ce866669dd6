// `kiosk backup --to DIR`: a technician's copy of a kiosk folder is a working kiosk folder on its
// own (same records, same outbox), private, and never written over an existing folder.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

namespace {
unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}
}  // namespace

TEST_CASE("a kiosk backup is a private, complete folder that works as the kiosk's data") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("kiosk")};
  k.enroll(server, "OSLO");
  k.add("intake", intake(1), dir.path());
  REQUIRE(k.cli({"sync"}).code == 0);
  k.add("intake", intake(2), dir.path());  // saved offline: still in the outbox

  auto made = k.cli({"backup", "--to", dir.sub("copy")});
  REQUIRE_MESSAGE(made.code == 0, made.err);
  CHECK(nlohmann::json::parse(made.out)["integrity"] == "ok");
  CHECK(mode_of(dir.sub("copy")) == 0700);
  CHECK(mode_of(dir.sub("copy") + "/kiosk.db") == 0600);
  CHECK_FALSE(std::filesystem::exists(dir.sub("copy") + "/space-reserve"));

  Kiosk copy{dir.sub("copy")};
  CHECK(copy.list("intake").size() == 2);
  CHECK(copy.status()["pending"] == 1);
  CHECK(copy.status()["centre"] == "OSLO");

  auto again = k.cli({"backup", "--to", dir.sub("copy")});
  CHECK(again.code == 1);
  CHECK(again.err.find("must not exist") != std::string::npos);
}
