// POST /v1/vault/escrow and POST /v1/vault/grant (docs/protocol.md "Vault escrow and grant").
#include <sodium.h>

#include "sync-server/core/audit.hpp"
#include "sync-server/core/vault_escrow.hpp"
#include "sync-server/http/body.hpp"
#include "sync-server/http/routes.hpp"
#include "ws/ids.hpp"
#include "ws/vault_grant.hpp"

namespace ws::server {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

namespace {

// The PIN leaves memory as soon as it has been checked.
struct WipedRequest {
  vault_grant::GrantRequest request;
  ~WipedRequest() { sodium_memzero(request.pin.data(), request.pin.size()); }
};

std::string device_actor(const Device& device) { return "device:" + device.id; }

}  // namespace

Result<std::pair<Device, nlohmann::json>> Api::device_json_body(const Request& req, Response& res,
                                                                const ContentReader& reader, std::size_t cap) {
  auto device = authorise(req, res);
  Status usable = device ? require_json_content_type(req) : Status(fail(device.error()));
  if (!usable) {
    drain_body(reader, res, device ? cap : kRefusedBodyDrainBytes);
    return fail(usable.error());
  }
  auto body = read_body(reader, res, cap);
  if (!body) return fail(body.error());
  auto json = parse_json_body(*body);
  if (!json) return fail(json.error());
  return std::make_pair(std::move(*device), std::move(*json));
}

void Api::escrow_vault_key(const Request& req, Response& res, const ContentReader& reader) {
  auto got = device_json_body(req, res, reader, vault_grant::kMaxBodyBytes);
  if (!got) return send_error(res, got.error());
  const Device& device = got->first;
  auto escrow = vault_grant::parse_sealed_secret(got->second);
  if (!escrow) return send_error(res, escrow.error());
  if (!seal_keys_) return send_error(res, Error{"internal", "this server has no sealing key"});
  if (auto s = vault_escrow::keep(db_, *seal_keys_, device.id, *escrow); !s) return send_error(res, s.error());
  // The key's fingerprint says which vault was escrowed; the key itself is public anyway.
  (void)record_audit(db_, audit::Event{device_actor(device), "vault.escrowed", device.id,
                                       {{"vault_key", vault_grant::to_base64url(escrow->public_key)}}});
  res.status = 200;
  res.set_content(nlohmann::json{{"public_key", vault_grant::to_base64url(escrow->public_key)}}.dump(),
                  "application/json");
}

void Api::grant_vault_key(const Request& req, Response& res, const ContentReader& reader) {
  auto got = device_json_body(req, res, reader, vault_grant::kMaxBodyBytes);
  if (!got) return send_error(res, got.error());
  const Device& device = got->first;
  if (!seal_keys_) return send_error(res, Error{"internal", "this server has no sealing key"});
  auto opened = vault_grant::open_request(*seal_keys_, got->second);
  if (!opened) return send_error(res, opened.error());
  WipedRequest wiped{std::move(*opened)};
  const auto& request = wiped.request;
  // Only ids reach the audit log; an id that is not one is not echoed either.
  const std::string account = is_uuid(request.counsellor_id) ? request.counsellor_id : std::string("unknown");
  const std::string account_key = device.centre + "/" + account;
  for (auto* limiter : {&grant_failures_by_device_, &grant_failures_by_account_}) {
    const auto d = limiter->peek(limiter == &grant_failures_by_device_ ? device.id : account_key);
    if (d.allowed) continue;
    res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
    return send_error(res, Error{"rate_limited", "too many refused grants; retry later"});
  }
  auto granted = vault_escrow::grant(db_, *seal_keys_, device, request);
  if (!granted) {
    if (granted.error().code == "forbidden") {
      (void)grant_failures_by_device_.take(device.id);
      (void)grant_failures_by_account_.take(account_key);
      (void)record_audit(db_, audit::Event{device_actor(device), "vault.grant_refused", account, {{"device", device.id}}});
    }
    return send_error(res, granted.error());
  }
  (void)record_audit(db_, audit::Event{device_actor(device), "vault.granted", account, {{"device", device.id}}});
  res.status = 200;
  res.set_content(vault_grant::to_json(*granted).dump(), "application/json");
}

}  // namespace ws::server
