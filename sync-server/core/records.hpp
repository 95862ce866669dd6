#pragma once
// Row-level access to the records table: the one place that maps an Envelope to columns and
// assigns change sequence numbers. Callers hold a write transaction for the writes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync-server/core/absent_ids.hpp"
#include "sync-server/core/case_columns.hpp"
#include "sync-server/core/records_insert.hpp"
#include "ws/envelope.hpp"
#include "ws/merge.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

// Scope of a record published to every centre. A real centre may not take this code.
inline constexpr const char* kAllCentres = "_all";
// The device id in the versions of server-authored records.
inline constexpr const char* kServerDevice = "server";

std::int64_t unix_ms_now();

Result<std::optional<Envelope>> load_record(sql::Connection& db, const std::string& id);

// Inserts or replaces the record and gives it the next change sequence. Must run inside a
// write transaction: the sequence is read and bumped under SQLite's write lock, so readers
// never see a later sequence committed before an earlier one. Returns the new sequence.
Result<std::int64_t> write_record(sql::Connection& db, const Envelope& e);

// Every write of an existing id first copies the version it replaces into record_history.
// The same writes for many records in one transaction: statements prepared once, the change
// sequence read once and then counted up (the write lock is held throughout).
//
// New records may also be queued (queue_new) and written several to one INSERT: a load of a
// queued id, every other write and flush() write the queue first, so the change sequences
// follow the calls' order whichever way a record is written.
class RecordWriter {
 public:
  static Result<RecordWriter> begin(sql::Connection& db);
  // Learns which of `ids` no stored row has, one query per kRowsPerInsert ids instead of one per
  // load(): a load() of such an id answers "absent" without SQLite until this writer writes the
  // id (a write elsewhere in the transaction, or a rollback, is not seen: probe just before the
  // loads). The ids' texts must outlive the writer.
  Status probe(const std::vector<std::string_view>& ids);
  Result<std::optional<Envelope>> load(const std::string& id);
  Result<std::int64_t> write(const Envelope& e);
  // The same with the payload and field versions already serialised (as ingest has them);
  // `field_versions_text` in the compact form (stored_versions.hpp), as write(e) makes it.
  Result<std::int64_t> write(const Envelope& e, std::string_view payload_text, std::string_view field_versions_text);
  // A record whose id the caller's load() found absent in this transaction: it has no version
  // to keep in the history, so that statement is not run. `derived` is derive_columns(e,
  // payload_text) (records_insert.hpp), made before the write lock.
  Result<std::int64_t> write_new(const Envelope& e, std::string_view payload_text,
                                 std::string_view field_versions_text, const DerivedColumns& derived);
  // A record whose id load() found absent and that is not queued yet; its envelope, texts and
  // `derived` (as for write_new) must outlive the next flush. `tag` names it in take_refused().
  Status queue_new(const Envelope& e, std::string_view payload_text, std::string_view field_versions_text,
                   const DerivedColumns& derived, std::size_t tag);
  Status flush();
  // Tags of queued records a constraint refused when they were written (they left nothing).
  std::vector<std::size_t> take_refused() { return std::exchange(refused_, {}); }
  // Reads the change sequence again, after a rollback to a savepoint (the queue written first).
  Status resync();
  // The last sequence given; queued records have none until flushed.
  std::int64_t last_seq() const { return seq_; }

 private:
  RecordWriter() = default;
  // Inserts or replaces the row; `is_new`: no stored row had the id (the insert is counted).
  Result<std::int64_t> upsert(const Envelope& e, std::string_view payload_text,
                              std::string_view field_versions_text, const DerivedColumns& derived, bool is_new);
  sql::Connection* db_ = nullptr;
  NewRecordRows queued_;
  AbsentIds absent_;  // probed ids that no row had, unwritten since
  std::vector<std::size_t> refused_;
  sql::Statement load_;
  sql::Statement upsert_;
  sql::Statement history_;  // keeps the replaced version in record_history
  std::int64_t seq_ = 0;
};

Status log_conflicts(sql::Connection& db, const Envelope& record, const std::vector<FieldConflict>& conflicts,
                     const std::string& batch_id);

// The highest change sequence so far (0 when empty).
Result<std::int64_t> current_seq(sql::Connection& db);
// The highest sequence at or below `at_most` that a device of `centre` pulls (its centre's
// records and those published to all); 0 when none. Two probes of the (centre, seq) index.
Result<std::int64_t> last_visible_seq(sql::Connection& db, const std::string& centre, std::int64_t at_most);

// The newest clock stamp of any stored record, so a restarted clock never repeats itself.
Result<Hlc> latest_stored_hlc(sql::Connection& db);

// A server stamp newer than every stored version: the clock resumes from the newest stored
// version inside the caller's write transaction, so what HQ writes (publishing, erasure,
// retention settings) outranks every copy anywhere, even writes by a running server.
Result<Version> next_server_version(sql::Connection& db);

// Column list for SELECTs that feed envelope_from_row, in this order.
inline constexpr const char* kRecordColumns =
    "id, kind, centre, version, deleted, schema_version, payload, field_versions, seq";
// Builds an envelope from a row selected with kRecordColumns starting at column 0, with its
// field versions in full form (every payload field has an entry).
Result<Envelope> envelope_from_row(const sql::Statement& st);

}  // namespace ws::server
