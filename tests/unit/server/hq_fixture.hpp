#pragma once
// The real sync server in process with the HQ console installed, for HQ API tests:
//
//   HqServer server;                                   // Api + Console on 127.0.0.1:<free port>
//   server.add_user("ann", "admin", {"OSLO"});         // real users core (Argon2id: ~1 s each)
//   auto s = server.sign_in("ann");                    // real POST /sign-in: cookie + CSRF token
//   auto res = server.get("/me", s);                   // paths without /api/hq/v1
//   server.post("/sign-out", {}, s);                   // sends the CSRF token unless told not to
//   server.advance(std::chrono::minutes(31));          // the gate's clock: sessions expire
//
// Everything the server decides is the product's code; only the wall clock of the gate is the
// test's, so expiry needs no waiting.
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/users.hpp"
#include "sync-server/http/hq/console.hpp"
#include "sync-server/http/routes.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/hlc.hpp"

namespace ws::server::hq::test {

inline constexpr const char* kPassword = "correct horse battery";

struct Session {
  std::string cookie;  // "ws_hq=..."
  std::string csrf;
  nlohmann::json me;
};

struct HqServerOptions {
  SignInLimits sign_in;
  bool tls_cookies = false;
};

class HqServer {
 public:
  explicit HqServer(HqServerOptions options = {}) {
    auto db = Database::open(dir_.file("server.db"));
    REQUIRE(db.has_value());
    db_ = std::move(*db);
    auto validator = make_payload_validator(std::string(WS_SOURCE_ASSETS_DIR) + "/forms");
    REQUIRE(validator.has_value());
    validator_ = std::move(*validator);
    ApiOptions api_options;
    api_options.log_requests = false;
    api_ = std::make_unique<Api>(*db_, *validator_, clock_, api_options);
    api_->install(http_);
    ConsoleOptions console;
    console.gate.tls = options.tls_cookies;
    console.gate.now_ms = [this] { return now_ms_.load(); };
    console.sign_in = options.sign_in;
    console_ = std::make_unique<Console>(http_, *db_, console);
    api_->also_route([this](const std::string& path) { return console_->routes().allowed_methods(path); });
    port_ = http_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~HqServer() {
    http_.stop();
    thread_.join();
  }
  HqServer(const HqServer&) = delete;
  HqServer& operator=(const HqServer&) = delete;

  Database& db() { return *db_; }
  Console& console() { return *console_; }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

  UserAccount add_user(const std::string& name, const std::string& role, std::vector<std::string> centres = {}) {
    auto user = server::add_user(*db_, name, role, kPassword, centres);
    REQUIRE(user.has_value());
    return *user;
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(60);
    return c;
  }

  httplib::Result sign_in_raw(const std::string& name, const std::string& password) {
    return client().Post("/api/hq/v1/sign-in", nlohmann::json{{"name", name}, {"password", password}}.dump(),
                         "application/json");
  }

  Session sign_in(const std::string& name, const std::string& password = kPassword) {
    auto res = sign_in_raw(name, password);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    Session s{set_cookie.substr(0, set_cookie.find(';')), "", nlohmann::json::parse(res->body)};
    s.csrf = s.me["csrf_token"].get<std::string>();
    return s;
  }

  httplib::Result get(const std::string& path, const Session& s) {
    return client().Get(("/api/hq/v1" + path).c_str(), headers(s, false));
  }

  httplib::Result post(const std::string& path, const nlohmann::json& body, const Session& s, bool with_csrf = true) {
    return client().Post(("/api/hq/v1" + path).c_str(), headers(s, with_csrf), body.dump(), "application/json");
  }

 private:
  static httplib::Headers headers(const Session& s, bool with_csrf) {
    httplib::Headers h;
    if (!s.cookie.empty()) h.emplace("Cookie", s.cookie);
    if (with_csrf && !s.csrf.empty()) h.emplace("X-CSRF-Token", s.csrf);
    return h;
  }

  ws::test::TempDir dir_;
  std::shared_ptr<Database> db_;
  std::unique_ptr<PayloadValidator> validator_;
  HlcClock clock_;
  httplib::Server http_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Console> console_;
  std::atomic<std::int64_t> now_ms_{HlcClock::system_wall_ms()};
  int port_ = 0;
  std::thread thread_;
};

// The error code of a JSON error reply ("" when it is not one).
inline std::string error_code(const httplib::Result& res) {
  if (!res) return "";
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

// A reply's JSON body (discarded when it is not JSON).
inline nlohmann::json body_of(const httplib::Result& res) {
  REQUIRE(res);
  return nlohmann::json::parse(res->body, nullptr, false);
}

// The shipped intake form (assets/forms/intake.json), to upload as it is or spoiled.
inline nlohmann::json intake_form() {
  std::ifstream in(std::string(WS_SOURCE_ASSETS_DIR) + "/forms/intake.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

}  // namespace ws::server::hq::test
