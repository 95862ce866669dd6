#include "sync-server/http/hq/session_routes.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;

std::string session_cookie_header(const std::string& value, bool tls, bool expire) {
  std::string cookie = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (expire) cookie += "; Max-Age=0";
  if (tls) cookie += "; Secure";
  return cookie;
}

Principal principal_of(const UserAccount& user, const Request& req) {
  return Principal{user.id, user.name, parse_role(user.role).value_or(Role::Viewer), user.scope(), req.remote_addr,
                   "", ""};
}

}  // namespace

nlohmann::json session_reply(const UserAccount& user, const std::string& csrf_token) {
  return {{"user", {{"id", user.id}, {"name", user.name}, {"role", user.role}, {"centres", user.centres}}},
          {"csrf_token", csrf_token}};
}

SessionRoutes::SessionRoutes(SignInLimits limits)
    : by_name_(limits.name_rate_per_second, limits.name_burst, limits.clock),
      by_address_(limits.address_rate_per_second, limits.address_burst, limits.clock) {}

void SessionRoutes::install(Routes& routes) {
  routes.post_public("/sign-in", [this, &routes](const Request& req, Response& res) { sign_in(routes, req, res); });
  routes.post("/sign-out", Role::Viewer, [&routes](const Request&, Response& res, const Principal& p) {
    if (auto s = close_hq_session(routes.db(), p.session_digest); !s) return send_error(res, s.error());
    (void)audit_hq(routes.db(), p, "hq.signed_out", p.user_id);
    res.set_header("Set-Cookie", session_cookie_header("", routes.options().tls, true));
    send_json(res, {{"signed_out", true}});
  });
  routes.get("/me", Role::Viewer, [&routes](const Request&, Response& res, const Principal& p) {
    auto user = find_user(routes.db(), p.user_id);
    if (!user) return send_error(res, user.error());
    if (!*user) return send_error(res, Error{"unauthorized", "no such user"});
    send_json(res, session_reply(**user, p.csrf_token));
  });
  routes.post("/me/password", Role::Viewer, [&routes](const Request& req, Response& res, const Principal& p) {
    auto body = json_body(req);
    if (!body) return send_error(res, body.error());
    const std::string current = body->value("current", "");
    const std::string next = body->value("new", "");
    if (auto s = change_password(routes.db(), p.user_id, current, next, p.session_digest); !s) {
      // A wrong current password must not end this session: it is a refusal, not a sign-out.
      const Error e = s.error().code == "unauthorized" ? Error{"forbidden", s.error().message} : s.error();
      return send_error(res, e);
    }
    (void)audit_hq(routes.db(), p, "hq.password_changed", p.user_id);
    send_json(res, {{"changed", true}});
  });
}

bool SessionRoutes::limited(const Request& req, const std::string& name, Response& res) {
  auto by_address = by_address_.peek(req.remote_addr);
  auto by_name = by_name_.peek(name);
  if (by_address.allowed && by_name.allowed) return false;
  const int wait = std::max(by_address.retry_after_seconds, by_name.retry_after_seconds);
  res.set_header("Retry-After", std::to_string(std::max(wait, 1)));
  send_error(res, Error{"rate_limited", "too many failed sign-ins; retry later"});
  return true;
}

void SessionRoutes::sign_in(Routes& routes, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  const auto name = body->find("name");
  const auto password = body->find("password");
  if (name == body->end() || !name->is_string() || password == body->end() || !password->is_string()) {
    return send_error(res, Error{"invalid_request", "give name and password as strings"});
  }
  const std::string who = name->get<std::string>();
  if (limited(req, who, res)) return;
  auto user = [&] {
    password_checks_.acquire();
    struct Release {
      std::counting_semaphore<16>& s;
      ~Release() { s.release(); }
    } release{password_checks_};
    return check_user_password(routes.db(), who, password->get<std::string>());
  }();
  if (!user) {
    if (user.error().code != "unauthorized") return send_error(res, user.error());
    by_address_.take(req.remote_addr);
    by_name_.take(who);
    // A name typed by mistake may be anything (a password, a person): only known names are logged.
    auto known = user_name_exists(routes.db(), who);
    Principal someone{"", known && *known ? who : "?", Role::Viewer, CentreScope::every(), req.remote_addr, "", ""};
    (void)audit_hq(routes.db(), someone, "hq.sign_in_failed", "");
    return send_error(res, user.error());
  }
  auto opened = open_hq_session(routes.db(), *user, routes.now_ms(), routes.options().sessions);
  if (!opened) return send_error(res, opened.error());
  if (auto s = audit_hq(routes.db(), principal_of(*user, req), "hq.signed_in", user->id); !s) {
    return send_error(res, s.error());
  }
  res.set_header("Set-Cookie", session_cookie_header(opened->id, routes.options().tls, false));
  send_json(res, session_reply(*user, opened->session.csrf_token));
}

}  // namespace ws::server::hq
