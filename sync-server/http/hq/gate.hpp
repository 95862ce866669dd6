#pragma once
// The HQ console's API gate: every route under /api/hq/v1 is registered here with the least
// role it needs. The gate answers itself, in the protocol's JSON error shape, when there is no
// live session (401), the role is too low (403 forbidden) or a POST lacks the session's CSRF
// token (403 csrf_failed); handlers run only for an admitted principal. Any exception becomes
// a JSON 500. Contract with the other HQ parts: docs/hq-api.md.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/hq_sessions.hpp"
#include "ws/result.hpp"

namespace ws::server::hq {

inline constexpr const char* kApiPrefix = "/api/hq/v1";
inline constexpr const char* kSessionCookie = "ws_hq";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";
// A path segment naming one thing (a device, counsellor or user id) in a route's path.
inline constexpr const char* kIdSegment = "([^/]+)";

enum class Role { Viewer = 0, Manager = 1, Admin = 2 };  // "viewer" | "manager" | "admin"
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Principal {
  std::string user_id, name;
  Role role = Role::Viewer;
  CentreScope scope;  // from user-add --centre (repeatable); none = every centre
  std::string address;  // remote address, for the audit log
  std::string session_digest;  // the session this request came with
  std::string csrf_token;      // that session's token (GET /me gives it to the page again)
};

using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;
using PublicHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

struct RouteInfo {
  std::string method;  // "GET" | "POST"
  std::string path;    // without kApiPrefix; may hold kIdSegment
  Role min_role = Role::Viewer;
  bool needs_session = true;  // false only for sign-in
};

struct GateOptions {
  HqSessionPolicy sessions;
  bool tls = false;  // cookies get `Secure`
  // Wall clock in Unix ms; tests inject their own to expire sessions without waiting.
  std::function<std::int64_t()> now_ms;
};

class Routes {
 public:
  Routes(httplib::Server& server, Database& db, GateOptions options);
  Routes(const Routes&) = delete;
  Routes& operator=(const Routes&) = delete;

  void get(const std::string& path, Role min_role, Handler handler);
  void post(const std::string& path, Role min_role, Handler handler);
  // A route that needs no session (sign-in); POSTs still need a JSON body.
  void post_public(const std::string& path, PublicHandler handler);
  // The table (method, path, min role) so one test can check 401/403 for every route.
  const std::vector<RouteInfo>& table() const;
  // "GET, HEAD" / "POST" when `full_path` is an HQ route, for the server's 405 answer.
  std::string allowed_methods(const std::string& full_path) const;

  Database& db() { return db_; }
  const GateOptions& options() const { return options_; }
  std::int64_t now_ms() const;

 private:
  void add_gated(const std::string& method, const std::string& path, Role min_role, Handler handler);
  void add(const std::string& method, const std::string& path, Role min_role, bool needs_session,
           std::function<void(const httplib::Request&, httplib::Response&)> run);
  Result<Principal> admit(const httplib::Request& req, const RouteInfo& route);

  httplib::Server& server_;
  Database& db_;
  GateOptions options_;
  std::vector<RouteInfo> table_;
};

// A handler written as a plain function of the routes it was installed on.
using RouteFn = void (*)(Routes&, const httplib::Request&, httplib::Response&, const Principal&);
Handler with_routes(Routes& routes, RouteFn fn);

// The protocol's error shape with the status http_status_for gives.
void send_error(httplib::Response& res, const Error& e);
void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
// The request's JSON object body ("unsupported_media_type" unless application/json,
// "invalid_json" unless an object).
Result<nlohmann::json> json_body(const httplib::Request& req);
// A string member of a JSON body; "invalid_request" naming it when missing or not a string.
Result<std::string> string_field(const nlohmann::json& body, const char* key);
// "forbidden" unless the principal's centre scope allows `centre`.
Status check_scope(const Principal& principal, const std::string& centre);
// The session cookie's value, "" when absent.
std::string session_cookie(const httplib::Request& req);

// Appends an HQ action to the server's hash-chained audit log: actor "hq:<name>", the address
// in details. `details` holds ids, counts and codes only.
Status audit_hq(Database& db, const Principal& principal, const std::string& action, const std::string& subject,
                nlohmann::json details = nlohmann::json::object());

// Answers `body` once the action is in the audit log, as the admin commands do: an action that
// leaves no trace must not look like a success.
void send_audited(Database& db, httplib::Response& res, const Principal& principal, const std::string& action,
                  const std::string& subject, nlohmann::json details, const nlohmann::json& body);

}  // namespace ws::server::hq
