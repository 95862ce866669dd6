#include "sync-server/core/hq_publish.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/http/hq/admin_routes.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;

struct Upload {
  std::string kind;
  nlohmann::json definition;
};

Result<Upload> upload_of(const nlohmann::json& body) {
  auto kind = string_field(body, "kind");
  if (!kind) return fail(kind.error());
  if (*kind != "form" && *kind != "content") return fail("invalid_request", "'kind' must be form or content");
  auto definition = body.find("definition");
  if (definition == body.end() || !definition->is_object()) {
    return fail("invalid_request", "'definition' must be the form definition or content bundle, as a JSON object");
  }
  return Upload{*kind, *definition};
}

void check(Routes&, const Request& req, Response& res, const Principal&) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto upload = upload_of(*body);
  if (!upload) return send_error(res, upload.error());
  send_json(res, to_json(check_publication(upload->kind, upload->definition)));
}

// The centres a publish goes to: those named (each within the principal's scope), or for an
// empty list every centre, which a scoped principal means as every centre of its own.
Result<std::vector<std::string>> target_centres(const nlohmann::json& body, const Principal& p) {
  std::vector<std::string> centres;
  if (auto it = body.find("centres"); it != body.end()) {
    if (!it->is_array()) return fail("invalid_request", "'centres' must be a list of centre ids ([] for all)");
    for (const auto& c : *it) {
      if (!c.is_string()) return fail("invalid_request", "'centres' must be a list of centre ids ([] for all)");
      if (auto s = check_scope(p, c.get<std::string>()); !s) return fail(s.error());
      centres.push_back(c.get<std::string>());
    }
  }
  if (centres.empty() && !p.scope.all) centres = p.scope.centres;
  return centres;
}

void publish(Routes& routes, const Request& req, Response& res, const Principal& p) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto upload = upload_of(*body);
  if (!upload) return send_error(res, upload.error());
  auto centres = target_centres(*body, p);
  if (!centres) return send_error(res, centres.error());
  auto published = publish_to_centres(routes.db(), upload->kind, upload->definition, *centres);
  if (!published) return send_error(res, published.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : *published) {
    const nlohmann::json entry = {{"record_id", item.record_id}, {"kind", item.kind},
                                  {"id", item.item_id},          {"version", item.version},
                                  {"centre", item.centre == kAllCentres ? "" : item.centre},
                                  {"changed", item.changed}};
    if (auto s = audit_hq(routes.db(), p, "published", item.record_id, entry); !s) return send_error(res, s.error());
    out.push_back(entry);
  }
  send_json(res, {{"published", out}});
}

void published(Routes& routes, const Request& req, Response& res, const Principal& p) {
  std::optional<std::string> kind;
  if (req.has_param("kind") && !req.get_param_value("kind").empty()) kind = req.get_param_value("kind");
  auto list = list_published(routes.db(), p.scope, kind);
  if (!list) return send_error(res, list.error());
  send_json(res, {{"published", *list}});
}

}  // namespace

void install_publish_routes(Routes& routes) {
  routes.post("/publish/check", Role::Manager, with_routes(routes, check));
  routes.post("/publish", Role::Manager, with_routes(routes, publish));
  routes.get("/published", Role::Viewer, with_routes(routes, published));
}

}  // namespace ws::server::hq
