#pragma once
// The HQ console's case search. The index (table `case_index` and its FTS5 table) is kept by the
// writer of `records` after each row it stores (case_index_rows.hpp; by triggers before schema 15),
// so ingest, publishing and erasure maintain it in their own transactions; this file reads it.
// Every query takes the caller's CentreScope.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

// Registers ws_fold(text) (ws::fold_name) on a connection; the index's writes call it.
Status register_case_index_functions(sql::Connection& conn);
// Rewrites the FTS5 index in one segment, so a deleted case's words leave the file (erasure).
Status compact_case_index(sql::Connection& conn);

struct CaseQuery {
  std::string q;            // words of a name (any script) or of a case number; prefixes match
  std::string case_number;  // prefix, case-insensitive
  std::string from, to;     // YYYY-MM-DD, inclusive, on the case's date (date opened, else first stored)
  std::string centre, status, counsellor, nationality;  // exact
  std::string sort = "updated_at";  // updated_at | case_number | name | opened | status | centre
  std::string order = "desc";       // asc | desc
  int page = 1;                     // from 1
  int per_page = 50;                // 1..200
};

struct CaseSummary {
  std::string case_id, case_number, name, name_native, centre, status, counsellor, nationality, opened;
  std::int64_t updated_at_ms = 0;
};

struct CasePage {
  std::int64_t total = 0;  // at most 10,000: see total_capped
  int page = 1;
  int per_page = 50;
  std::vector<CaseSummary> cases;
  bool total_capped = false;  // more than `total` match (counting them all would be slow)
};

// Errors: "invalid_request" (bad sort, order, date or paging), database codes.
Result<CasePage> search_cases(Database& db, const CentreScope& scope, const CaseQuery& query);
// The one case, if it exists and the scope allows its centre.
Result<std::optional<CaseSummary>> find_case(Database& db, const CentreScope& scope, const std::string& case_id);

// The WHERE clause and its bound values for a query (shared with the export).
struct CaseFilter {
  std::string where;  // " WHERE ..." over case_index aliased `c`
  std::vector<std::string> values;
  bool empty_scope = false;  // nothing can match (e.g. a centre outside the scope)
  std::vector<std::string> terms;                  // the conditions `where` joins with AND
  std::size_t match_term = std::string::npos;      // which of them is the FTS5 name match
};
Result<CaseFilter> case_filter(const CentreScope& scope, const CaseQuery& query);
void bind_all(sql::Statement& st, const std::vector<std::string>& values, int first = 1);

nlohmann::json to_json(const CaseSummary& c);
nlohmann::json to_json(const CasePage& page);

}  // namespace ws::server
