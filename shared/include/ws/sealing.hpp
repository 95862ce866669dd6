#pragma once
// libsodium wrappers for encryption at rest: key buffers in locked memory, Argon2id key
// derivation, XChaCha20-Poly1305 wrapping and anonymous sealing to an X25519 public key.
// Nothing here is home-made cryptography; every primitive is libsodium's.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ws/result.hpp"

namespace ws::seal {

// A secret key in sodium_malloc memory (locked, guarded, wiped by sodium_free), so it is never
// swapped to disk and leaves no copy behind when it goes away.
class SecretKey {
 public:
  SecretKey() = default;
  explicit SecretKey(std::size_t size);
  ~SecretKey();
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;

  unsigned char* data() { return bytes_; }
  const unsigned char* data() const { return bytes_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  unsigned char* bytes_ = nullptr;
  std::size_t size_ = 0;
};

struct KeyPair {
  std::string public_key;  // 32 raw bytes, may be stored in clear
  SecretKey secret_key;    // 32 bytes
};

// Argon2id cost. The defaults are libsodium's "moderate" limits (256 MiB): each guess at a
// wrapped key costs an attacker that much memory and time.
struct KdfLimits {
  unsigned long long ops = 3;
  std::size_t mem_bytes = 256u * 1024u * 1024u;
};

inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kKeyBytes = 32;

std::string random_bytes(std::size_t n);
Result<KeyPair> make_key_pair();
// The public key belonging to `secret` (to check that an unwrapped key is this vault's).
std::string public_key_of(const SecretKey& secret);

// A 32-byte key from a person's secret (PIN or passphrase) with Argon2id.
Result<SecretKey> derive_key(std::string_view secret, const std::string& salt, const KdfLimits& limits);

// A key for one purpose from a master key (crypto_kdf_derive_from_key: BLAKE2b keyed with the
// master; `context` is 8 characters naming the purpose), so one secret yields keys that tell
// nothing about each other or about the master.
Result<SecretKey> derive_subkey(const SecretKey& master, std::uint64_t id, const char (&context)[9]);

// XChaCha20-Poly1305 (IETF): nonce || ciphertext. `aad` is authenticated, not stored.
std::string encrypt(const SecretKey& key, std::string_view plain, std::string_view aad);
Result<std::string> decrypt(const SecretKey& key, std::string_view boxed, std::string_view aad);
// Decrypts straight into locked memory: for unwrapping keys.
Result<SecretKey> decrypt_key(const SecretKey& key, std::string_view boxed, std::string_view aad);

// crypto_box_seal: anyone with the public key can seal, only the secret key opens.
std::string seal_to(const std::string& public_key, std::string_view plain);
Result<std::string> open_sealed(const KeyPair& keys, std::string_view sealed);

}  // namespace ws::seal
