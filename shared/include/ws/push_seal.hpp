#pragma once
// Push bodies sealed to the sync server's X25519 public key (docs/protocol.md "Sealed push"):
// the kiosk's outbox copy of a batch is readable by the server only, so the sync engine sends
// it without any kiosk secret, and a copied kiosk disk does not reveal what waits to be sent.
//
// The whole push body text is sealed as one opaque blob, so the envelope format inside stays
// independent of sealing. Wire and storage form:
//   "WSS1" || ephemeral public key (32) || XChaCha20-Poly1305(nonce || ciphertext)
// The AEAD key is crypto_box_beforenm(server public key, ephemeral secret key): the ephemeral key
// pair lives in this process's memory only (never on disk) and is made once per server key, so
// a sync of thousands of records costs one X25519, not one per record. The plaintext is the body
// deflated (zlib, level 1): ciphertext does not compress, so compression happens before sealing.
// The device id is authenticated data: a sealed body replayed under another device's token fails.
//
// Sealed items (docs/protocol.md "Sealed items"): each outbox row keeps its own envelope sealed
// the same way when it is queued, so a batch is frozen by concatenating items, without reading
// the records (which may be encrypted to a vault nobody has opened). Stored item:
//   ephemeral public key (32) || nonce (24) || XChaCha20-Poly1305(plaintext)
//   plaintext: u8 dictionary id || raw deflate of the envelope JSON from a preset dictionary
//   (ws/push_dictionary.hpp, followed by "-00000000@<device id>\"}"), so that an item compressed
//   alone still borrows the keys and words every record repeats. Items sealed before
//   dictionaries hold a zlib stream instead (first byte 0x78, which no id takes); the server
//   opens both, in one body.
// Wire form of a batch of items:
//   "WSI1" || u8 L || batch_id (L bytes) || u16 K || K ephemeral public keys (32 each)
//          || items: { u16 key index || u32 N || N bytes (nonce || ciphertext) }...
// (integers big-endian). The server opens every item before it parses anything; one that does
// not open refuses the whole body.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ws/result.hpp"
#include "ws/sealing.hpp"

namespace ws::push_seal {

inline constexpr std::string_view kMagic = "WSS1";       // the whole body sealed as one blob
inline constexpr std::string_view kItemsMagic = "WSI1";  // a batch of items sealed one by one
// The Content-Type of a sealed push request.
inline constexpr const char* kContentType = "application/vnd.waystation.sealed";
// The reply header that names the server's public key (URL-safe base64, no padding).
inline constexpr const char* kSealKeyHeader = "X-Waystation-Seal-Key";

// Either sealed form (whole body or items).
bool is_sealed(std::string_view body);

// Seals `body` for the server whose public key is `server_public_key` (32 raw bytes).
// "invalid_argument" for a key of the wrong size.
Result<std::string> seal(const std::string& server_public_key, const std::string& device_id, std::string_view body);

// One envelope's JSON sealed on its own, as an outbox row keeps it.
Result<std::string> seal_item(const std::string& server_public_key, const std::string& device_id,
                              std::string_view envelope_json);
// The push body for `items` (seal_item's results, in order) under `batch_id` (1-255 bytes).
// "invalid_argument" for an item too short to be one, or more than 65535 ephemeral keys.
Result<std::string> items_body(const std::string& batch_id, const std::vector<std::string_view>& items);

// Opens a sealed body (either form) with the server's key pair into the ordinary JSON push body.
// "invalid_request" when it is not a sealed body, is malformed, or does not open (wrong key,
// other device, tampered; for items, naming the first item that fails); "too_large" when it
// inflates past `cap` or holds more than protocol::kMaxBatchRecords items.
Result<std::string> open(const seal::KeyPair& server_keys, const std::string& device_id, std::string_view sealed,
                         std::size_t cap);

// URL-safe base64 without padding, for the header; decode returns "" for anything malformed.
std::string encode_key(const std::string& raw_key);
std::string decode_key(std::string_view text);

}  // namespace ws::push_seal
