#pragma once
// `sync-server export`: the stored records as CSV or JSON for HQ, streamed to a sink.
#include <functional>
#include <optional>
#include <string>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

enum class ExportFormat { Csv, Json };

using Sink = std::function<void(const std::string& chunk)>;

// JSON: one array of envelopes (each with its "seq"), in change order.
// CSV: columns id, kind, centre, version, deleted, schema_version, seq, then, when `kind` is
// given, one column per top-level payload field of that kind (nested values as JSON text);
// without a kind, a single "payload" column holding the JSON text. Cells that a spreadsheet
// would run as a formula are prefixed with an apostrophe. Secrets are left out: counsellor
// accounts come without `pin_hash`; devices, tokens and users are never exported.
Status export_records(Database& db, ExportFormat format, const std::optional<std::string>& kind, const Sink& out);

// RFC 4180 quoting plus the formula guard.
std::string csv_cell(const std::string& value);

}  // namespace ws::server
