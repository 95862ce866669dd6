// The HQ console's gate against the real server core: every route refuses without a session
// and below its role, POSTs need the CSRF token, sessions expire when idle, failed sign-ins are
// limited per name and per address, and the cookie has the right attributes.
#include <regex>

#include "tests/unit/server/hq_fixture.hpp"

namespace ws::server::hq::test {
namespace {

std::string sample_path(const std::string& route_path) {
  return std::regex_replace(route_path, std::regex(R"(\(\[\^/\]\+\))"), "some-id");
}

httplib::Result call(HqServer& server, const RouteInfo& route, const Session& s) {
  const std::string path = sample_path(route.path);
  return route.method == "GET" ? server.get(path, s) : server.post(path, nlohmann::json::object(), s);
}

}  // namespace

TEST_CASE("every HQ route answers 401 without a session and 403 below its role") {
  HqServer server;
  server.add_user("vera", "viewer");
  server.add_user("mads", "manager");
  const Session viewer = server.sign_in("vera");
  const Session manager = server.sign_in("mads");
  const Session nobody{};
  const Session forged{"ws_hq=" + std::string(64, 'a'), "x", {}};
  const auto& table = server.console().routes().table();
  REQUIRE(table.size() >= 4);
  for (const auto& route : table) {
    CAPTURE(route.method);
    CAPTURE(route.path);
    if (!route.needs_session) continue;
    for (const Session* s : {&nobody, &forged}) {
      auto res = call(server, route, *s);
      REQUIRE(res);
      CHECK(res->status == 401);
      CHECK(error_code(res) == "unauthorized");
    }
    const Session* below = route.min_role == Role::Admin ? &manager : route.min_role == Role::Manager ? &viewer : nullptr;
    if (!below) continue;
    auto res = call(server, route, *below);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(error_code(res) == "forbidden");
  }
}

TEST_CASE("no HQ state change without the session's CSRF token") {
  HqServer server;
  server.add_user("anna", "admin");
  Session s = server.sign_in("anna");
  for (const auto& route : server.console().routes().table()) {
    if (route.method != "POST" || !route.needs_session) continue;
    CAPTURE(route.path);
    Session without = s;
    without.csrf = "";
    auto res = server.post(sample_path(route.path), nlohmann::json::object(), without);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(error_code(res) == "csrf_failed");
    Session wrong = s;
    wrong.csrf = std::string(s.csrf.size(), 'A');
    res = server.post(sample_path(route.path), nlohmann::json::object(), wrong);
    REQUIRE(res);
    CHECK(error_code(res) == "csrf_failed");
  }
  // Sign-out without the token leaves the session alive; with it, ends it.
  Session without = s;
  without.csrf = "";
  REQUIRE(server.post("/sign-out", {}, without)->status == 403);
  CHECK(server.get("/me", s)->status == 200);
  CHECK(server.post("/sign-out", {}, s)->status == 200);
  CHECK(server.get("/me", s)->status == 401);
}

TEST_CASE("an HQ session ends after the idle time and at the absolute limit, not while used") {
  HqServer server;
  server.add_user("anna", "viewer");
  Session s = server.sign_in("anna");
  auto me = server.get("/me", s);
  REQUIRE(me);
  CHECK(me->status == 200);
  CHECK(nlohmann::json::parse(me->body)["csrf_token"] == s.csrf);
  // In use every 29 minutes, it lives on until 12 hours after sign-in.
  for (int i = 0; i < 24; ++i) {
    server.advance(std::chrono::minutes(29));
    REQUIRE(server.get("/me", s)->status == 200);
  }
  server.advance(std::chrono::minutes(29));
  CHECK(server.get("/me", s)->status == 401);

  Session idle = server.sign_in("anna");
  server.advance(std::chrono::minutes(31));
  auto res = server.get("/me", idle);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(error_code(res) == "unauthorized");
}

TEST_CASE("failed HQ sign-ins are limited per name and per address with 429 and Retry-After") {
  SUBCASE("per name: the right password is refused too once the name's bucket is spent") {
    HqServerOptions options;
    options.sign_in.name_burst = 2;
    HqServer server(options);
    server.add_user("anna", "viewer");
    for (int i = 0; i < 2; ++i) {
      auto res = server.sign_in_raw("anna", "wrong password");
      REQUIRE(res);
      CHECK(res->status == 401);
    }
    auto res = server.sign_in_raw("anna", kPassword);
    REQUIRE(res);
    CHECK(res->status == 429);
    CHECK(error_code(res) == "rate_limited");
    CHECK(std::stoi(res->get_header_value("Retry-After")) >= 1);
    CHECK(res->get_header_value("Set-Cookie").empty());
  }
  SUBCASE("per address: many names from one address") {
    HqServerOptions options;
    options.sign_in.address_burst = 3;
    HqServer server(options);
    for (int i = 0; i < 3; ++i) CHECK(server.sign_in_raw("nobody" + std::to_string(i), "whatever1")->status == 401);
    auto res = server.sign_in_raw("someone-else", "whatever1");
    REQUIRE(res);
    CHECK(res->status == 429);
    CHECK(!res->get_header_value("Retry-After").empty());
  }
}

TEST_CASE("HQ sign-in: the same answer for an unknown name, and the cookie's attributes") {
  for (bool tls : {false, true}) {
    CAPTURE(tls);
    HqServerOptions options;
    options.tls_cookies = tls;
    HqServer server(options);
    server.add_user("anna", "manager", {"OSLO", "BERGEN"});
    auto unknown = server.sign_in_raw("nobody", kPassword);
    auto wrong = server.sign_in_raw("anna", "not the password");
    REQUIRE(unknown);
    REQUIRE(wrong);
    CHECK(unknown->status == 401);
    CHECK(unknown->body == wrong->body);
    auto res = server.sign_in_raw("anna", kPassword);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const std::string cookie = res->get_header_value("Set-Cookie");
    CHECK(std::regex_search(cookie, std::regex("^ws_hq=[0-9a-f]{64}; ")));
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(cookie.find("Path=/") != std::string::npos);
    CHECK((cookie.find("Secure") != std::string::npos) == tls);
    auto body = nlohmann::json::parse(res->body);
    CHECK(body["user"]["role"] == "manager");
    CHECK(body["user"]["centres"] == nlohmann::json({"OSLO", "BERGEN"}));
    CHECK(body["csrf_token"].get<std::string>().size() >= 40);
  }
}

TEST_CASE("HQ routes asked with another method answer 405 in JSON, and bodies must be JSON") {
  HqServer server;
  auto res = server.client().Get("/api/hq/v1/sign-in");
  REQUIRE(res);
  CHECK(res->status == 405);
  CHECK(res->get_header_value("Allow") == "POST");
  CHECK(error_code(res) == "method_not_allowed");
  res = server.client().Post("/api/hq/v1/sign-in", "name=a&password=b", "application/x-www-form-urlencoded");
  REQUIRE(res);
  CHECK(res->status == 415);
  res = server.client().Get("/api/hq/v1/no-such-route");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(error_code(res) == "not_found");
}

}  // namespace ws::server::hq::test
