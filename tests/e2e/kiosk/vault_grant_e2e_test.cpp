// The vault's escrow and grant with the real binaries over pinned TLS (docs/security.md
// "Accounts without a copy"): Amal sets the kiosk's vault up, the next sync escrows it; Ben, whom
// HQ made and the kiosk pulled, opens the kiosk's data with his PIN once online, then offline
// with his own copy. No PIN in any log, output or file.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

namespace {

constexpr const char* kAmalPin = "135790";
constexpr const char* kBenPin = "246810";
constexpr const char* kWrongPin = "975310";

// Every byte of every file under `dir`.
std::string all_bytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) all += read_file(entry.path().string());
  }
  return all;
}

// An admin command on `server`'s database, with `stdin_text` on its standard input.
RunResult admin(const Server& server, std::vector<std::string> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), server_bin());
  args.insert(args.begin() + 2, {"--db", server.db()});
  return run(stdin_text.empty() ? args : with_stdin(stdin_text, args));
}

}  // namespace

TEST_CASE("vault grant e2e: escrowed at sync, granted to an account HQ made, then opened offline, and no PIN anywhere") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.use_tls(dir.path());
  server.log_requests();
  server.start();
  std::string outputs;  // every stdout and stderr of every command
  auto keep = [&](const RunResult& r) {
    outputs += r.out + r.err;
    return r;
  };
  for (const auto& [name, pin] : {std::pair{"Amal Haddad", kAmalPin}, std::pair{"Ben Tesfaye", kBenPin}}) {
    auto added = keep(admin(server, {"counsellor-add", "--centre", "OSLO", "--name", name}, pin));
    REQUIRE_MESSAGE(added.code == 0, added.err);
  }
  Kiosk kiosk{dir.sub("kiosk")};
  auto step = [&](std::vector<std::string> args, const std::string& pin = "") {
    return keep(run(pin.empty() ? kiosk.argv(args) : with_stdin(pin, kiosk.argv(args))));
  };
  auto open_as = [&](const std::string& name, const std::string& pin) {
    return step({"conflicts", "--json", "--counsellor", name}, pin);
  };
  kiosk.enroll(server, "OSLO");  // over TLS, the code pinning the server's certificate
  auto r = step({"sync", "--timeout-ms", "20000"});
  REQUIRE_MESSAGE(r.code == 0, r.err);

  // Amal is the first to sign in on this kiosk: her PIN makes the vault; the sync escrows it.
  r = open_as("Amal Haddad", kAmalPin);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = step({"sync", "--timeout-ms", "20000"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  auto audit = keep(admin(server, {"audit", "--json"}));
  CHECK(audit.out.find("vault.escrowed") != std::string::npos);

  // Ben has no copy: a wrong PIN is refused on the kiosk, the right one gets his copy online.
  r = open_as("Ben Tesfaye", kWrongPin);
  CHECK(r.code != 0);
  r = open_as("Ben Tesfaye", kBenPin);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  audit = keep(admin(server, {"audit", "--json"}));
  CHECK(audit.out.find("vault.granted") != std::string::npos);

  // His own copy opens the kiosk's data with the server gone; a wrong PIN still does not.
  server.stop();
  r = open_as("Ben Tesfaye", kBenPin);
  CHECK_MESSAGE(r.code == 0, r.err);
  r = open_as("Ben Tesfaye", kWrongPin);
  CHECK(r.code != 0);

  const std::string files = all_bytes(dir.path());
  CHECK(files.find("vault/grant") != std::string::npos);  // the request log was on
  for (const char* pin : {kAmalPin, kBenPin, kWrongPin}) {
    CHECK_MESSAGE(outputs.find(pin) == std::string::npos, pin);
    CHECK_MESSAGE(files.find(pin) == std::string::npos, pin);
  }
}
