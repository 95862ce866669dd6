// Pinned TLS with the real binaries: a self-signed certificate from `sync-server make-cert`,
// enrolment codes that carry its fingerprint, a full sync over TLS with the pin checked, a
// kiosk that refuses another certificate (after a restart and after a reload on SIGHUP), and
// plain http to another host refused before any connection.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <thread>

#include "kiosk/core/store/store.hpp"
#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;
using namespace std::chrono_literals;

namespace {

// make-cert's JSON reply; its "fingerprint" is what kiosks pin.
nlohmann::json make_cert(const std::string& cert, const std::string& key) {
  auto r = run({server_bin(), "make-cert", "--cert", cert, "--key", key, "--name", "localhost,127.0.0.1"});
  REQUIRE_MESSAGE(r.code == 0, (r.out + r.err));
  return nlohmann::json::parse(r.out);
}

std::string https_url(const Server& server) { return "https://127.0.0.1:" + std::to_string(server.port()); }

std::string pinned_code(const std::string& db, const std::string& centre, const std::string& cert) {
  auto r = run({server_bin(), "enroll-code", "--db", db, "--centre", centre, "--tls-cert", cert});
  REQUIRE_MESSAGE(r.code == 0, (r.out + r.err));
  return nlohmann::json::parse(r.out)["code"].get<std::string>();
}

std::string bare_code(const std::string& db, const std::string& centre) {
  auto r = run({server_bin(), "enroll-code", "--db", db, "--centre", centre});
  REQUIRE_MESSAGE(r.code == 0, (r.out + r.err));
  return nlohmann::json::parse(r.out)["code"].get<std::string>();
}

void point_at(const Kiosk& k, const std::string& url) {
  auto store = ws::kiosk::Store::open(k.data_dir);
  REQUIRE(store);
  auto id = (*store)->identity();
  REQUIRE(id);
  id->server_url = url;
  REQUIRE((*store)->set_identity(*id));
}

// Polls the server's log for a line (the harness writes it next to the database).
bool wait_for_log(const std::string& path, const std::string& text) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    if (read_file(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("pinned TLS: two kiosks enrolled with the fingerprint do a full sync over TLS, the pin checked") {
  TempDir dir;
  const std::string db = dir.sub("server.db");
  auto cert = make_cert(dir.sub("cert.pem"), dir.sub("key.pem"));
  CHECK((std::filesystem::status(dir.sub("key.pem")).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  auto fp = run({server_bin(), "fingerprint", "--cert", dir.sub("cert.pem")});
  CHECK(nlohmann::json::parse(fp.out)["fingerprint"] == cert["fingerprint"]);

  Server server(db, {"--tls-cert", dir.sub("cert.pem"), "--tls-key", dir.sub("key.pem")});
  server.start();
  const std::string code = pinned_code(db, "OSLO", dir.sub("cert.pem"));
  CHECK(code.find("@" + cert["fingerprint"].get<std::string>()) != std::string::npos);

  Kiosk a{dir.sub("a")}, b{dir.sub("b")};
  auto enrolled = a.cli({"enroll", "--server", https_url(server), "--code", code});
  REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);
  // The same pin given apart from the code, as HQ may read it out.
  enrolled = b.cli({"enroll", "--server", https_url(server), "--code", bare_code(db, "OSLO"), "--pin",
                    cert["fingerprint"].get<std::string>()});
  REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);

  for (int i = 0; i < 5; ++i) a.add("intake", intake(i), dir.path());
  auto synced = a.cli({"sync", "--timeout-ms", "10000"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);
  synced = b.cli({"sync", "--timeout-ms", "10000"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);
  CHECK(b.list("intake").size() == 5);
  CHECK(server.export_records("intake").size() == 5);
  auto status = a.status();
  CHECK(status["online"] == true);
  CHECK(status["pending"] == 0);
}

TEST_CASE("a kiosk pinned to one certificate refuses the server restarted with another, and says so") {
  TempDir dir;
  const std::string db = dir.sub("server.db");
  make_cert(dir.sub("cert.pem"), dir.sub("key.pem"));
  auto b_cert = make_cert(dir.sub("b.pem"), dir.sub("b.key"));
  Kiosk k{dir.sub("k")};
  Server server(db, {"--tls-cert", dir.sub("cert.pem"), "--tls-key", dir.sub("key.pem")});
  server.start();
  auto enrolled = k.cli({"enroll", "--server", https_url(server), "--code", pinned_code(db, "OSLO", dir.sub("cert.pem"))});
  REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);
  server.stop();
  std::filesystem::rename(dir.sub("b.pem"), dir.sub("cert.pem"));
  std::filesystem::rename(dir.sub("b.key"), dir.sub("key.pem"));
  server.start();
  point_at(k, https_url(server));
  k.add("intake", intake(1), dir.path());
  auto r = k.cli({"sync", "--timeout-ms", "10000"});
  CHECK(r.code != 0);
  CHECK_MESSAGE(r.err.find("the server's certificate changed") != std::string::npos, r.err);
  CHECK(r.err.find(b_cert["fingerprint"].get<std::string>()) != std::string::npos);
  auto status = k.status();
  CHECK(status["online"] == false);
  CHECK(status["pending"] == 1);
  CHECK(status["last_error"].get<std::string>().find("the server's certificate changed") != std::string::npos);
  CHECK(server.export_records("intake").empty());
  // Nor does it fall back to plain http when pointed there.
  point_at(k, "http://127.0.0.1:" + std::to_string(server.port()));
  r = k.cli({"sync", "--timeout-ms", "10000"});
  CHECK(r.code != 0);
  CHECK(r.err.find("only over https://") != std::string::npos);
}

TEST_CASE("serve reloads its certificate on SIGHUP: kiosks pinned to the new one connect, the old pin is refused") {
  TempDir dir;
  const std::string db = dir.sub("server.db");
  make_cert(dir.sub("cert.pem"), dir.sub("key.pem"));
  make_cert(dir.sub("new.pem"), dir.sub("new.key"));
  Server server(db, {"--tls-cert", dir.sub("cert.pem"), "--tls-key", dir.sub("key.pem")});
  server.start();
  Kiosk old_pin{dir.sub("old")}, new_pin{dir.sub("new")};
  auto r = old_pin.cli({"enroll", "--server", https_url(server), "--code", pinned_code(db, "OSLO", dir.sub("cert.pem"))});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string new_code = pinned_code(db, "OSLO", dir.sub("new.pem"));

  // Invalid files first: the server keeps its pair and says so in one line.
  write_file(dir.sub("bad.pem"), "not a certificate\n");
  std::filesystem::rename(dir.sub("bad.pem"), dir.sub("cert.pem"));
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  REQUIRE(wait_for_log(dir.sub("server-1.err"), "SIGHUP: kept the current certificate"));
  r = old_pin.cli({"sync", "--timeout-ms", "10000"});
  CHECK_MESSAGE(r.code == 0, r.err);

  std::filesystem::rename(dir.sub("new.key"), dir.sub("key.pem"));
  std::filesystem::rename(dir.sub("new.pem"), dir.sub("cert.pem"));
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  REQUIRE(wait_for_log(dir.sub("server-1.err"), "SIGHUP: reloaded the TLS certificate"));
  r = new_pin.cli({"enroll", "--server", https_url(server), "--code", new_code});
  CHECK_MESSAGE(r.code == 0, r.err);
  r = new_pin.cli({"sync", "--timeout-ms", "10000"});
  CHECK_MESSAGE(r.code == 0, r.err);
  r = old_pin.cli({"sync", "--timeout-ms", "10000"});
  CHECK(r.code != 0);
  CHECK(r.err.find("the server's certificate changed") != std::string::npos);
}

TEST_CASE("plain http to another host is refused before connecting, unless enrolled with --insecure") {
  TempDir dir;
  Kiosk k{dir.sub("k")};
  // 192.0.2.1 (TEST-NET-1) is never routed: a refusal here cannot come from the network.
  auto r = k.cli({"enroll", "--server", "http://192.0.2.1:8080", "--code", "AAAA-BBBB-CCCC"});
  CHECK(r.code == 2);
  CHECK(r.err.find("refusing plain http:// to 192.0.2.1") != std::string::npos);
  CHECK(k.status()["enrolled"] == false);

  // --insecure lets it try (it then fails to connect, quickly, and enrols nothing).
  r = k.cli({"enroll", "--server", "http://192.0.2.1:8080", "--code", "AAAA-BBBB-CCCC", "--insecure",
             "--timeout-ms", "300"});
  CHECK(r.code == 1);
  CHECK(r.err.find("refusing") == std::string::npos);

  // A malformed pin is a usage mistake.
  r = k.cli({"enroll", "--server", "https://127.0.0.1:1", "--code", "AAAA-BBBB-CCCC@sha256:12"});
  CHECK(r.code == 2);
  CHECK(r.err.find("sha256:") != std::string::npos);
}
