#pragma once
// Reading and writing one row of the records table: the only code that knows its columns.
#include <optional>
#include <string>

#include "kiosk/core/store/store.hpp"

namespace ws::kiosk::row {

// A record is pending while it has an outbox row (schema 20): the outbox says it, so neither a
// save nor an acknowledgement keeps a second answer in record_sync, whose sync_state only says
// whether the server refused the record (2) or not (0). A refused record queued again (edited,
// or sent again) is pending, whatever its stored state, until a verdict on that row.
// The condition "record `id` (an SQL expression) is pending":
inline std::string pending(const std::string& id) { return "EXISTS(SELECT 1 FROM outbox WHERE outbox.record_id = " + id + ")"; }
// The condition "quarantined", over a row of record_sync: refused and not queued again. Its
// first term is the partial index record_sync_refused's condition, so SQLite reads that index.
inline std::string quarantined() { return "record_sync.sync_state = 2 AND NOT " + pending("record_sync.id"); }

// Column list for SELECTs that read_record() understands, in this order, over kFrom.
inline const std::string kColumns =
    "id, kind, centre, version, deleted, schema_version, payload_codec, payload, field_versions, "
    "CASE WHEN sync_state IS NULL THEN version ELSE base_version END, updated_ms, "
    "CASE WHEN " + pending("records.id") + " THEN 1 ELSE IFNULL(sync_state, 0) END, IFNULL(sync_error, '')";
// A record and its sync state (record_sync: an acknowledgement rewrites that small row, not
// the record's). A record with no row is synced at its own version, with no error: a pull
// stores each new record as one row of records only. Columns other than id need no table name;
// a WHERE on sync_state sees NULL for the records without a row.
inline constexpr const char* kFrom = " FROM records LEFT JOIN record_sync USING (id)";
// kColumns + kFrom, for "SELECT " + kSelect + " WHERE ...".
inline const std::string kSelect = kColumns + kFrom;

// An encrypted payload while the vault of `data_dir` is locked reads as an empty object with
// `payload_locked` set: the metadata (id, kind, case, state, versions) stays readable.
Result<StoredRecord> read_record(const sql::Statement& st, const std::string& data_dir);
// The row as the envelope JSON that to_json() would give, spliced from the stored texts: the
// outbox sends thousands of records per sync and would otherwise parse and re-dump each one.
// "vault_locked" for an encrypted payload while the vault is locked.
Result<std::string> envelope_json_text(const sql::Statement& st, const std::string& data_dir);
// Writes the payload through record_codec::encode. A record read while locked is refused
// ("vault_locked"): writing it back would replace the payload with nothing.
Status upsert(sql::Connection& db, const std::string& data_dir, const StoredRecord& r);
// Gives record `id` its record_sync row when it has none (synced at its own version), so that
// an UPDATE of record_sync that follows finds it. Inside the caller's transaction.
Status materialise_sync(sql::Connection& db, const std::string& id);
// A pulled record this kiosk does not hold yet, as it came: sent, its base its version, which
// is what having no record_sync row means: only the record is written.
// `payload_json` is the payload's compact JSON when the caller has it (the pull's parse made
// it), which saves dumping the payload again; `vault_public_key` the vault's public key when the
// caller read it for its transaction (record_codec::encode_text_with_key), else read here.
// `e`'s field versions may be full or compact (the row keeps the compact ones either way).
Status insert_pulled(sql::Connection& db, const std::string& data_dir, const Envelope& e, std::int64_t updated_ms,
                     const std::string* payload_json, const std::string* vault_public_key = nullptr);

// insert_pulled for a whole pull page, with one statement prepared for the page: preparing it
// per record looked the long upsert text up in the statement cache (a copy and a hash of it)
// every time. `db`, `data_dir` and `vault_public_key` must outlive it.
class PulledRows {
 public:
  static Result<PulledRows> prepare(sql::Connection& db, const std::string& data_dir,
                                    const std::string* vault_public_key);
  // `case_id`, when given, is the payload's `_case_id` read with the page (its tree left unbuilt:
  // protocol::PullResponse::case_ids); else it is read from `e.payload`.
  Status insert(const Envelope& e, std::int64_t updated_ms, const std::string* payload_json,
                const std::optional<std::string>* case_id);

 private:
  PulledRows(sql::Connection& db, const std::string& data_dir, const std::string* vault_public_key, sql::Statement st)
      : db_(&db), data_dir_(&data_dir), vault_public_key_(vault_public_key), st_(std::move(st)) {}
  sql::Connection* db_;
  const std::string* data_dir_;
  const std::string* vault_public_key_;
  sql::Statement st_;
};

}  // namespace ws::kiosk::row
