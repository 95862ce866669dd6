#include "sync-server/core/hq_admin.hpp"
#include "sync-server/core/users.hpp"
#include "sync-server/http/hq/admin_routes.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;

constexpr int kDefaultAuditPage = 100;
constexpr int kMaxAuditPage = 1000;

// A scoped admin manages only users scoped within its own centres, so it cannot make an
// account that sees more than it does.
Status check_covers(const Principal& p, const std::vector<std::string>& centres) {
  if (p.scope.all) return ok();
  if (centres.empty()) return fail("forbidden", "an account scoped to some centres cannot manage unscoped users");
  for (const auto& c : centres) {
    if (auto s = check_scope(p, c); !s) return s;
  }
  return ok();
}

Result<std::vector<std::string>> centres_field(const nlohmann::json& body) {
  std::vector<std::string> centres;
  auto it = body.find("centres");
  if (it == body.end()) return centres;
  if (!it->is_array()) return fail("invalid_request", "'centres' must be a list of centre ids");
  for (const auto& c : *it) {
    if (!c.is_string()) return fail("invalid_request", "'centres' must be a list of centre ids");
    centres.push_back(c.get<std::string>());
  }
  return centres;
}

// The user named in the path, when the principal may manage it (not itself).
Result<UserAccount> managed_user(Routes& routes, const Request& req, const Principal& p) {
  const std::string id = req.matches[1];
  if (id == p.user_id) return fail("conflict", "change your own account with another admin's");
  auto user = find_user(routes.db(), id);
  if (!user) return fail(user.error());
  if (!*user) return fail("not_found", "no user with that id");
  if (auto s = check_covers(p, (*user)->centres); !s) return fail(s.error());
  return **user;
}

void list(Routes& routes, const Request&, Response& res, const Principal&) {
  auto users = list_users(routes.db());
  if (!users) return send_error(res, users.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : *users) out.push_back(to_json(u));
  send_json(res, {{"users", out}});
}

void create(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto name = string_field(*body, "name");
  auto role = string_field(*body, "role");
  auto password = string_field(*body, "password");
  for (const auto* field : {&name, &role, &password}) {
    if (!*field) return send_error(res, field->error());
  }
  auto centres = centres_field(*body);
  if (!centres) return send_error(res, centres.error());
  if (auto s = check_covers(p, *centres); !s) return send_error(res, s.error());
  auto user = add_user(routes.db(), *name, *role, *password, *centres);
  if (!user) return send_error(res, user.error());
  send_audited(routes.db(), res, p, "user.added", user->id, {{"role", user->role}, {"centres", user->centres}},
               to_json(*user));
}

void disable(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto target = managed_user(routes, req, p);
  if (!target) return send_error(res, target.error());
  auto user = disable_user(routes.db(), target->id);
  if (!user) return send_error(res, user.error());
  send_audited(routes.db(), res, p, "user.disabled", user->id, nlohmann::json::object(), to_json(*user));
}

void change_role(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto role = string_field(*body, "role");
  if (!role) return send_error(res, role.error());
  auto centres = centres_field(*body);
  if (!centres) return send_error(res, centres.error());
  if (auto s = check_covers(p, *centres); !s) return send_error(res, s.error());
  auto target = managed_user(routes, req, p);
  if (!target) return send_error(res, target.error());
  auto user = set_user_role(routes.db(), target->id, *role, *centres);
  if (!user) return send_error(res, user.error());
  send_audited(routes.db(), res, p, "user.role_changed", user->id, {{"role", user->role}, {"centres", user->centres}},
               to_json(*user));
}

void audit(Routes& routes, const Request& req, Response& res, const Principal&) {
  int limit = kDefaultAuditPage;
  std::int64_t before = 0;
  try {
    if (req.has_param("limit")) limit = std::stoi(req.get_param_value("limit"));
    if (req.has_param("before")) before = std::stoll(req.get_param_value("before"));
  } catch (const std::exception&) {
    return send_error(res, Error{"invalid_request", "'limit' and 'before' must be whole numbers"});
  }
  if (limit < 1 || limit > kMaxAuditPage) {
    return send_error(res, Error{"invalid_request", "'limit' must be 1-1000"});
  }
  auto entries = audit_page(routes.db(), limit, before);
  if (!entries) return send_error(res, entries.error());
  send_json(res, {{"entries", *entries}});
}

}  // namespace

void install_user_routes(Routes& routes) {
  const std::string one = std::string("/users/") + kIdSegment;
  routes.get("/users", Role::Admin, with_routes(routes, list));
  routes.post("/users", Role::Admin, with_routes(routes, create));
  routes.post(one + "/disable", Role::Admin, with_routes(routes, disable));
  routes.post(one + "/role", Role::Admin, with_routes(routes, change_role));
  routes.get("/audit", Role::Admin, with_routes(routes, audit));
}

}  // namespace ws::server::hq
