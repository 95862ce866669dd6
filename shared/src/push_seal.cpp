#include "ws/push_seal.hpp"

#include <sodium.h>
#include <zlib.h>

#include <map>
#include <memory>
#include <mutex>

#include "ws/crypto.hpp"

namespace ws::push_seal {
namespace {

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string aad_for(const std::string& device_id) { return std::string("waystation-push-v1") + '\0' + device_id; }

// One ephemeral key pair per server key, for the life of the process; only the shared key and
// the ephemeral public key are kept.
struct Ephemeral {
  std::string public_key;
  seal::SecretKey shared;
};

std::shared_ptr<const Ephemeral> ephemeral_for(const std::string& server_public_key) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Ephemeral>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(server_public_key); it != cache.end()) return it->second;
  auto pair = seal::make_key_pair();
  if (!pair) return nullptr;
  auto e = std::make_shared<Ephemeral>(Ephemeral{pair->public_key, seal::SecretKey(crypto_box_BEFORENMBYTES)});
  if (e->shared.empty() || crypto_box_beforenm(e->shared.data(), u8(server_public_key), pair->secret_key.data()) != 0) {
    return nullptr;
  }
  cache[server_public_key] = e;
  return e;
}

std::string deflate_fast(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, u8(text), static_cast<uLong>(text.size()), 1) != Z_OK) {
    return {};
  }
  out.resize(size);
  return out;
}

Result<std::string> inflate_capped(const std::string& compressed, std::size_t cap) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return fail("internal", "could not start inflating a sealed body");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[64 * 1024];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = sizeof chunk - z.avail_out;
    if (out.size() + produced > cap) rc = Z_MEM_ERROR;
    else out.append(chunk, produced);
    if (rc == Z_OK && produced == 0 && z.avail_in == 0) rc = Z_DATA_ERROR;  // truncated
  }
  inflateEnd(&z);
  if (rc == Z_MEM_ERROR) return fail("too_large", "the sealed body is larger than " + std::to_string(cap) + " bytes");
  if (rc != Z_STREAM_END) return fail("invalid_request", "the sealed body's content is corrupt");
  return out;
}

Unexpected does_not_open() {
  return fail("invalid_request", "the sealed body does not open with this server's key (another server, or changed)");
}

}  // namespace

bool is_sealed(std::string_view body) { return body.substr(0, kMagic.size()) == kMagic; }

Result<std::string> seal(const std::string& server_public_key, const std::string& device_id, std::string_view body) {
  crypto::init();
  if (server_public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return fail("invalid_argument", "the server's public key has the wrong size");
  }
  auto eph = ephemeral_for(server_public_key);
  if (!eph) return fail("crypto", "could not make the key to seal a push");
  std::string out(kMagic);
  out += eph->public_key;
  out += seal::encrypt(eph->shared, deflate_fast(body), aad_for(device_id));
  return out;
}

Result<std::string> open(const seal::KeyPair& server_keys, const std::string& device_id, std::string_view sealed,
                         std::size_t cap) {
  crypto::init();
  const std::size_t header = kMagic.size() + crypto_box_PUBLICKEYBYTES;
  if (!is_sealed(sealed) || sealed.size() <= header) return does_not_open();
  if (server_keys.secret_key.size() != crypto_box_SECRETKEYBYTES) return fail("internal", "the server's key is unusable");
  seal::SecretKey shared(crypto_box_BEFORENMBYTES);
  if (shared.empty()) return fail("internal", "could not allocate locked memory for a key");
  if (crypto_box_beforenm(shared.data(), u8(sealed.substr(kMagic.size())), server_keys.secret_key.data()) != 0) {
    return does_not_open();
  }
  auto deflated = seal::decrypt(shared, sealed.substr(header), aad_for(device_id));
  if (!deflated) return does_not_open();
  return inflate_capped(*deflated, cap);
}

std::string encode_key(const std::string& raw_key) {
  crypto::init();
  std::string out(sodium_base64_ENCODED_LEN(raw_key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), u8(raw_key), raw_key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string decode_key(std::string_view text) {
  crypto::init();
  std::string out(crypto_box_PUBLICKEYBYTES, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != crypto_box_PUBLICKEYBYTES) {
    return {};
  }
  return out;
}

}  // namespace ws::push_seal
