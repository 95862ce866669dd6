// Local writes (save, update, delete) with their outbox rows (each with its envelope sealed to
// the server, outbox_seal.cpp), and the read side for listings.
#include <algorithm>

#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/record_codec.hpp"
#include "kiosk/core/store/search_index.hpp"
#include "kiosk/core/store/store.hpp"
#include "ws/ids.hpp"
#include "ws/merge.hpp"

namespace ws::kiosk {
namespace {

// Kinds only HQ writes; a kiosk receives them by pull and never edits them.
bool server_only_kind(const std::string& kind) { return kind == "form" || kind == "content"; }

Status check_payload(const nlohmann::json& payload) {
  if (!payload.is_object()) return fail("invalid_payload", "a record's answers must be a JSON object");
  const EnvelopeLimits limits;
  if (payload.size() > limits.max_fields) return fail("invalid_payload", "the record has too many fields");
  if (json_depth(payload) > limits.max_depth) return fail("invalid_payload", "the record is nested too deeply");
  if (payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() > limits.max_payload_bytes) {
    return fail("invalid_payload", "the record is larger than " + std::to_string(limits.max_payload_bytes / 1024) + " KiB");
  }
  for (const auto& [key, value] : payload.items()) {
    if (key.empty()) return fail("invalid_payload", "a field name is empty");
    if (key[0] != '_') continue;
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 128) {
      return fail("invalid_payload", "metadata field '" + key + "' must be a string of at most 128 characters");
    }
  }
  if (auto it = payload.find("_case_id"); it != payload.end() && !is_uuid(it->get<std::string>())) {
    return fail("invalid_payload", "'_case_id' must be a case's id (a UUID)");
  }
  return ok();
}

Unexpected not_enrolled() {
  return fail("not_enrolled", "this kiosk is not enrolled yet: enrol it with the server first");
}

// The record a local edit or delete starts from (inside the caller's transaction).
Result<StoredRecord> existing(Store& store, const std::string& id) {
  auto current = store.get(id);
  if (!current) return fail(current.error());
  if (!*current) return fail("not_found", "no record with id " + id);
  if ((*current)->payload_locked) return fail(record_codec::kLocked, "sign in first: the record's data is locked");
  return std::move(**current);
}

// Before the record's version moves on, fields that were implicitly at the old version keep
// it explicitly, so a later merge still knows how old each of them is.
void keep_field_versions(Envelope& e) {
  for (const auto& [field, _] : e.payload.items()) {
    if (!e.field_versions.count(field)) e.field_versions[field] = e.version;
  }
}

Result<std::vector<StoredRecord>> collect(sql::Statement& st, const std::string& data_dir) {
  std::vector<StoredRecord> out;
  for (;;) {
    auto row = st.step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    auto r = row::read_record(st, data_dir);
    if (!r) return fail(r.error());
    out.push_back(std::move(*r));
  }
}

}  // namespace

Result<std::string> Store::insert_new(const DeviceIdentity& id, const std::string& kind, nlohmann::json payload,
                                      int schema_version) {
  if (!is_valid_kind(kind)) return fail("invalid_kind", "'" + kind + "' is not a valid record kind");
  if (server_only_kind(kind)) return fail("invalid_kind", "'" + kind + "' records are published by HQ, not made on a kiosk");
  if (schema_version < 1 || schema_version > 10000) return fail("invalid_argument", "schema version out of range");
  if (auto s = check_payload(payload); !s) return fail(s.error());
  auto version = stamp(id.device_id);
  if (!version) return fail(version.error());
  StoredRecord r;
  r.envelope.id = new_uuid_v7();
  r.envelope.kind = kind;
  r.envelope.centre = id.centre;
  r.envelope.version = *version;
  r.envelope.schema_version = schema_version;
  for (const auto& [field, _] : payload.items()) r.envelope.field_versions[field] = *version;
  r.envelope.payload = std::move(payload);
  r.sync_state = SyncState::Pending;
  r.updated_ms = HlcClock::system_wall_ms();
  if (auto s = row::upsert(db_, data_dir_, r); !s) return fail(s.error());
  if (auto s = enqueue(r.envelope); !s) return fail(s.error());
  return r.envelope.id;
}

Result<std::string> Store::save(const std::string& kind, nlohmann::json payload,
                                const std::optional<std::string>& case_id, int schema_version) {
  if (auto s = writable(); !s) return fail(s.error());
  if (!payload.is_object()) return fail("invalid_payload", "a record's answers must be a JSON object");
  if (case_id) payload["_case_id"] = *case_id;
  auto id = identity();
  if (!id) return fail(id.error());
  if (!id->enrolled()) return not_enrolled();
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto new_id = insert_new(*id, kind, std::move(payload), schema_version);
  if (!new_id) return new_id;
  if (auto s = tx->commit(); !s) return fail(s.error());
  return new_id;
}

