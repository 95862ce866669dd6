#pragma once
// The kiosk vault's server escrow and online grant (docs/protocol.md "Vault escrow and grant",
// docs/security.md "Accounts without a copy"): the wire format both sides share.
//
// Escrow: a kiosk whose vault is open sends its vault secret sealed to the server's X25519 key
// (crypto_box_seal), with the vault's public key, so the sync worker uploads it with no kiosk
// secret at hand. Grant: a counsellor whose PIN the kiosk checked, but who has no copy of the
// vault key there, asks the server for this device's vault secret; the request (account id, PIN
// and a one-time reply key) is sealed to the server's key, and the server seals the secret to
// the reply key, so neither the PIN nor the secret is ever in an HTTP body in clear.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ws/result.hpp"
#include "ws/sealing.hpp"

namespace ws::vault_grant {

inline constexpr const char* kRouteEscrow = "/v1/vault/escrow";
inline constexpr const char* kRouteGrant = "/v1/vault/grant";
// Both bodies are a few hundred bytes; a PIN or passphrase is at most 1024 bytes.
inline constexpr std::size_t kMaxBodyBytes = 4096;

// URL-safe base64 without padding; decode gives "" for anything malformed or longer than `max`.
std::string to_base64url(std::string_view raw);
std::string from_base64url(std::string_view text, std::size_t max_bytes = kMaxBodyBytes);

// A vault secret sealed to some X25519 public key, with the vault's public key:
// {"public_key": b64url, "sealed_secret": b64url}. The escrow body, and the grant's reply (where
// the secret is sealed to the request's reply key).
struct SealedSecret {
  std::string public_key;     // the vault's, 32 raw bytes
  std::string sealed_secret;  // crypto_box_seal of the 32-byte secret key
};
nlohmann::json to_json(const SealedSecret& s);
// Errors: "invalid_request" naming the field.
Result<SealedSecret> parse_sealed_secret(const nlohmann::json& j);
// Seals `keys.secret_key` to `to_public_key`.
SealedSecret seal_secret(const seal::KeyPair& keys, const std::string& to_public_key);
// Opens a sealed vault secret with `keys`; "wrong_secret" unless it is the secret of
// `s.public_key` (a server or a kiosk never takes a key that is not the vault's it names).
Result<seal::SecretKey> open_secret(const seal::KeyPair& keys, const SealedSecret& s);

// What a grant asks for. `device_id` is checked against the token that sent it.
struct GrantRequest {
  std::string device_id;
  std::string counsellor_id;
  std::string pin;
  std::string reply_key;  // 32 raw bytes: a key pair made for this request only
};
// {"sealed": b64url(crypto_box_seal(JSON, server key))}; the JSON text holding the PIN is wiped.
std::string seal_request(const std::string& server_public_key, const GrantRequest& request);
// Errors: "invalid_request" (not sealed to this server, malformed).
Result<GrantRequest> open_request(const seal::KeyPair& server_keys, const nlohmann::json& body);

}  // namespace ws::vault_grant
