#pragma once
// The one place that turns a payload into stored bytes and back. Rows carry the codec id, so
// encrypting payloads later (libsodium secretbox) is a new codec here and nothing else.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ws/result.hpp"

namespace ws::kiosk::codec {

inline constexpr int kJsonText = 1;  // UTF-8 JSON text, no encryption
inline constexpr int kSealedJson = 2;  // JSON text sealed to the kiosk vault's public key (vault.hpp)
inline constexpr int kDataKey = 3;     // a record under the vault's data key (record_codec.hpp)
inline constexpr int kPageKey = 4;     // written locked, under its pull page's key (page_key.hpp)
inline constexpr int kCurrent = kJsonText;

struct Encoded {
  int codec = kCurrent;
  std::string bytes;
};

Encoded encode(const nlohmann::json& payload);
Result<nlohmann::json> decode(int codec, const std::string& bytes);
// The payload as compact JSON text, for sending: for plain JSON rows that is the stored bytes
// themselves, so building a batch needs no parse and no dump.
Result<std::string> decode_text(int codec, std::string bytes);

}  // namespace ws::kiosk::codec
