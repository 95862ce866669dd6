#include "sync-server/core/hq_admin.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/http/hq/admin_routes.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;

void list(Routes& routes, const Request& req, Response& res, const Principal& p) {
  std::optional<std::string> centre;
  if (req.has_param("centre") && !req.get_param_value("centre").empty()) {
    centre = req.get_param_value("centre");
    if (auto s = check_scope(p, *centre); !s) return send_error(res, s.error());
  }
  auto accounts = list_counsellors(routes.db(), p.scope, centre);
  if (!accounts) return send_error(res, accounts.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : *accounts) out.push_back(to_json(a));
  send_json(res, {{"counsellors", out}});
}

void create(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto centre = string_field(*body, "centre");
  auto name = string_field(*body, "name");
  auto pin = string_field(*body, "pin");
  for (const auto* field : {&centre, &name, &pin}) {
    if (!*field) return send_error(res, field->error());
  }
  if (auto s = check_scope(p, *centre); !s) return send_error(res, s.error());
  const std::string role = body->contains("role") && (*body)["role"].is_string() ? (*body)["role"].get<std::string>()
                                                                                 : "counsellor";
  auto account = add_counsellor(routes.db(), *centre, *name, role, *pin);
  if (!account) return send_error(res, account.error());
  send_audited(routes.db(), res, p, "counsellor.added", account->id,
               {{"centre", account->centre}, {"role", account->role}},
               {{"id", account->id}, {"centre", account->centre}, {"role", account->role}, {"active", true}});
}

// The account named in the path, when the principal's scope reaches its centre.
Result<CounsellorSummary> scoped_counsellor(Routes& routes, const Request& req, const Principal& p) {
  auto found = find_counsellor(routes.db(), req.matches[1]);
  if (!found) return fail(found.error());
  if (!*found) return fail("not_found", "no counsellor with that id");
  if (auto s = check_scope(p, (*found)->centre); !s) return fail(s.error());
  return **found;
}

void disable(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto found = scoped_counsellor(routes, req, p);
  if (!found) return send_error(res, found.error());
  auto account = disable_counsellor(routes.db(), found->id);
  if (!account) return send_error(res, account.error());
  send_audited(routes.db(), res, p, "counsellor.disabled", account->id, {{"centre", account->centre}},
               {{"id", account->id}, {"centre", account->centre}, {"active", false}});
}

void reset_pin(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto pin = string_field(*body, "pin");
  if (!pin) return send_error(res, pin.error());
  auto found = scoped_counsellor(routes, req, p);
  if (!found) return send_error(res, found.error());
  auto account = reset_counsellor_pin(routes.db(), found->id, *pin);
  if (!account) return send_error(res, account.error());
  send_audited(routes.db(), res, p, "counsellor.pin_reset", account->id, {{"centre", account->centre}},
               {{"id", account->id}, {"centre", account->centre}, {"pin_reset", true}});
}

}  // namespace

void install_counsellor_routes(Routes& routes) {
  const std::string one = std::string("/counsellors/") + kIdSegment;
  routes.get("/counsellors", Role::Viewer, with_routes(routes, list));
  routes.post("/counsellors", Role::Manager, with_routes(routes, create));
  routes.post(one + "/disable", Role::Manager, with_routes(routes, disable));
  routes.post(one + "/reset-pin", Role::Manager, with_routes(routes, reset_pin));
}

}  // namespace ws::server::hq
