#include "kiosk/core/store/record_row.hpp"

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/record_codec.hpp"
#include "ws/case_id.hpp"
#include "ws/json_view.hpp"

namespace ws::kiosk::row {

Result<StoredRecord> read_record(const sql::Statement& st, const std::string& data_dir) {
  StoredRecord r;
  Envelope& e = r.envelope;
  e.id = st.column_text(0);
  e.kind = st.column_text(1);
  e.centre = st.column_text(2);
  auto version = Version::parse(st.column_text(3));
  if (!version) return fail("corrupt", "stored record has a bad version: " + version.error().message);
  e.version = *version;
  e.deleted = st.column_int(4) != 0;
  e.schema_version = static_cast<int>(st.column_int(5));
  auto payload = record_codec::decode(data_dir, e.id, static_cast<int>(st.column_int(6)), st.column_blob(7));
  if (payload) {
    e.payload = std::move(*payload);
  } else if (payload.error().code == record_codec::kLocked) {
    e.payload = nlohmann::json::object();
    r.payload_locked = true;
  } else {
    return fail(payload.error());
  }
  auto fv = nlohmann::json::parse(st.column_text(8), nullptr, false);
  if (!fv.is_object()) return fail("corrupt", "stored record has bad field versions");
  for (const auto& [field, text] : fv.items()) {
    if (!text.is_string()) return fail("corrupt", "stored record has bad field versions");
    auto v = Version::parse(text.get<std::string>());
    if (!v) return fail("corrupt", "stored record has bad field versions");
    e.field_versions.emplace(field, *v);
  }
  // Stored compact (write() below): the entries left out are the record's version.
  expand_field_versions(e);
  if (auto base = st.column_optional_text(9)) {
    auto v = Version::parse(*base);
    if (!v) return fail("corrupt", "stored record has a bad base version");
    e.base_version = *v;
  }
  r.updated_ms = st.column_int(10);
  const auto state = st.column_int(11);
  r.sync_state = state == 0 ? SyncState::Sent : state == 2 ? SyncState::Quarantined : SyncState::Pending;
  r.sync_error = st.column_text(12);
  return r;
}

Result<std::string> envelope_json_text(const sql::Statement& st, const std::string& data_dir) {
  auto payload = record_codec::decode_text(data_dir, st.column_text(0), static_cast<int>(st.column_int(6)), st.column_blob(7));
  if (!payload) return fail(payload.error());
  const std::string field_versions = st.column_text(8);
  if (field_versions.size() < 2 || field_versions.front() != '{' || field_versions.back() != '}') {
    return fail("corrupt", "stored record has bad field versions");
  }
  const std::string id = st.column_text(0), kind = st.column_text(1), centre = st.column_text(2),
                    version = st.column_text(3);
  const auto base = st.column_optional_text(9);
  return envelope_json({.id = id,
                        .kind = kind,
                        .centre = centre,
                        .version = version,
                        .deleted = st.column_int(4) != 0,
                        .schema_version = static_cast<int>(st.column_int(5)),
                        .payload = *payload,
                        .field_versions = field_versions,
                        .base_version = base ? std::optional<std::string_view>(*base) : std::nullopt});
}

namespace {

constexpr const char* kUpsert = R"sql(
    INSERT INTO records(id, kind, centre, case_id, version, deleted, schema_version, payload_codec, payload,
                        field_versions, updated_ms, search_text)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT(id) DO UPDATE SET
      case_id = excluded.case_id, version = excluded.version, deleted = excluded.deleted,
      schema_version = excluded.schema_version, payload_codec = excluded.payload_codec,
      payload = excluded.payload, field_versions = excluded.field_versions,
      updated_ms = excluded.updated_ms, search_text = excluded.search_text
  )sql";

constexpr const char* kUpsertSync = R"sql(
    INSERT INTO record_sync(id, base_version, sync_state, sync_error) VALUES(?1, ?2, ?3, ?4)
    ON CONFLICT(id) DO UPDATE SET
      base_version = excluded.base_version, sync_state = excluded.sync_state, sync_error = excluded.sync_error
  )sql";

constexpr const char* kMaterialiseSync = R"sql(
    INSERT OR IGNORE INTO record_sync(id, base_version, sync_state, sync_error)
    SELECT id, version, 0, '' FROM records WHERE id = ?1
  )sql";

// The row state beside the envelope (StoredRecord's other members).
struct RowState {
  const Version* base;  // none for a record the server has not acknowledged
  std::int64_t updated_ms;
  SyncState sync_state;
  const std::string& sync_error;
};

