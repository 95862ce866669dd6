#include "ws/sealing.hpp"

#include <sodium.h>

#include <utility>

#include "ws/crypto.hpp"

namespace ws::seal {

SecretKey::SecretKey(std::size_t size) {
  crypto::init();
  bytes_ = static_cast<unsigned char*>(sodium_malloc(size));
  if (bytes_) size_ = size;
}

SecretKey::~SecretKey() {
  if (bytes_) sodium_free(bytes_);  // wipes before freeing
}

SecretKey::SecretKey(SecretKey&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    if (bytes_) sodium_free(bytes_);
    bytes_ = std::exchange(other.bytes_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

namespace {

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Status out_of_memory() { return fail("crypto", "could not allocate locked memory for a key"); }

}  // namespace

std::string random_bytes(std::size_t n) {
  crypto::init();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

Result<KeyPair> make_key_pair() {
  KeyPair pair{std::string(crypto_box_PUBLICKEYBYTES, '\0'), SecretKey(crypto_box_SECRETKEYBYTES)};
  if (pair.secret_key.empty()) return fail(out_of_memory().error());
  crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()), pair.secret_key.data());
  return pair;
}

std::string public_key_of(const SecretKey& secret) {
  std::string pk(crypto_box_PUBLICKEYBYTES, '\0');
  if (secret.size() != crypto_box_SECRETKEYBYTES) return {};
  crypto_scalarmult_base(reinterpret_cast<unsigned char*>(pk.data()), secret.data());
  return pk;
}

Result<SecretKey> derive_key(std::string_view secret, const std::string& salt, const KdfLimits& limits) {
  if (salt.size() != crypto_pwhash_SALTBYTES) return fail("crypto", "a key salt must be 16 bytes");
  SecretKey key(kKeyBytes);
  if (key.empty()) return fail(out_of_memory().error());
  if (crypto_pwhash(key.data(), key.size(), secret.data(), secret.size(), u8(salt), limits.ops, limits.mem_bytes,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail("crypto", "out of memory while deriving a key");
  }
  return key;
}

Result<SecretKey> derive_subkey(const SecretKey& master, std::uint64_t id, const char (&context)[9]) {
  static_assert(crypto_kdf_CONTEXTBYTES == 8 && crypto_kdf_KEYBYTES == kKeyBytes);
  if (master.size() != crypto_kdf_KEYBYTES) return fail("crypto", "a master key must be 32 bytes");
  SecretKey key(kKeyBytes);
  if (key.empty()) return fail(out_of_memory().error());
  crypto_kdf_derive_from_key(key.data(), key.size(), id, context, master.data());
  return key;
}

std::string encrypt(const SecretKey& key, std::string_view plain, std::string_view aad) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(kNonce + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(o, kNonce);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + kNonce, &len, u8(plain), plain.size(), u8(aad), aad.size(), nullptr,
                                             o, key.data());
  out.resize(kNonce + len);
  return out;
}

namespace {

// Decrypts into `out` (sized by the caller to boxed minus nonce and tag).
bool decrypt_into(const SecretKey& key, std::string_view boxed, std::string_view aad, unsigned char* out) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const auto* b = u8(boxed);
  unsigned long long len = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out, &len, nullptr, b + kNonce, boxed.size() - kNonce, u8(aad),
                                                    aad.size(), b, key.data()) == 0;
}

constexpr std::size_t kOverhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;

Status wrong_key() { return fail("wrong_key", "the value does not open with this key"); }

}  // namespace

Result<std::string> decrypt(const SecretKey& key, std::string_view boxed, std::string_view aad) {
  if (key.size() != kKeyBytes || boxed.size() < kOverhead) return fail(wrong_key().error());
  std::string out(boxed.size() - kOverhead, '\0');
  if (!decrypt_into(key, boxed, aad, reinterpret_cast<unsigned char*>(out.data()))) return fail(wrong_key().error());
  return out;
}

Result<SecretKey> decrypt_key(const SecretKey& key, std::string_view boxed, std::string_view aad) {
  if (key.size() != kKeyBytes || boxed.size() <= kOverhead) return fail(wrong_key().error());
  SecretKey out(boxed.size() - kOverhead);
  if (out.empty()) return fail(out_of_memory().error());
  if (!decrypt_into(key, boxed, aad, out.data())) return fail(wrong_key().error());
  return out;
}

std::string seal_to(const std::string& public_key, std::string_view plain) {
  crypto::init();
  std::string out(plain.size() + crypto_box_SEALBYTES, '\0');
  if (public_key.size() != crypto_box_PUBLICKEYBYTES) return {};
  crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()), u8(plain), plain.size(), u8(public_key));
  return out;
}

Result<std::string> open_sealed(const KeyPair& keys, std::string_view sealed) {
  if (sealed.size() < crypto_box_SEALBYTES || keys.public_key.size() != crypto_box_PUBLICKEYBYTES ||
      keys.secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return fail(wrong_key().error());
  }
  std::string out(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), u8(sealed), sealed.size(),
                           u8(keys.public_key), keys.secret_key.data()) != 0) {
    return fail(wrong_key().error());
  }
  return out;
}

}  // namespace ws::seal
