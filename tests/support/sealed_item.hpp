#pragma once
// Sealed push items made by hand from the wire format (docs/protocol.md "Sealed items"), not
// by push_seal: what kiosks sealed before dictionaries (a zlib stream inside), or any plaintext
// a test needs. Each item gets its own ephemeral key, as items of several kiosk processes do.
#include <sodium.h>
#include <zlib.h>

#include <string>
#include <string_view>

#include "ws/sealing.hpp"

namespace ws::test {

// `plaintext` sealed as an item for `device_id`; "" if the key pair could not be made.
inline std::string item_with_plaintext(const std::string& server_public_key, const std::string& device_id,
                                       std::string_view plaintext) {
  auto ephemeral = seal::make_key_pair();
  seal::SecretKey shared(crypto_box_BEFORENMBYTES);
  if (!ephemeral || shared.empty() ||
      crypto_box_beforenm(shared.data(), reinterpret_cast<const unsigned char*>(server_public_key.data()),
                          ephemeral->secret_key.data()) != 0) {
    return {};
  }
  const std::string aad = std::string("waystation-push-item-v1") + '\0' + device_id;
  return ephemeral->public_key + seal::encrypt(shared, plaintext, aad);
}

// An item as kiosks before dictionaries sealed it: the envelope zlib-compressed at level 1.
inline std::string zlib_item(const std::string& server_public_key, const std::string& device_id,
                             std::string_view envelope_json) {
  uLongf size = compressBound(static_cast<uLong>(envelope_json.size()));
  std::string deflated(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(deflated.data()), &size, reinterpret_cast<const Bytef*>(envelope_json.data()),
                static_cast<uLong>(envelope_json.size()), 1) != Z_OK) {
    return {};
  }
  deflated.resize(size);
  return item_with_plaintext(server_public_key, device_id, deflated);
}

}  // namespace ws::test
