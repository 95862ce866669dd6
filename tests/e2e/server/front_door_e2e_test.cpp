// The server's front door: 405 with Allow for a known route asked with the wrong method, and
// the help the command table prints.
#include <doctest/doctest.h>

#include "tests/e2e/server/server_process.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

void check_method_not_allowed(const httplib::Result& r, const std::string& allow) {
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(r->get_header_value("Allow") == allow);
  const auto body = json::parse(r->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["error"]["code"] == "method_not_allowed");
  CHECK(body["error"]["message"].is_string());
}

}  // namespace

TEST_CASE("a known route with the wrong method answers 405 with Allow while unknown routes stay 404") {
  TempDir dir;
  ServerProcess server(dir.file("s.db"), dir.file("server.log"));
  auto c = server.client();
  check_method_not_allowed(c.Delete("/v1/push"), "POST");
  check_method_not_allowed(c.Get("/v1/push"), "POST");
  check_method_not_allowed(c.Post("/v1/pull", "{}", "application/json"), "GET, HEAD");
  check_method_not_allowed(c.Post("/healthz", "{}", "application/json"), "GET, HEAD");

  auto unknown = c.Get("/v1/nothing-here");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(json::parse(unknown->body, nullptr, false)["error"]["code"] == "not_found");
  auto unknown_delete = c.Delete("/v1/nothing-here");
  REQUIRE(unknown_delete);
  CHECK(unknown_delete->status == 404);

  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("sync-server --help or -h or help prints every command and COMMAND --help prints its flags") {
  const std::vector<std::string> commands = {"serve",          "enroll-code", "devices",
                                             "revoke",         "user-add",    "export",
                                             "publish",        "counsellor-add", "counsellor-disable"};
  for (const std::string form : {"--help", "-h", "help"}) {
    CAPTURE(form);
    const auto r = run_cli({form});
    CHECK(r.exit_code == 0);
    for (const auto& command : commands) {
      CAPTURE(command);
      CHECK(r.out.find("  " + command + ": ") != std::string::npos);
    }
  }
  const auto serve = run_cli({"serve", "--help"});
  CHECK(serve.exit_code == 0);
  CHECK(serve.out.find("usage: sync-server serve --db FILE --listen HOST:PORT") != std::string::npos);
  CHECK(serve.out.find("--workers N") != std::string::npos);
  const auto publish = run_cli({"publish", "-h"});
  CHECK(publish.exit_code == 0);
  CHECK(publish.out.find("--kind form|content") != std::string::npos);

  const auto unknown = run_cli({"no-such-command"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.json()["error"]["code"] == "usage");
}
