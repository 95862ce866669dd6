#pragma once
// The HQ console's case index (case_index.hpp) brought up to date by the writer of `records`
// (records.hpp, records_insert.hpp) after each row it stores. Until schema 14 triggers on
// `records` did this; a table with an INSERT trigger makes SQLite copy the rows of every
// multi-row INSERT into a temporary table before inserting them, ~13,000 instructions a record
// even for the records no trigger acts on (docs/performance.md, "Session 16"). Every row of
// `records` is written by RecordWriter, in the caller's transaction, so the index still moves
// with the records it describes.
#include <cstdint>
#include <string_view>

#include "sync-server/core/case_columns.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

// A row of `records` as just written (inserted or replaced), as far as the index reads it.
struct IndexedRecord {
  std::string_view id, kind, centre;  // a stored id never changes kind or centre (ingest refuses it)
  bool deleted = false;
  std::int64_t updated_at_ms = 0;
  const CaseColumns& cases;
};

// Whether the row changes the index: a case's own row, or a record filed under a case.
bool touches_case_index(std::string_view kind, const CaseColumns& cases);

// Applies the row to the index by the triggers' rules (schema 13): a case's row is indexed (or
// dropped once deleted) with its words in the name search; a record filed under a case moves
// the case's `updated_at` and, for a live intake, gives it a nationality. Rows are applied in
// the order they were written: a record filed under a case written before it finds no case.
// Each statement takes bound values and one row: a statement that reads a table to write the
// FTS5 index opens a savepoint, which makes FTS5 flush its pending words, once per case.
Status apply_to_case_index(sql::Connection& db, const IndexedRecord& row);

}  // namespace ws::server
