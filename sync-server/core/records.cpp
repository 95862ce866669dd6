#include "sync-server/core/records.hpp"

#include <algorithm>
#include <chrono>

#include "sync-server/core/case_index_rows.hpp"
#include "sync-server/core/record_counts.hpp"
#include "sync-server/core/stored_versions.hpp"
#include "ws/hlc.hpp"

namespace ws::server {

std::int64_t unix_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<Envelope> envelope_from_row(const sql::Statement& st) {
  Envelope e;
  e.id = st.column_text(0);
  e.kind = st.column_text(1);
  e.centre = st.column_text(2);
  auto version = Version::parse(st.column_text(3));
  if (!version) return fail("corrupt", "stored record has a bad version");
  e.version = *version;
  e.deleted = st.column_int(4) != 0;
  e.schema_version = static_cast<int>(st.column_int(5));
  auto payload = nlohmann::json::parse(st.column_text(6), nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return fail("corrupt", "stored record has unreadable JSON");
  auto versions = parse_stored_versions(st.column_text(7));
  if (!versions) return fail(versions.error());
  e.payload = std::move(payload);
  e.field_versions = std::move(*versions);
  // Stored compact; every reader of an Envelope (merge, authority, export) sees the full form.
  expand_field_versions(e);
  return e;
}

namespace {

// The case columns (case_columns.hpp) follow the payload they are read from.
constexpr const char* kUpsertSql =
    "INSERT INTO records (id, kind, centre, version, deleted, schema_version, payload, field_versions, seq,"
    " updated_at_ms, case_id, case_number, case_name, case_name_native, case_status, case_counsellor,"
    " case_opened, case_nationality)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    " ON CONFLICT(id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted,"
    " schema_version = excluded.schema_version, payload = excluded.payload,"
    " field_versions = excluded.field_versions, seq = excluded.seq, updated_at_ms = excluded.updated_at_ms,"
    " case_id = excluded.case_id, case_number = excluded.case_number, case_name = excluded.case_name,"
    " case_name_native = excluded.case_name_native, case_status = excluded.case_status,"
    " case_counsellor = excluded.case_counsellor, case_opened = excluded.case_opened,"
    " case_nationality = excluded.case_nationality";

// The version being replaced goes to the history first, in the same transaction; a new id
// selects nothing.
constexpr const char* kKeepHistorySql =
    "INSERT INTO record_history (record_id, version, deleted, schema_version, payload, field_versions, seq,"
    " replaced_at_ms) SELECT id, version, deleted, schema_version, payload, field_versions, seq, ?2"
    " FROM records WHERE id = ?1";

std::string load_sql() { return std::string("SELECT ") + kRecordColumns + " FROM records WHERE id = ?1"; }

Result<std::optional<Envelope>> load_with(sql::Statement& st, const std::string& id) {
  st.reset();
  st.bind(1, id);
  auto row = st.step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<Envelope>{};
  auto e = envelope_from_row(st);
  if (!e) return fail(e.error());
  return std::optional<Envelope>{std::move(*e)};
}

Status upsert_with(sql::Statement& st, const Envelope& e, std::string_view payload_text,
                   std::string_view field_versions_text, std::int64_t seq, std::int64_t now,
                   const DerivedColumns& derived) {
  const CaseColumns& c = derived.cases;
  st.reset();
  // The texts outlive the run below: SQLite reads them in place.
  st.bind_view(1, e.id)
      .bind_view(2, e.kind)
      .bind_view(3, e.centre)
      .bind_view(4, derived.version)
      .bind(5, e.deleted ? 1 : 0)
      .bind(6, e.schema_version)
      .bind_view(7, payload_text)
      .bind_view(8, field_versions_text)
      .bind(9, seq)
      .bind(10, now)
      .bind(11, c.case_id)
      .bind(12, c.number)
      .bind(13, c.name)
      .bind(14, c.name_native)
      .bind(15, c.status)
      .bind(16, c.counsellor)
      .bind(17, c.opened)
      .bind(18, c.nationality);
  return st.run();
}

}  // namespace

Result<std::optional<Envelope>> load_record(sql::Connection& db, const std::string& id) {
  auto st = db.prepare(load_sql());
  if (!st) return fail(st.error());
  return load_with(*st, id);
}

Result<RecordWriter> RecordWriter::begin(sql::Connection& db) {
  RecordWriter w;
  auto load = db.prepare(load_sql());
  if (!load) return fail(load.error());
  auto upsert = db.prepare(kUpsertSql);
  if (!upsert) return fail(upsert.error());
  auto history = db.prepare(kKeepHistorySql);
  if (!history) return fail(history.error());
  auto seq = current_seq(db);
  if (!seq) return fail(seq.error());
  w.db_ = &db;
  w.queued_ = NewRecordRows(db);
  w.load_ = std::move(*load);
  w.upsert_ = std::move(*upsert);
  w.history_ = std::move(*history);
  w.seq_ = *seq;
  return w;
}

Status RecordWriter::probe(const std::vector<std::string_view>& ids) {
  absent_.assign(ids);
  for (std::size_t from = 0; from < ids.size();) {
    const std::size_t count = rows_in_chunk(ids.size() - from);
    std::string sql = "SELECT id FROM records WHERE id IN (?";
    for (std::size_t i = 1; i < count; ++i) sql += ",?";
    sql += ')';
    auto st = db_->prepare(sql);
    if (!st) return fail(st.error());
    for (std::size_t i = 0; i < count; ++i) st->bind_view(static_cast<int>(i) + 1, ids[from + i]);
    for (;;) {
      auto row = st->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      absent_.erase(st->column_text(0));
    }
    from += count;
  }
  return ok();
}

Result<std::optional<Envelope>> RecordWriter::load(const std::string& id) {
  // Neither stored nor queued nor written since the probe.
  if (absent_.contains(id)) return std::optional<Envelope>{};
  if (queued_.holds(id)) {
    if (auto s = flush(); !s) return fail(s.error());
  }
  return load_with(load_, id);
}

Status RecordWriter::queue_new(const Envelope& e, std::string_view payload_text,
                               std::string_view field_versions_text, const DerivedColumns& derived,
                               std::size_t tag) {
  absent_.erase(e.id);
  queued_.add(e, payload_text, field_versions_text, derived, tag);
  return queued_.size() >= kRowsPerInsert ? flush() : ok();
}

Status RecordWriter::flush() {
  if (queued_.size() == 0) return ok();
  auto refused = queued_.flush(seq_);
  if (!refused) return fail(refused.error());
  refused_.insert(refused_.end(), refused->begin(), refused->end());
  return ok();
}

Status RecordWriter::resync() {
  if (auto s = flush(); !s) return s;
  auto seq = current_seq(*db_);
  if (!seq) return fail(seq.error());
  seq_ = *seq;
  return ok();
}

Result<std::int64_t> RecordWriter::write(const Envelope& e) {
  return write(e, e.payload.dump(), compact_field_versions_json(e.field_versions, e.version));
}

Result<std::int64_t> RecordWriter::write(const Envelope& e, std::string_view payload_text,
                                         std::string_view field_versions_text) {
  if (auto s = flush(); !s) return fail(s.error());
  history_.reset();
  if (auto s = history_.bind_view(1, e.id).bind(2, unix_ms_now()).run(); !s) return fail(s.error());
  // A version kept in the history replaces a stored one (the update trigger counts it). What
  // replaces it may be a merge's result: its columns are made here, from what is written.
  return upsert(e, payload_text, field_versions_text, derive_columns(e, payload_text), db_->changes() == 0);
}

Result<std::int64_t> RecordWriter::write_new(const Envelope& e, std::string_view payload_text,
                                             std::string_view field_versions_text, const DerivedColumns& derived) {
  if (auto s = flush(); !s) return fail(s.error());
  return upsert(e, payload_text, field_versions_text, derived, true);
}

Result<std::int64_t> RecordWriter::upsert(const Envelope& e, std::string_view payload_text,
                                          std::string_view field_versions_text, const DerivedColumns& derived,
                                          bool is_new) {
  absent_.erase(e.id);
  const std::int64_t now = unix_ms_now();
  if (auto s = upsert_with(upsert_, e, payload_text, field_versions_text, seq_ + 1, now, derived); !s) {
    return fail(s.error());
  }
  if (touches_case_index(e.kind, derived.cases)) {
    const IndexedRecord row{e.id, e.kind, e.centre, e.deleted, now, derived.cases};
    if (auto s = apply_to_case_index(*db_, row); !s) return fail(s.error());
  }
  if (is_new) {
    NewRecordCounts counts;
    counts.add(e.centre, e.kind, now);
    if (auto s = counts.write(*db_); !s) return fail(s.error());
  }
  return ++seq_;
}

Result<std::int64_t> current_seq(sql::Connection& db) {
  // A bare MAX() of the rowid is one probe of the table's B-tree; wrapping it (COALESCE) would
  // make SQLite scan the whole table on every write.
  auto st = db.prepare("SELECT MAX(seq) FROM records");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return st->is_null(0) ? std::int64_t{0} : st->column_int(0);
}

Result<std::int64_t> last_visible_seq(sql::Connection& db, const std::string& centre, std::int64_t at_most) {
  auto st = db.prepare("SELECT MAX(seq) FROM records WHERE centre = ?1 AND seq <= ?2");
  if (!st) return fail(st.error());
  std::int64_t best = 0;
  for (const std::string& scope : {centre, std::string(kAllCentres)}) {
    st->reset();
    st->bind(1, scope).bind(2, at_most);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!st->is_null(0)) best = std::max(best, st->column_int(0));
  }
  return best;
}

Result<std::int64_t> write_record(sql::Connection& db, const Envelope& e) {
  auto w = RecordWriter::begin(db);
  if (!w) return fail(w.error());
  return w->write(e);
}

Status log_conflicts(sql::Connection& db, const Envelope& record, const std::vector<FieldConflict>& conflicts,
                     const std::string& batch_id) {
  if (conflicts.empty()) return ok();
  auto st = db.prepare(
      "INSERT INTO conflicts (record_id, kind, centre, field, lost_value, lost_version, won_value, won_version,"
      " batch_id, logged_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st) return fail(st.error());
  const auto now = unix_ms_now();
  for (const auto& c : conflicts) {
    st->reset();
    st->bind(1, record.id)
        .bind(2, record.kind)
        .bind(3, record.centre)
        .bind(4, c.field)
        .bind(5, c.lost_value.dump())
        .bind(6, c.lost_version.to_string())
        .bind(7, c.won_value.dump())
        .bind(8, c.won_version.to_string())
        .bind(9, batch_id)
        .bind(10, now);
    if (auto s = st->run(); !s) return s;
  }
  return ok();
}

Result<Hlc> latest_stored_hlc(sql::Connection& db) {
  // Version strings start with a fixed-width hex clock, so text order is clock order.
  auto st = db.prepare("SELECT MAX(version) FROM records");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (st->is_null(0)) return Hlc{};
  auto v = Version::parse(st->column_text(0));
  if (!v) return fail("corrupt", "stored record has a bad version");
  return v->hlc;
}

Result<Version> next_server_version(sql::Connection& db) {
  auto latest = latest_stored_hlc(db);
  if (!latest) return fail(latest.error());
  HlcClock clock;
  clock.restore(*latest);
  return Version{clock.now(), kServerDevice};
}

}  // namespace ws::server
