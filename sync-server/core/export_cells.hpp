#pragma once
// A stored payload's values as CSV cells, straight from the JSON text (json_scan.hpp): the same
// text the export always wrote (null empty, strings as they are, lists of strings joined by
// "; ", anything else as compact JSON), without building a JSON document per row.
#include <string>
#include <string_view>

#include "sync-server/core/json_scan.hpp"

namespace ws::server {

// Appends `value` as one CSV cell: RFC 4180 quoting plus the formula guard (a leading
// = + - @ tab or CR gets an apostrophe). csv_cell (export.hpp) is this into a new string.
void append_csv_cell(std::string& out, std::string_view value);

// Appends the cell for a payload value (nullptr: the key is absent, an empty cell). False if
// the value's JSON is malformed. `scratch` is reused between calls.
bool append_value_cell(std::string& out, const json_scan::Value* value, std::string& scratch);

}  // namespace ws::server
