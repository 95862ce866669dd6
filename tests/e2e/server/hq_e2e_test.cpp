// The HQ console's API on the real `sync-server serve`: users made by `user-add --centre`, sign-in
// over TLS (the cookie is Secure), an enrolment code that carries the certificate's fingerprint,
// the audit log, request logs without names, and --hq-session-idle from the configuration file.
#include <doctest/doctest.h>

#include "tests/e2e/server/server_process.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

TEST_CASE("HQ console over TLS: a scoped user signs in with a Secure cookie and makes an enrolment code") {
  TempDir dir;
  const auto db = dir.file("s.db");
  const auto cert = dir.file("cert.pem"), key = dir.file("key.pem");
  auto made = run_cli({"make-cert", "--cert", cert, "--key", key});
  REQUIRE(made.exit_code == 0);
  const std::string fingerprint = made.json()["fingerprint"];
  auto user = run_cli({"user-add", "--db", db, "--name", "hq-olga", "--role", "manager", "--centre", "OSLO",
                       "--centre", "BERGEN"},
                      "a long password\n");
  REQUIRE(user.exit_code == 0);
  CHECK(user.json()["centres"] == json({"OSLO", "BERGEN"}));

  ServerProcess server(db, dir.file("server.log"), {"--tls-cert", cert, "--tls-key", key});
  httplib::SSLClient c("127.0.0.1", server.port());
  c.enable_server_certificate_verification(false);
  c.set_connection_timeout(5);
  c.set_read_timeout(30);
  auto res = c.Post("/api/hq/v1/sign-in", json{{"name", "hq-olga"}, {"password", "a long password"}}.dump(),
                    "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const std::string set_cookie = res->get_header_value("Set-Cookie");
  CHECK(set_cookie.find("; Secure") != std::string::npos);
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
  const json me = json::parse(res->body);
  CHECK(me["user"]["centres"] == json({"OSLO", "BERGEN"}));
  httplib::Headers session{{"Cookie", set_cookie.substr(0, set_cookie.find(';'))},
                           {"X-CSRF-Token", me["csrf_token"].get<std::string>()}};

  res = c.Post("/api/hq/v1/kiosks/enrolment-codes", session, json{{"centre", "OSLO"}}.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const std::string code = json::parse(res->body)["code"];
  CHECK(code.size() > fingerprint.size());
  CHECK(code.substr(code.size() - fingerprint.size()) == fingerprint);
  res = c.Post("/api/hq/v1/kiosks/enrolment-codes", session, json{{"centre", "TROMSO"}}.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 403);

  res = c.Get("/metrics");
  REQUIRE(res);
  CHECK(res->body.find("route=\"hq\"") != std::string::npos);
  server.terminate();

  // The request log names the route label only: no user name, no path with an id, no body.
  const std::string log = read_file(dir.file("server.log"));
  CHECK(log.find(" hq 200 ") != std::string::npos);
  CHECK(log.find("hq-olga") == std::string::npos);
  CHECK(log.find("enrolment-codes") == std::string::npos);
  CHECK(log.find("a long password") == std::string::npos);

  auto audit = run_cli({"audit", "--db", db, "--json"});
  REQUIRE(audit.exit_code == 0);
  bool signed_in = false, code_made = false;
  const json entries = audit.json()["entries"];
  for (const auto& e : entries) {
    signed_in |= e["action"] == "hq.signed_in" && e["actor"] == "hq:hq-olga";
    code_made |= e["action"] == "enrolment.code_created" && e["actor"] == "hq:hq-olga" && e["object_id"] == "OSLO";
  }
  CHECK(signed_in);
  CHECK(code_made);
  CHECK(run_cli({"audit", "verify", "--db", db}).exit_code == 0);
}

TEST_CASE("serve takes --hq-session-idle from the configuration file and refuses a value out of range") {
  TempDir dir;
  const auto db = dir.file("s.db");
  dir.write("server.conf", "db = " + db + "\nhq-session-idle = 45\n");
  const auto conf = dir.file("server.conf");
  auto shown = run_cli({"serve", "--config", conf, "--listen", "127.0.0.1:0", "--print-config"});
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("hq-session-idle = 45    # " + conf + ":2") != std::string::npos);
  auto refused = run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--hq-session-idle", "0"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.json()["error"]["message"].get<std::string>().find("--hq-session-idle") != std::string::npos);
}

TEST_CASE("counsellor-reset-pin gives an account a new PIN under the same policy as the HQ console") {
  TempDir dir;
  const auto db = dir.file("s.db");
  auto added = run_cli({"counsellor-add", "--db", db, "--centre", "OSLO", "--name", "A. Counsellor"}, "135790\n");
  REQUIRE(added.exit_code == 0);
  const std::string id = added.json()["id"];
  auto weak = run_cli({"counsellor-reset-pin", "--db", db, "--id", id}, "12\n");
  CHECK(weak.exit_code == 1);
  CHECK(weak.json()["error"]["code"] == "invalid_request");
  auto reset = run_cli({"counsellor-reset-pin", "--db", db, "--id", id}, "975310\n");
  REQUIRE(reset.exit_code == 0);
  CHECK(reset.json()["pin_reset"] == true);
  CHECK(run_cli({"counsellor-reset-pin", "--db", db, "--id", "01a230af-e5da-7326-b032-01b36535a6f8"}, "975310\n")
            .json()["error"]["code"] == "not_found");
}
