#pragma once
// Schema migrations for the server file, tracked by PRAGMA user_version.
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

inline constexpr int kSchemaVersion = 16;
// The migration that stored field versions in compact form (stored_versions.hpp) goes to this version.
inline constexpr int kCompactVersionsSchema = 12;
// The migration that gave `records` its case columns (case_columns.hpp) goes to this version.
inline constexpr int kCaseColumnsSchema = 13;
// The migration after which the writer, not a trigger, counts new rows in record_counts.
inline constexpr int kWriterCountsSchema = 14;
// The migration after which the writer, not triggers, keeps the case index (case_index_rows.hpp).
inline constexpr int kWriterCaseIndexSchema = 15;
// The migration that rebuilt `records` with `seq` as its rowid (no `seq` index) goes to this version.
inline constexpr int kSeqRowidSchema = 16;

// Brings the file up to kSchemaVersion in one transaction; refuses a newer file.
Status migrate(sql::Connection& db);
// The same up to `version` only (tests of a migration start from the schema before it).
Status migrate_to(sql::Connection& db, int version);

}  // namespace ws::server
