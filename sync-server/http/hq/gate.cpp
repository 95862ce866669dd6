#include "sync-server/http/hq/gate.hpp"

#include <regex>

#include "sync-server/core/audit.hpp"
#include "sync-server/http/routes.hpp"
#include "ws/crypto.hpp"
#include "ws/hlc.hpp"
#include "ws/protocol.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;

// The one wrapper: whatever a handler throws becomes a JSON 500.
void guarded(Response& res, const std::function<void()>& run) {
  try {
    run();
  } catch (...) {
    res.set_header("Cache-Control", "no-store");
    send_error(res, Error{"internal", "the server failed to handle this request"});
  }
}

bool csrf_matches(const Request& req, const std::string& expected) {
  const std::string given = req.get_header_value(kCsrfHeader);
  return !expected.empty() && given.size() == expected.size() && crypto::equal_constant_time(given, expected);
}

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::Viewer: return "viewer";
    case Role::Manager: return "manager";
    case Role::Admin: return "admin";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "viewer") return Role::Viewer;
  if (text == "manager") return Role::Manager;
  if (text == "admin") return Role::Admin;
  return std::nullopt;
}

Routes::Routes(httplib::Server& server, Database& db, GateOptions options)
    : server_(server), db_(db), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = [] { return HlcClock::system_wall_ms(); };
}

std::int64_t Routes::now_ms() const { return options_.now_ms(); }

const std::vector<RouteInfo>& Routes::table() const { return table_; }

void Routes::get(const std::string& path, Role min_role, Handler handler) {
  add_gated("GET", path, min_role, std::move(handler));
}

void Routes::post(const std::string& path, Role min_role, Handler handler) {
  add_gated("POST", path, min_role, std::move(handler));
}

void Routes::add_gated(const std::string& method, const std::string& path, Role min_role, Handler handler) {
  const RouteInfo info{method, path, min_role, true};
  add(method, path, min_role, true, [this, info, handler = std::move(handler)](const Request& req, Response& res) {
    auto principal = admit(req, info);
    if (!principal) return send_error(res, principal.error());
    handler(req, res, *principal);
  });
}

void Routes::post_public(const std::string& path, PublicHandler handler) {
  add("POST", path, Role::Viewer, false, std::move(handler));
}

void Routes::add(const std::string& method, const std::string& path, Role min_role, bool needs_session,
                 std::function<void(const Request&, Response&)> run) {
  table_.push_back(RouteInfo{method, path, min_role, needs_session});
  // Replies about a person's session and the data behind it are never cached.
  auto wrapped = [run = std::move(run)](const Request& req, Response& res) {
    res.set_header("Cache-Control", "no-store");
    guarded(res, [&] { run(req, res); });
  };
  const std::string full = std::string(kApiPrefix) + path;
  if (method == "GET") {
    server_.Get(full, std::move(wrapped));
  } else {
    server_.Post(full, std::move(wrapped));
  }
}

std::string Routes::allowed_methods(const std::string& full_path) const {
  std::string allow;
  for (const auto& r : table_) {
    if (!std::regex_match(full_path, std::regex(std::string(kApiPrefix) + r.path))) continue;
    if (!allow.empty()) allow += ", ";
    allow += r.method == "GET" ? "GET, HEAD" : r.method;
  }
  return allow;
}

Result<Principal> Routes::admit(const Request& req, const RouteInfo& route) {
  auto session = resume_hq_session(db_, session_cookie(req), now_ms(), options_.sessions);
  if (!session) return fail(session.error());
  const UserAccount& user = session->user;
  auto role = parse_role(user.role);
  if (!role) return fail("forbidden", "this account has no usable role");
  Principal principal{user.id,   user.name, *role, user.scope(), req.remote_addr, session->id_digest,
                      session->csrf_token};
  if (*role < route.min_role) {
    return fail("forbidden", std::string("this needs the ") + role_name(route.min_role) + " role");
  }
  if (route.method == "POST" && !csrf_matches(req, session->csrf_token)) {
    return fail("csrf_failed", std::string("a state change needs the session's ") + kCsrfHeader + " header");
  }
  return principal;
}

Handler with_routes(Routes& routes, RouteFn fn) {
  return [&routes, fn](const Request& req, Response& res, const Principal& p) { fn(routes, req, res, p); };
}

void send_audited(Database& db, Response& res, const Principal& principal, const std::string& action,
                  const std::string& subject, nlohmann::json details, const nlohmann::json& body) {
  if (auto s = audit_hq(db, principal, action, subject, std::move(details)); !s) return send_error(res, s.error());
  send_json(res, body);
}

void send_error(Response& res, const Error& e) {
  send_json(res, protocol::error_body(e.code, e.message), http_status_for(e));
}

void send_json(Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

Result<nlohmann::json> json_body(const Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    return fail("unsupported_media_type", "send the body as application/json");
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object()) return fail("invalid_json", "the body must be a JSON object");
  return body;
}

Result<std::string> string_field(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) {
    return fail("invalid_request", std::string("'") + key + "' must be given as a string");
  }
  return it->get<std::string>();
}

Status check_scope(const Principal& principal, const std::string& centre) {
  if (principal.scope.allows(centre)) return ok();
  return fail("forbidden", "that centre is outside the centres this account may see");
}

std::string session_cookie(const Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string key = std::string(kSessionCookie) + "=";
  for (std::size_t at = 0; at < cookies.size();) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    const std::size_t end = std::min(cookies.find(';', at), cookies.size());
    if (cookies.compare(at, key.size(), key) == 0) return cookies.substr(at + key.size(), end - at - key.size());
    at = end;
  }
  return "";
}

Status audit_hq(Database& db, const Principal& principal, const std::string& action, const std::string& subject,
                nlohmann::json details) {
  details["address"] = principal.address;
  return record_audit(db, audit::Event{"hq:" + principal.name, action, subject, std::move(details)});
}

}  // namespace ws::server::hq
