// Erasure and retention on the kiosk: removing a person's values from every table that keeps
// them (records, quarantine, outbox and its frozen batch bodies, drafts, the conflict log,
// search text), then truncating the WAL so old frames do not keep them either. secure_delete
// (set at open) zeroes what SQLite frees in the database file.
#include <set>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"
#include "ws/erasure.hpp"

namespace ws::kiosk {
namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

Result<std::vector<std::string>> strings(sql::Statement& st) {
  std::vector<std::string> out;
  for (;;) {
    auto row = st.step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(st.column_text(0));
  }
  return out;
}

Result<std::vector<std::string>> records_of_case(sql::Connection& db, const std::string& case_id) {
  auto st = db.prepare("SELECT id FROM records WHERE case_id = ?1 AND id <> ?1");
  if (!st) return fail(st.error());
  st->bind(1, case_id);
  return strings(*st);
}

// Drafts name the record and case they edit in their value ({form_id, case_id, record_id, ...}).
Status drop_drafts_of(sql::Connection& db, const std::set<std::string>& ids) {
  auto st = db.prepare("SELECT counsellor, key, value_codec, value FROM drafts");
  auto drop = db.prepare("DELETE FROM drafts WHERE counsellor = ?1 AND key = ?2");
  if (!st || !drop) return fail(!st ? st.error() : drop.error());
  std::vector<std::pair<std::string, std::string>> doomed;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto value = codec::decode(static_cast<int>(st->column_int(2)), st->column_blob(3));
    if (!value || !value->is_object()) continue;
    for (const char* key : {"case_id", "record_id"}) {
      auto it = value->find(key);
      if (it != value->end() && it->is_string() && ids.count(it->get<std::string>())) {
        doomed.emplace_back(st->column_text(0), st->column_text(1));
        break;
      }
    }
  }
  for (const auto& [counsellor, key] : doomed) {
    drop->reset();
    if (auto s = drop->bind(1, counsellor).bind(2, key).run(); !s) return s;
  }
  return ok();
}

}  // namespace

Status Store::forget_records(const std::set<std::string>& ids, const std::string& keep_row) {
  auto conflicts = db_.prepare("DELETE FROM conflicts WHERE record_id = ?1");
  auto record = db_.prepare("DELETE FROM records WHERE id = ?1");
  auto inbox = db_.prepare("DELETE FROM pull_inbox WHERE record_id = ?1");
  if (!conflicts || !record || !inbox) return fail("db_error", "cannot prepare the erasure");
  for (const auto& id : ids) {
    // A frozen batch's body holds the record's values: the batch is dissolved and made anew
    // from the rows that remain.
    if (auto s = release_batches_of({id}); !s) return s;
    if (auto s = drop_outbox_rows("record_id = ?1", [&id](sql::Statement& st) { st.bind(1, id); }); !s) return s;
    conflicts->reset();
    if (auto s = conflicts->bind(1, id).run(); !s) return s;
    inbox->reset();
    if (auto s = inbox->bind(1, id).run(); !s) return s;
    if (id == keep_row) continue;
    record->reset();
    if (auto s = record->bind(1, id).run(); !s) return s;
  }
  return drop_drafts_of(db_, ids);
}

Status Store::apply_erased(const Envelope& tombstone, std::int64_t now_ms) {
  // The case's records this kiosk made and the server never stored (so it sends no tombstone
  // for them) go with it; records it did store arrive as tombstones of their own.
  std::set<std::string> ids{tombstone.id};
  if (tombstone.kind == "case") {
    auto linked = records_of_case(db_, tombstone.id);
    if (!linked) return fail(linked.error());
    ids.insert(linked->begin(), linked->end());
  }
  if (auto s = forget_records(ids, tombstone.id); !s) return s;
  StoredRecord r;
  r.envelope = tombstone;
  r.envelope.base_version = tombstone.version;
  r.sync_state = SyncState::Sent;
  r.updated_ms = now_ms;
  return row::upsert(db_, data_dir_, r);
}

