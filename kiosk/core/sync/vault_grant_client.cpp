#include "kiosk/core/sync/vault_grant_client.hpp"

#include <sodium.h>

#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/store/vault_escrow.hpp"
#include "kiosk/core/sync/identity_transport.hpp"
#include "ws/protocol.hpp"
#include "ws/vault_grant.hpp"

namespace ws::kiosk {
namespace {

Result<HttpReply> post(Transport& transport, const DeviceIdentity& id, const char* route, std::string body) {
  HttpRequest req;
  req.method = HttpRequest::Method::Post;
  req.path = route;
  req.body = std::move(body);
  req.bearer_token = id.token;
  return transport.send(req);
}

Unexpected refused(const HttpReply& reply, const std::string& what) {
  const auto e = protocol::parse_error_body(reply.body, reply.status);
  const std::string code = reply.from_server && !e.code.empty() ? e.code : "http_" + std::to_string(reply.status);
  return fail(code, what + ": " + e.message + " (HTTP " + std::to_string(reply.status) + ")");
}

// The secret in the grant's reply, checked to be this vault's before anything keeps it.
Result<seal::SecretKey> granted_secret(Store& store, const seal::KeyPair& reply_keys, const HttpReply& reply) {
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  auto sealed = vault_grant::parse_sealed_secret(j);
  if (!sealed) return fail("invalid_response", "the server's grant reply is malformed");
  auto pk = vault::public_key(store);
  if (!pk) return fail(pk.error());
  if (pk->empty() || sealed->public_key != *pk) {
    return fail("wrong_secret", "the server sent the key of another kiosk's data");
  }
  return vault_grant::open_secret(reply_keys, *sealed);
}

}  // namespace

Status offer_escrow(Store& store, Transport& transport, const DeviceIdentity& id) {
  if (auto s = vault_escrow::prepare(store); !s) return s;
  auto pending = vault_escrow::pending(store);
  if (!pending) return fail(pending.error());
  if (!*pending) return ok();
  auto reply = post(transport, id, vault_grant::kRouteEscrow, (*pending)->body);
  if (!reply) return fail(reply.error());
  if (reply->status != 200) return refused(*reply, "the server did not take this kiosk's key escrow");
  return vault_escrow::mark_sent(store, (*pending)->tag);
}

Status request_grant(Store& store, Transport& transport, const DeviceIdentity& id, const std::string& counsellor_id,
                     const std::string& pin) {
  auto server_key = store.server_seal_key();
  if (!server_key) return fail(server_key.error());
  if (server_key->empty()) return fail("offline", "this kiosk has not reached its server yet");
  // A key pair for this reply only: the secret travels sealed to it, never in clear.
  auto reply_keys = seal::make_key_pair();
  if (!reply_keys) return fail(reply_keys.error());
  vault_grant::GrantRequest request{id.device_id, counsellor_id, pin, reply_keys->public_key};
  std::string body = vault_grant::seal_request(*server_key, request);
  sodium_memzero(request.pin.data(), request.pin.size());
  auto reply = post(transport, id, vault_grant::kRouteGrant, std::move(body));
  if (!reply) return fail(reply.error());
  if (reply->status != 200) return refused(*reply, "the server did not give this account the kiosk's key");
  auto secret = granted_secret(store, *reply_keys, *reply);
  if (!secret) return fail(secret.error());
  if (auto s = vault::adopt(store, std::move(*secret)); !s) return s;
  return vault::add_copy(store, counsellor_id, pin);
}

Status request_grant_online(Store& store, const std::string& counsellor_id, const std::string& pin) {
  auto id = store.identity();
  if (!id) return fail(id.error());
  if (!id->enrolled()) return fail("offline", "this kiosk is not enrolled with a server");
  auto transport = make_http_transport(id->server_url, with_identity(*id));
  if (!transport) return fail(transport.error());
  return request_grant(store, **transport, *id, counsellor_id, pin);
}

}  // namespace ws::kiosk
