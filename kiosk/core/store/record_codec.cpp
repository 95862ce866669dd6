#include "kiosk/core/store/record_codec.hpp"

#include <utility>
#include <vector>

#include "kiosk/core/store/page_key.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"

namespace ws::kiosk::record_codec {
namespace {

// Binds a ciphertext to its row: moved under another id it does not open.
std::string aad(const std::string& id) { return std::string("waystation-record-v1") + '\0' + id; }
std::string sealed_plain(const std::string& id, const std::string& json) { return id + '\0' + json; }

Unexpected locked() { return fail(kLocked, "sign in to see this: the kiosk's data is locked"); }
Unexpected foreign() { return fail("corrupt", "a stored record does not open with this kiosk's key"); }

Result<std::string> open_sealed(const std::string& data_dir, const std::string& id, const std::string& bytes) {
  auto opened = vault::open(data_dir, bytes);
  if (!opened) return opened.error().code == "locked" ? locked() : foreign();
  const std::string prefix = id + '\0';
  if (opened->compare(0, prefix.size(), prefix) != 0) return foreign();
  return opened->substr(prefix.size());
}

// Either locked form (kSealedJson, kPageKey) opened; `db` when the caller has the connection.
Result<std::string> open_locked_form(const std::string& data_dir, sql::Connection* db, const std::string& id,
                                     int codec_id, const std::string& bytes) {
  if (codec_id == codec::kSealedJson) return open_sealed(data_dir, id, bytes);
  auto plain = page_key::decrypt(data_dir, db, bytes, page_key::kRecord, id);
  if (!plain) return plain.error().code == "locked" ? locked() : foreign();
  return plain;
}

struct Row {
  std::string id;
  std::string kind;
  std::string bytes;
};

Result<std::vector<Row>> rows_with_codec(sql::Connection& db, int codec_id) {
  auto st = db.prepare("SELECT id, kind, payload FROM records WHERE payload_codec = ?1");
  if (!st) return fail(st.error());
  st->bind(1, codec_id);
  std::vector<Row> rows;
  for (;;) {
    auto step = st->step();
    if (!step) return fail(step.error());
    if (!*step) return rows;
    rows.push_back({st->column_text(0), st->column_text(1), st->column_blob(2)});
  }
}

Status write_encrypted(sql::Statement& up, const seal::SecretKey& key, const Row& row, const std::string& plain) {
  up.reset();
  // search_text is blank for encrypted rows: the search index lives in memory (search_index.hpp).
  return up.bind(1, codec::kDataKey).bind_blob(2, seal::encrypt(key, plain, aad(row.id))).bind(3, row.id).run();
}

constexpr const char* kUpdate = "UPDATE records SET payload_codec = ?1, payload = ?2, search_text = '' WHERE id = ?3";

}  // namespace

bool stays_plain(const std::string& kind) {
  return kind == "form" || kind == "content" || kind == "settings" || kind == "counsellor";
}

Result<codec::Encoded> encode(sql::Connection& db, const std::string& data_dir, const std::string& id,
                              const std::string& kind, const nlohmann::json& payload) {
  return encode_text(db, data_dir, id, kind, codec::encode(payload).bytes);
}

Result<codec::Encoded> encode_text(sql::Connection& db, const std::string& data_dir, const std::string& id,
                                   const std::string& kind, std::string payload_json) {
  if (stays_plain(kind)) return codec::Encoded{codec::kJsonText, std::move(payload_json)};
  auto pk = vault::public_key(db);
  if (!pk) return fail(pk.error());
  return encode_text_with_key(db, *pk, data_dir, id, kind, std::move(payload_json));
}

Result<codec::Encoded> encode_text_with_key(sql::Connection& db, const std::string& public_key,
                                            const std::string& data_dir, const std::string& id,
                                            const std::string& kind, std::string payload_json) {
  codec::Encoded plain{codec::kJsonText, std::move(payload_json)};
  if (stays_plain(kind) || public_key.empty()) return plain;  // no vault yet: the first sign-in encrypts the folder
  if (auto key = vault::data_key(data_dir, public_key)) {
    return codec::Encoded{codec::kDataKey, seal::encrypt(*key, plain.bytes, aad(id))};
  }
  // A pull page's records share one key sealed once (page_key.hpp); other writes are sealed each.
  auto paged = page_key::encrypt(db, public_key, plain.bytes, page_key::kRecord, id);
  if (!paged) return fail(paged.error());
  if (*paged) return codec::Encoded{codec::kPageKey, std::move(**paged)};
  return codec::Encoded{codec::kSealedJson, vault::seal(public_key, sealed_plain(id, plain.bytes))};
}

Result<std::string> decode_text(const std::string& data_dir, const std::string& id, int codec_id, std::string bytes) {
  if (codec_id == codec::kDataKey) {
    auto key = vault::data_key(data_dir);
    if (!key) return locked();
    auto plain = seal::decrypt(*key, bytes, aad(id));
    if (!plain) return foreign();
    return codec::decode_text(codec::kJsonText, std::move(*plain));
  }
  if (codec_id == codec::kSealedJson || codec_id == codec::kPageKey) {
    auto plain = open_locked_form(data_dir, nullptr, id, codec_id, bytes);
    if (!plain) return fail(plain.error());
    return codec::decode_text(codec::kJsonText, std::move(*plain));
  }
  return codec::decode_text(codec_id, std::move(bytes));
}

Result<nlohmann::json> decode(const std::string& data_dir, const std::string& id, int codec_id,
                              const std::string& bytes) {
  if (codec_id == codec::kJsonText) return codec::decode(codec_id, bytes);
  auto text = decode_text(data_dir, id, codec_id, bytes);
  if (!text) return fail(text.error());
  return codec::decode(codec::kJsonText, *text);
}

Status encrypt_plain_records(sql::Connection& db, const seal::SecretKey& data_key) {
  auto rows = rows_with_codec(db, codec::kJsonText);
  if (!rows) return fail(rows.error());
  auto up = db.prepare(kUpdate);
  if (!up) return fail(up.error());
  for (const auto& row : *rows) {
    if (stays_plain(row.kind)) continue;
    if (auto s = write_encrypted(*up, data_key, row, row.bytes); !s) return s;
  }
  return db.exec("UPDATE records SET search_text = '' WHERE search_text <> ''");
}

Result<std::size_t> reseal_to_data_key(Store& store) {
  auto& db = store.connection();
  auto pk = vault::public_key(db);
  if (!pk) return fail(pk.error());
  auto key = vault::data_key(store.data_dir(), *pk);
  if (!key || store.read_only()) return std::size_t{0};
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto up = db.prepare(kUpdate);
  if (!up) return fail(up.error());
  std::size_t changed = 0;
  // Each page key is opened once (page_key.hpp keeps it), however many records it sealed.
  for (const int codec_id : {codec::kSealedJson, codec::kPageKey}) {
    auto rows = rows_with_codec(db, codec_id);
    if (!rows) return fail(rows.error());
    for (const auto& row : *rows) {
      auto plain = open_locked_form(store.data_dir(), &db, row.id, codec_id, row.bytes);
      if (!plain) continue;  // a row that does not open is kept as it is, never guessed at
      if (auto s = write_encrypted(*up, *key, row, *plain); !s) return fail(s.error());
      ++changed;
    }
  }
  if (auto s = page_key::forget_unused(db, store.data_dir()); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return changed;
}

}  // namespace ws::kiosk::record_codec