Result<bool> Store::scrub_wal() {
  auto st = db_.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!st) return fail(st.error());
  auto row = st->step();
  // Another connection of this kiosk reading right now keeps the WAL; the next scrub empties it.
  if (!row) return false;
  return *row && st->column_int(0) == 0;
}

Status Store::scrub_wal_now_or_later(bool needed) {
  constexpr const char* kPending = "wal_scrub_pending";
  if (!needed) {
    auto pending = meta(kPending);
    if (!pending) return fail(pending.error());
    if (*pending != "1") return ok();
  }
  auto done = scrub_wal();
  if (!done) return fail(done.error());
  return set_meta(kPending, *done ? "0" : "1");
}

Result<int> Store::retention_days() {
  auto me = identity();
  if (!me) return fail(me.error());
  auto st = db_.prepare(
      "SELECT payload_codec, payload FROM records WHERE kind = ?1 AND centre = ?2 AND deleted = 0 "
      "ORDER BY version DESC LIMIT 1");
  if (!st) return fail(st.error());
  st->bind(1, kSettingsKind).bind(2, me->centre);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return kDefaultRetentionDays;
  auto payload = codec::decode(static_cast<int>(st->column_int(0)), st->column_blob(1));
  if (!payload) return fail(payload.error());
  auto it = payload->find(kRetentionDaysKey);
  if (it == payload->end() || !it->is_number_integer() || it->get<int>() < 1) return kDefaultRetentionDays;
  return it->get<int>();
}

Result<std::size_t> Store::apply_retention() {
  load_clock_offset();
  return apply_retention_at(HlcClock::system_wall_ms() + clock_offset_ms().value_or(0));
}

Result<std::size_t> Store::apply_retention_at(std::int64_t now_ms) {
  // A read-only or full folder keeps its data until it can be written again.
  if (!writable()) return std::size_t{0};
  auto days = retention_days();
  if (!days) return fail(days.error());
  const std::int64_t cutoff = now_ms - static_cast<std::int64_t>(*days) * kDayMs;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto cases = db_.prepare("SELECT " + row::kSelect + " WHERE kind = 'case' AND deleted = 0");
  // Every version of the case and its records acknowledged: nothing queued, quarantined or
  // newer than what the server confirmed.
  auto unsettled = db_.prepare(
      "SELECT COUNT(*) FROM records LEFT JOIN record_sync USING (id) WHERE (id = ?1 OR case_id = ?1) AND ("
      "(sync_state IS NOT NULL AND (sync_state <> 0 OR base_version IS NULL OR base_version <> version)) "
      "OR EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = records.id))");
  if (!cases || !unsettled) return fail(!cases ? cases.error() : unsettled.error());
  std::vector<std::string> expired;
  for (;;) {
    auto row = cases->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto r = row::read_record(*cases, data_dir_);
    if (!r) continue;  // an unreadable row is kept, not guessed at
    const auto& p = r->envelope.payload;
    if (!p.is_object() || p.value("status", "") != "closed") continue;
    // When it was closed: the version of its `status` field, the HLC's (corrected) wall time.
    if (r->envelope.field_version("status").hlc.wall_ms > cutoff) continue;
    unsettled->reset();
    unsettled->bind(1, r->envelope.id);
    auto n = unsettled->step();
    if (!n) return fail(n.error());
    if (unsettled->column_int(0) == 0) expired.push_back(r->envelope.id);
  }
  for (const auto& case_id : expired) {
    auto linked = records_of_case(db_, case_id);
    if (!linked) return fail(linked.error());
    std::set<std::string> ids(linked->begin(), linked->end());
    ids.insert(case_id);
    if (auto s = forget_records(ids, ""); !s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  if (auto s = scrub_wal_now_or_later(!expired.empty()); !s) return fail(s.error());
  return expired.size();
}

}  // namespace ws::kiosk