Result<std::vector<std::string>> Store::save_all(const std::vector<NewRecord>& records) {
  if (auto s = writable(); !s) return fail(s.error());
  auto id = identity();
  if (!id) return fail(id.error());
  if (!id->enrolled()) return not_enrolled();
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  std::vector<std::string> ids;
  ids.reserve(records.size());
  for (const auto& r : records) {
    auto new_id = insert_new(*id, r.kind, r.payload, r.schema_version);
    if (!new_id) return fail(new_id.error());
    ids.push_back(std::move(*new_id));
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return ids;
}

Result<Envelope> Store::update(const std::string& id, const nlohmann::json& patch) {
  if (auto s = writable(); !s) return fail(s.error());
  if (!patch.is_object()) return fail("invalid_payload", "an edit must be a JSON object of fields");
  auto me = identity();
  if (!me) return fail(me.error());
  if (!me->enrolled()) return not_enrolled();
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto loaded = existing(*this, id);
  if (!loaded) return fail(loaded.error());
  StoredRecord r = std::move(*loaded);
  if (r.envelope.deleted) return fail("deleted", "the record was deleted and cannot be edited");
  if (server_only_kind(r.envelope.kind)) return fail("invalid_kind", "records published by HQ cannot be edited here");

  nlohmann::json next = r.envelope.payload;
  std::vector<std::pair<std::string, nlohmann::json>> changed;  // field, value before
  for (const auto& [field, value] : patch.items()) {
    auto it = next.find(field);
    if (it != next.end() && *it == value) continue;
    if (it == next.end() && value.is_null()) continue;
    changed.emplace_back(field, it == next.end() ? nlohmann::json() : *it);
    next[field] = value;
  }
  if (changed.empty()) return r.envelope;
  if (auto s = check_payload(next); !s) return fail(s.error());
  auto version = stamp_after(me->device_id, r.envelope.version.hlc);
  if (!version) return fail(version.error());
  r.envelope.payload = std::move(next);
  for (const auto& [field, before] : changed) stamp_edit(r.envelope, field, before, *version);
  keep_field_versions(r.envelope);
  r.envelope.version = *version;
  r.sync_state = SyncState::Pending;
  r.updated_ms = HlcClock::system_wall_ms();
  if (auto s = row::upsert(db_, data_dir_, r); !s) return fail(s.error());
  if (auto s = enqueue(r.envelope); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return r.envelope;
}

Status Store::remove(const std::string& id) {
  if (auto s = writable(); !s) return s;
  auto me = identity();
  if (!me) return fail(me.error());
  if (!me->enrolled()) return not_enrolled();
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto loaded = existing(*this, id);
  if (!loaded) return fail(loaded.error());
  StoredRecord r = std::move(*loaded);
  if (r.envelope.deleted) return ok();
  auto version = stamp_after(me->device_id, r.envelope.version.hlc);
  if (!version) return fail(version.error());
  keep_field_versions(r.envelope);
  r.envelope.version = *version;
  r.envelope.deleted = true;
  r.sync_state = SyncState::Pending;
  r.updated_ms = HlcClock::system_wall_ms();
  if (auto s = row::upsert(db_, data_dir_, r); !s) return s;
  if (auto s = enqueue(r.envelope); !s) return s;
  return tx->commit();
}

Result<std::optional<StoredRecord>> Store::get(const std::string& id) {
  auto st = db_.prepare("SELECT " + row::kSelect + " WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto rows = collect(*st, data_dir_);
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<StoredRecord>();
  return std::optional<StoredRecord>(std::move(rows->front()));
}

Result<std::vector<StoredRecord>> Store::list(const ListQuery& q) {
  if (!is_valid_kind(q.kind)) return fail("invalid_kind", "'" + q.kind + "' is not a valid record kind");
  // A search matches text nothing on disk holds: the in-memory index answers it.
  if (!q.text.empty()) return search_index::search(*this, q);
  const int limit = std::clamp(q.limit, 1, 10000);
  const int offset = std::max(q.offset, 0);
  // Optional filters are bound as NULL when unused, so one prepared statement serves all.
  auto st = db_.prepare("SELECT " + row::kSelect + R"sql(
    WHERE kind = ?1 AND (?2 OR deleted = 0) AND (?3 IS NULL OR case_id = ?3)
    ORDER BY id DESC LIMIT ?4 OFFSET ?5)sql");
  if (!st) return fail(st.error());
  st->bind(1, q.kind).bind(2, q.include_deleted ? 1 : 0).bind(3, q.case_id).bind(4, limit).bind(5, offset);
  return collect(*st, data_dir_);
}

Result<std::vector<StoredRecord>> Store::linked_to_case(const std::string& case_id) {
  auto st = db_.prepare("SELECT " + row::kSelect + " WHERE case_id = ?1 AND deleted = 0 ORDER BY id DESC");
  if (!st) return fail(st.error());
  st->bind(1, case_id);
  return collect(*st, data_dir_);
}

Result<std::vector<StoredRecord>> Store::quarantined() {
  auto st = db_.prepare("SELECT " + row::kSelect + " WHERE " + row::quarantined() + " ORDER BY id DESC");
  if (!st) return fail(st.error());
  return collect(*st, data_dir_);
}

}  // namespace ws::kiosk
