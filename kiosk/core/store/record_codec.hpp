#pragma once
// A record's payload as stored in the records table, with encryption at rest (docs/security.md
// "Encryption at rest"). Four codecs (payload_codec.hpp):
//  - kJsonText: plain, for kinds without personal values (stays_plain) and for every kind in a
//    folder that has no vault yet (nobody has signed in; the first sign-in converts the folder);
//  - kDataKey: XChaCha20-Poly1305 under the vault's data key, the record id as additional data,
//    written while the vault is open (one AEAD pass, no public-key work);
//  - kSealedJson: crypto_box_seal to the vault's public key of "<id>\0<json>", written while the
//    vault is locked outside a pull page (migrant screens, CLI); re-encrypted to kDataKey after unlock;
//  - kPageKey: written by a pull page while the vault is locked, under the page's one key sealed
//    to the vault (page_key.hpp); re-encrypted to kDataKey after unlock like kSealedJson.
// Reading kDataKey, kSealedJson or kPageKey needs the vault open: "vault_locked" otherwise. A ciphertext
// moved to another row does not open there ("corrupt").
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/core/store/payload_codec.hpp"
#include "ws/result.hpp"
#include "ws/sealing.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk {
class Store;
}

namespace ws::kiosk::record_codec {

inline constexpr const char* kLocked = "vault_locked";

// HQ's forms, content and settings hold no personal value; counsellor accounts must be read
// before anyone has signed in (the sign-in itself), so they stay plain too.
bool stays_plain(const std::string& kind);

Result<codec::Encoded> encode(sql::Connection& db, const std::string& data_dir, const std::string& id,
                              const std::string& kind, const nlohmann::json& payload);
// The same from the payload's compact JSON text (what codec::encode would write for it).
Result<codec::Encoded> encode_text(sql::Connection& db, const std::string& data_dir, const std::string& id,
                                   const std::string& kind, std::string payload_json);
// The same with the vault's public key (vault::public_key, "" for no vault) read by the caller:
// a pull page writes thousands of rows in one transaction, which sees one vault row throughout
// (snapshot; the pull never makes a vault), so it reads the key once. Whether the vault is open
// is still asked per record: another thread may lock or unlock it mid-page.
Result<codec::Encoded> encode_text_with_key(sql::Connection& db, const std::string& public_key,
                                            const std::string& data_dir, const std::string& id,
                                            const std::string& kind, std::string payload_json);
Result<nlohmann::json> decode(const std::string& data_dir, const std::string& id, int codec_id,
                              const std::string& bytes);
// The payload as JSON text (for building a push batch), as codec::decode_text gives for plain rows.
Result<std::string> decode_text(const std::string& data_dir, const std::string& id, int codec_id, std::string bytes);

// The first sign-in of a folder (inside vault creation's transaction): every plain row of a kind
// that does not stay plain is encrypted under `data_key`.
Status encrypt_plain_records(sql::Connection& db, const seal::SecretKey& data_key);
// With the vault open: rows sealed while it was locked are re-encrypted under the data key, so
// later reads need no public-key work. One transaction; returns how many rows changed.
Result<std::size_t> reseal_to_data_key(Store& store);

}  // namespace ws::kiosk::record_codec