// The payload as stored: from the parse's text when there is one, with the caller's vault key
// when it has read it.
Result<codec::Encoded> encode_payload(sql::Connection& db, const std::string& data_dir, const Envelope& e,
                                      const std::string* payload_json, const std::string* vault_public_key) {
  if (!payload_json) return record_codec::encode(db, data_dir, e.id, e.kind, e.payload);
  if (!vault_public_key) return record_codec::encode_text(db, data_dir, e.id, e.kind, *payload_json);
  return record_codec::encode_text_with_key(db, *vault_public_key, data_dir, e.id, e.kind, *payload_json);
}

// Binds the record's columns to kUpsert's parameters and runs `st`, reset after it for the next
// record. `case_id` is the payload's (ws/case_id.hpp), read from its tree or its DOM.
Status run_upsert(sql::Statement& st, const Envelope& e, const std::optional<std::string>& case_id,
                  const codec::Encoded& payload, std::int64_t updated_ms) {
  // Compact, as the server stores them: a pulled record's fields mostly share its version, and
  // the full text (~1.3 KB for an intake) made each row just over half a 4 KB page, so every
  // pulled record took a page of its own in the WAL and again in the checkpoint. The compact
  // text is the same whether `e` holds the full or the compact map (kept_in_compact).
  const std::string field_versions = ws::compact_field_versions_json(e.field_versions, e.version);
  const std::string version = e.version.to_string();
  // Bound in place (no copy by SQLite): every text here outlives the run below, and the reset
  // after it clears the bindings.
  st.bind_view(1, e.id).bind_view(2, e.kind).bind_view(3, e.centre).bind(4, case_id).bind_view(5, version);
  st.bind(6, e.deleted ? 1 : 0).bind(7, e.schema_version).bind(8, payload.codec).bind_blob_view(9, payload.bytes);
  st.bind_view(10, field_versions).bind(11, updated_ms).bind_view(12, std::string_view(""));  // "", not NULL
  auto s = st.run();
  st.reset();
  return s;
}

Status write(sql::Connection& db, const std::string& data_dir, const Envelope& e, const RowState& state) {
  auto st = db.prepare(kUpsert);
  if (!st) return fail(st.error());
  const auto encoded = record_codec::encode(db, data_dir, e.id, e.kind, e.payload);
  if (!encoded) return fail(encoded.error());
  if (auto s = run_upsert(*st, e, case_id_of(json_view::Tree(e.payload)), *encoded, state.updated_ms); !s) return s;
  std::optional<std::string> base;
  if (state.base) base = state.base->to_string();
  auto sync = db.prepare(kUpsertSync);
  if (!sync) return fail(sync.error());
  // Only a refusal is stored: pending is the outbox's to say (kColumns), and every writer that
  // makes a record pending queues it in the same transaction.
  const int stored = state.sync_state == SyncState::Quarantined ? static_cast<int>(SyncState::Quarantined) : 0;
  sync->bind(1, e.id).bind(2, base).bind(3, stored).bind(4, state.sync_error);
  return sync->run();
}

}  // namespace

Status upsert(sql::Connection& db, const std::string& data_dir, const StoredRecord& r) {
  if (r.payload_locked) return fail(record_codec::kLocked, "sign in first: the record's data is locked");
  const Version* base = r.envelope.base_version ? &*r.envelope.base_version : nullptr;
  return write(db, data_dir, r.envelope, {base, r.updated_ms, r.sync_state, r.sync_error});
}

Status insert_pulled(sql::Connection& db, const std::string& data_dir, const Envelope& e, std::int64_t updated_ms,
                     const std::string* payload_json, const std::string* vault_public_key) {
  auto rows = PulledRows::prepare(db, data_dir, vault_public_key);
  if (!rows) return fail(rows.error());
  return rows->insert(e, updated_ms, payload_json, nullptr);
}

Result<PulledRows> PulledRows::prepare(sql::Connection& db, const std::string& data_dir,
                                       const std::string* vault_public_key) {
  auto st = db.prepare(kUpsert);
  if (!st) return fail(st.error());
  return PulledRows(db, data_dir, vault_public_key, std::move(*st));
}

// Only the record's row: no record_sync row means sent, based on its own version (kFrom).
Status PulledRows::insert(const Envelope& e, std::int64_t updated_ms, const std::string* payload_json,
                          const std::optional<std::string>* case_id) {
  const auto encoded = encode_payload(*db_, *data_dir_, e, payload_json, vault_public_key_);
  if (!encoded) return fail(encoded.error());
  if (case_id != nullptr) return run_upsert(st_, e, *case_id, *encoded, updated_ms);
  return run_upsert(st_, e, case_id_of(json_view::Tree(e.payload)), *encoded, updated_ms);
}

Status materialise_sync(sql::Connection& db, const std::string& id) {
  auto st = db.prepare(kMaterialiseSync);
  if (!st) return fail(st.error());
  return st->bind(1, id).run();
}

}  // namespace ws::kiosk::row
