#pragma once
// The HQ console's export of the filtered cases (case_index.hpp's CaseQuery) and every record
// filed under them, streamed: rows are read from SQLite one at a time and leave in chunks of
// ~64 KiB, so memory stays flat however many records there are.
//
// CSV: UTF-8 with a BOM, one file per form kind (`<kind>.csv`), headers "Label [key]" from the
// newest definition of the form, plus one file per repeat group (`<kind>-<group>.csv`) whose
// rows name their parent record's id; several files go out as one ZIP. JSON Lines: one record
// per line, {id, kind, centre, case_id, version, form_version, payload}.
#include <string>
#include <vector>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/zip_writer.hpp"
#include "ws/forms/registry.hpp"
#include "ws/result.hpp"

namespace ws::server {

enum class CaseExportFormat { Csv, Jsonl };

// Kinds of record filed under a case, in the order they are exported.
inline const std::vector<std::string> kCaseKinds = {"case",    "intake",      "counselling",
                                                    "consent", "reintegration", "appointment"};

struct ExportPlan {
  CaseExportFormat format = CaseExportFormat::Csv;
  std::vector<std::string> kinds;  // those with at least one record to export
  bool zip = false;
  std::string content_type;
  std::string filename;
};

// Checks the query and finds what will be sent (before the reply's headers go out).
// Errors: "invalid_request" (bad filter), database codes.
Result<ExportPlan> plan_case_export(Database& db, const CentreScope& scope, const CaseQuery& query,
                                    CaseExportFormat format, const forms::FormRegistry& registry);
// Streams the plan's files to `out`. Errors: "aborted" when `out` refused more, database codes.
Status run_case_export(Database& db, const CentreScope& scope, const CaseQuery& query, const ExportPlan& plan,
                       const forms::FormRegistry& registry, const ByteSink& out);

}  // namespace ws::server
