#pragma once
// What the HQ console's case index takes from a record: copies of a few payload members, kept
// in columns of `records` that every write fills (records.cpp) from the payload text it stores.
// The index's triggers and the case-link index (schema.cpp) read these columns, so no write
// makes SQLite parse the payload's JSON (it did, several times per record, before schema 12).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync-server/core/json_scan.hpp"
#include "ws/envelope_reader.hpp"

namespace ws::server {

// Each value is the member as json_extract gives it, as text (null when absent or JSON null).
struct CaseColumns {
  std::optional<std::string> case_id;  // `_case_id`, any kind: the case the record is filed under
  // A case's own header, kind "case" only.
  std::optional<std::string> number, name, name_native, status, counsellor, opened;
  std::optional<std::string> nationality;  // kind "intake" only: it gives its case a nationality
};

// The columns in `records`, in CaseColumns' order.
inline constexpr const char* kCaseColumnNames =
    "case_id, case_number, case_name, case_name_native, case_status, case_counsellor, case_opened, case_nationality";
inline constexpr int kCaseColumnCount = 8;

// Reads the columns from a stored payload text, scanning only its top level (no document is
// built). Keeps its scratch space between records.
class CaseColumnReader {
 public:
  CaseColumns read(std::string_view kind, std::string_view payload_text);

 private:
  std::vector<json_scan::Member> members_;
};

// The same with the calling thread's reader: writers and ingest's checking threads alike.
CaseColumns read_case_columns(std::string_view kind, std::string_view payload_text);
// The same from the members' places in the text as the envelope reader wrote it
// (ws/envelope_reader.hpp): no second scan of the payload, only the wanted values read.
CaseColumns read_case_columns(std::string_view kind, std::string_view payload_text,
                              const std::vector<PayloadMember>& members);

}  // namespace ws::server
