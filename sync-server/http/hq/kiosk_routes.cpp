#include "sync-server/core/devices.hpp"
#include "sync-server/core/hq_admin.hpp"
#include "sync-server/http/hq/admin_routes.hpp"

namespace ws::server::hq {
namespace {

using httplib::Request;
using httplib::Response;

constexpr double kMaxCodeTtlHours = 24 * 30;

void create_code(Routes& routes, const std::string& fingerprint, const Request& req, Response& res,
                 const Principal& p) {
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  auto centre = string_field(*body, "centre");
  if (!centre) return send_error(res, centre.error());
  if (auto s = check_scope(p, *centre); !s) return send_error(res, s.error());
  double hours = 24;
  if (auto ttl = body->find("ttl_hours"); ttl != body->end()) {
    if (!ttl->is_number() || ttl->get<double>() <= 0 || ttl->get<double>() > kMaxCodeTtlHours) {
      return send_error(res, Error{"invalid_request", "'ttl_hours' must be a number above 0 and at most 720"});
    }
    hours = ttl->get<double>();
  }
  auto code = DeviceRegistry(routes.db()).create_code(*centre, static_cast<std::int64_t>(hours * 3600 * 1000));
  if (!code) return send_error(res, code.error());
  nlohmann::json out = {{"code", fingerprint.empty() ? code->code : code->code + "@" + fingerprint},
                        {"centre", code->centre},
                        {"expires_at", iso8601_utc(code->expires_at_ms)}};
  if (!fingerprint.empty()) out["fingerprint"] = fingerprint;
  // The code itself is a secret until used: the entry names only the centre and expiry.
  send_audited(routes.db(), res, p, "enrolment.code_created", code->centre, {{"expires_at_ms", code->expires_at_ms}},
               out);
}

void revoke(Routes& routes, const Request& req, Response& res, const Principal& p) {
  const std::string id = req.matches[1];
  auto body = json_body(req);
  if (!body) return send_error(res, body.error());
  // The confirmation step: the page makes the person type or pick the id again.
  auto confirm = string_field(*body, "confirm");
  if (!confirm || *confirm != id) {
    return send_error(res, Error{"invalid_request", "confirm the revocation: 'confirm' must repeat the device id"});
  }
  auto device = find_device(routes.db(), id);
  if (!device) return send_error(res, device.error());
  if (!*device) return send_error(res, Error{"not_found", "no kiosk with that id"});
  if (auto s = check_scope(p, (*device)->centre); !s) return send_error(res, s.error());
  if (auto s = DeviceRegistry(routes.db()).revoke(id); !s) return send_error(res, s.error());
  send_audited(routes.db(), res, p, "device.revoked", id, {{"centre", (*device)->centre}},
               {{"device_id", id}, {"centre", (*device)->centre}, {"revoked", true}});
}

}  // namespace

void install_kiosk_routes(Routes& routes, const std::string& tls_fingerprint) {
  routes.post("/kiosks/enrolment-codes", Role::Manager,
              [&routes, tls_fingerprint](const Request& req, Response& res, const Principal& p) {
                create_code(routes, tls_fingerprint, req, res, p);
              });
  routes.post(std::string("/kiosks/") + kIdSegment + "/revoke", Role::Admin, with_routes(routes, revoke));
}

}  // namespace ws::server::hq
