#include "ws/vault_grant.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "ws/crypto.hpp"

namespace ws::vault_grant {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

Unexpected bad(const std::string& what) { return fail("invalid_request", what); }

std::string key_view(const seal::SecretKey& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

// A JSON string field decoded from base64url; "" when absent, not a string or malformed.
std::string bytes_field(const nlohmann::json& j, const char* name, std::size_t max) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string()) return {};
  return from_base64url(j[name].get_ref<const std::string&>(), max);
}

}  // namespace

std::string to_base64url(std::string_view raw) {
  crypto::init();
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string from_base64url(std::string_view text, std::size_t max_bytes) {
  crypto::init();
  std::string out(std::min(max_bytes, text.size()), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, kVariant) != 0) {
    return {};
  }
  out.resize(len);
  return out;
}

nlohmann::json to_json(const SealedSecret& s) {
  return {{"public_key", to_base64url(s.public_key)}, {"sealed_secret", to_base64url(s.sealed_secret)}};
}

Result<SealedSecret> parse_sealed_secret(const nlohmann::json& j) {
  SealedSecret s{bytes_field(j, "public_key", 64), bytes_field(j, "sealed_secret", 256)};
  if (s.public_key.size() != crypto_box_PUBLICKEYBYTES) return bad("field 'public_key': 32 bytes, base64url");
  if (s.sealed_secret.size() != crypto_box_SECRETKEYBYTES + crypto_box_SEALBYTES) {
    return bad("field 'sealed_secret': a sealed 32-byte key, base64url");
  }
  return s;
}

SealedSecret seal_secret(const seal::KeyPair& keys, const std::string& to_public_key) {
  std::string secret = key_view(keys.secret_key);
  SealedSecret out{keys.public_key, seal::seal_to(to_public_key, secret)};
  sodium_memzero(secret.data(), secret.size());
  return out;
}

Result<seal::SecretKey> open_secret(const seal::KeyPair& keys, const SealedSecret& s) {
  auto plain = seal::open_sealed(keys, s.sealed_secret);
  if (!plain) return fail("wrong_secret", "the sealed key does not open with this key");
  seal::SecretKey secret(plain->size());
  if (!secret.empty()) std::memcpy(secret.data(), plain->data(), plain->size());
  sodium_memzero(plain->data(), plain->size());
  if (secret.size() != crypto_box_SECRETKEYBYTES || seal::public_key_of(secret) != s.public_key) {
    return fail("wrong_secret", "the sealed key is not the secret of the vault it names");
  }
  return secret;
}

std::string seal_request(const std::string& server_public_key, const GrantRequest& request) {
  std::string plain = nlohmann::json{{"device_id", request.device_id},
                                     {"counsellor_id", request.counsellor_id},
                                     {"pin", request.pin},
                                     {"reply_key", to_base64url(request.reply_key)}}
                          .dump();
  const std::string sealed = seal::seal_to(server_public_key, plain);
  sodium_memzero(plain.data(), plain.size());
  return nlohmann::json{{"sealed", to_base64url(sealed)}}.dump();
}

Result<GrantRequest> open_request(const seal::KeyPair& server_keys, const nlohmann::json& body) {
  const std::string sealed = bytes_field(body, "sealed", kMaxBodyBytes);
  if (sealed.empty()) return bad("field 'sealed': the grant request sealed to the server's key, base64url");
  auto plain = seal::open_sealed(server_keys, sealed);
  if (!plain) return bad("the grant request is not sealed to this server's key");
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  sodium_memzero(plain->data(), plain->size());
  auto text = [&](const char* name) {
    return j.is_object() && j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
  };
  GrantRequest r{text("device_id"), text("counsellor_id"), text("pin"), bytes_field(j, "reply_key", 64)};
  if (j.is_object() && j.contains("pin") && j["pin"].is_string()) {
    auto& pin = j["pin"].get_ref<std::string&>();
    sodium_memzero(pin.data(), pin.size());
  }
  if (r.device_id.empty() || r.counsellor_id.empty() || r.pin.empty() || r.pin.size() > crypto::kMaxSecretBytes ||
      r.reply_key.size() != crypto_box_PUBLICKEYBYTES) {
    return bad("the grant request needs device_id, counsellor_id, pin and a 32-byte reply_key");
  }
  return r;
}

}  // namespace ws::vault_grant
