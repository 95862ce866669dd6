#pragma once
// Reading and writing one row of the records table: the only code that knows its columns.
#include <string>

#include "kiosk/core/store/store.hpp"

namespace ws::kiosk::row {

// Column list for SELECTs that read_record() understands, in this order.
inline constexpr const char* kColumns =
    "id, kind, centre, version, deleted, schema_version, payload_codec, payload, field_versions, "
    "base_version, updated_ms, sync_state, sync_error";

Result<StoredRecord> read_record(const sql::Statement& st);
// The row as the envelope JSON that to_json() would give, spliced from the stored texts: the
// outbox sends thousands of records per sync and would otherwise parse and re-dump each one.
Result<std::string> envelope_json_text(const sql::Statement& st);
Status upsert(sql::Connection& db, const StoredRecord& r);

}  // namespace ws::kiosk::row
