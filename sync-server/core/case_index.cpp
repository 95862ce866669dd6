#include "sync-server/core/case_index.hpp"

#include <array>
#include <sstream>

#include "sync-server/core/devices.hpp"
#include "ws/name_fold.hpp"

namespace ws::server {
namespace {

using nlohmann::json;

void fold_sql(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (!text) return sqlite3_result_null(ctx);
  const std::string folded = fold_name(std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))));
  sqlite3_result_text(ctx, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

// Each word of the query as an FTS5 prefix phrase ("word"*), all of them required. Quotes
// inside a word are dropped, so no query text is ever read as FTS5 syntax.
std::string match_expression(const std::string& q) {
  std::istringstream words(fold_name(q));
  std::string word, out;
  while (words >> word) {
    std::string clean;
    for (char ch : word)
      if (ch != '"') clean += ch;
    if (clean.empty()) continue;
    if (!out.empty()) out += ' ';
    out += '"' + clean + "\"*";
  }
  return out;
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

const char* sort_column(const std::string& sort) {
  static constexpr std::array<std::pair<const char*, const char*>, 6> kColumns{{
      {"updated_at", "c.updated_at_ms"},
      {"case_number", "c.case_number"},
      {"name", "c.name"},
      {"opened", "c.opened"},
      {"status", "c.status"},
      {"centre", "c.centre"},
  }};
  for (const auto& [name, column] : kColumns)
    if (sort == name) return column;
  return nullptr;
}

std::string escape_like(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

constexpr const char* kSummaryColumns =
    "c.case_id, c.case_number, c.name, c.name_native, c.centre, c.status, c.counsellor, c.nationality, c.opened,"
    " c.updated_at_ms";

CaseSummary summary_from_row(const sql::Statement& st) {
  return CaseSummary{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                     st.column_text(5), st.column_text(6), st.column_text(7), st.column_text(8), st.column_int(9)};
}

// Counts stop here: past it the page says "10,000+" (every match would be read to count them).
constexpr std::int64_t kCountCap = 10'000;
// A page of a larger match set walks the sort column's index and keeps the matches (about
// (offset + per_page) * cases / matches rows), instead of reading every match and sorting.
constexpr std::int64_t kWalkFrom = 2'000;

// A name search and nothing else: counted in the FTS index itself, exactly, without reading a
// case row.
bool match_only(const CaseFilter& filter) { return filter.terms.size() == 1 && filter.match_term == 0; }

// The matches, up to kCountCap + 1 (all of them when match_only).
Result<std::int64_t> count_cases(sql::Connection& db, const CaseFilter& filter) {
  auto st = match_only(filter) ? db.prepare("SELECT count(*) FROM case_index_fts WHERE case_index_fts MATCH ?")
                       : db.prepare("SELECT count(*) FROM (SELECT 1 FROM case_index c" + filter.where + " LIMIT " +
                                    std::to_string(kCountCap + 1) + ")");
  if (!st) return fail(st.error());
  bind_all(*st, filter.values);
  if (auto row = st->step(); !row) return fail(row.error());
  return st->column_int(0);
}

// The index whose order is the sort's, when there is one to walk.
const char* walk_index(const std::string& sort) {
  if (sort == "updated_at") return "case_index_updated";
  if (sort == "name") return "case_index_name";
  if (sort == "case_number") return "case_index_number";
  if (sort == "opened") return "case_index_opened";
  return nullptr;
}

std::string page_sql(const CaseFilter& filter, const CaseQuery& query, const char* column, std::int64_t total) {
  const std::string order = query.order == "asc" ? " ASC" : " DESC";
  std::string from = " FROM case_index c", where = filter.where;
  const char* index = walk_index(query.sort);
  if (total >= kWalkFrom && index) {
    // Walk the sort's index; the name match becomes a test of each row (`+` keeps SQLite from
    // looking the matches up one by one and sorting them all).
    from += std::string(" INDEXED BY ") + index;
    where = "";
    for (std::size_t i = 0; i < filter.terms.size(); ++i)
      where += (i == 0 ? " WHERE " : " AND ") + (i == filter.match_term ? "+" + filter.terms[i] : filter.terms[i]);
  }
  return std::string("SELECT ") + kSummaryColumns + from + where + " ORDER BY " + column + order + ", c.case_id" +
         order + " LIMIT ? OFFSET ?";
}

}  // namespace

Status register_case_index_functions(sql::Connection& conn) {
  const int rc = sqlite3_create_function_v2(conn.handle(), "ws_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                            &fold_sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail("database_error", "cannot register ws_fold: " + conn.last_error());
  return ok();
}

Status compact_case_index(sql::Connection& conn) {
  return conn.exec("INSERT INTO case_index_fts (case_index_fts) VALUES ('optimize')");
}

void bind_all(sql::Statement& st, const std::vector<std::string>& values, int first) {
  for (std::size_t i = 0; i < values.size(); ++i) st.bind(first + static_cast<int>(i), values[i]);
}

Result<CaseFilter> case_filter(const CentreScope& scope, const CaseQuery& query) {
  if ((!query.from.empty() && !is_date(query.from)) || (!query.to.empty() && !is_date(query.to))) {
    return fail("invalid_request", "from and to must be dates as YYYY-MM-DD");
  }
  CaseFilter f;
  std::vector<std::string> terms;
  auto add = [&](const std::string& term, const std::string& value) {
    terms.push_back(term);
    f.values.push_back(value);
  };
  if (!scope.all) {
    if (scope.centres.empty()) f.empty_scope = true;
    std::string in;
    for (const auto& centre : scope.centres) {
      in += in.empty() ? "?" : ", ?";
      f.values.push_back(centre);
    }
    terms.push_back("c.centre IN (" + in + ")");
  }
  if (!query.centre.empty()) {
    if (!scope.allows(query.centre)) f.empty_scope = true;
    add("c.centre = ?", query.centre);
  }
  if (const auto match = match_expression(query.q); !match.empty()) {
    f.match_term = terms.size();
    add("c.rowid IN (SELECT rowid FROM case_index_fts WHERE case_index_fts MATCH ?)", match);
  }
  if (!query.case_number.empty()) add("c.case_number LIKE ? ESCAPE '\\'", escape_like(query.case_number) + "%");
  if (!query.from.empty()) add("c.opened >= ?", query.from);
  if (!query.to.empty()) add("c.opened <= ?", query.to);
  if (!query.status.empty()) add("c.status = ?", query.status);
  if (!query.counsellor.empty()) add("c.counsellor = ?", query.counsellor);
  if (!query.nationality.empty()) add("c.nationality = ?", query.nationality);
  for (std::size_t i = 0; i < terms.size(); ++i) f.where += (i == 0 ? " WHERE " : " AND ") + terms[i];
  f.terms = std::move(terms);
  return f;
}

Result<CasePage> search_cases(Database& db, const CentreScope& scope, const CaseQuery& query) {
  const char* column = sort_column(query.sort);
  if (!column) return fail("invalid_request", "sort must be updated_at, case_number, name, opened, status or centre");
  if (query.order != "asc" && query.order != "desc") return fail("invalid_request", "order must be asc or desc");
  if (query.page < 1 || query.per_page < 1 || query.per_page > 200) {
    return fail("invalid_request", "page must be 1 or more and per_page 1 to 200");
  }
  auto filter = case_filter(scope, query);
  if (!filter) return fail(filter.error());
  CasePage out{0, query.page, query.per_page, {}, false};
  if (filter->empty_scope) return out;
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto total = count_cases(**lease, *filter);
  if (!total) return fail(total.error());
  out.total = *total;
  out.total_capped = !match_only(*filter) && *total > kCountCap;
  if (out.total_capped) out.total = kCountCap;
  auto st = (*lease)->prepare(page_sql(*filter, query, column, *total));
  if (!st) return fail(st.error());
  bind_all(*st, filter->values);
  const int next = static_cast<int>(filter->values.size()) + 1;
  st->bind(next, query.per_page).bind(next + 1, static_cast<std::int64_t>(query.page - 1) * query.per_page);
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.cases.push_back(summary_from_row(*st));
  }
  return out;
}

Result<std::optional<CaseSummary>> find_case(Database& db, const CentreScope& scope, const std::string& case_id) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(std::string("SELECT ") + kSummaryColumns + " FROM case_index c WHERE c.case_id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, case_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<CaseSummary>();
  CaseSummary c = summary_from_row(*st);
  if (!scope.allows(c.centre)) return std::optional<CaseSummary>();
  return std::optional<CaseSummary>(std::move(c));
}

json to_json(const CaseSummary& c) {
  return {{"case_id", c.case_id},         {"case_number", c.case_number}, {"name", c.name},
          {"name_native", c.name_native}, {"centre", c.centre},           {"status", c.status},
          {"counsellor", c.counsellor},   {"nationality", c.nationality}, {"opened", c.opened},
          {"updated_at", iso8601_utc(c.updated_at_ms)}};
}

json to_json(const CasePage& page) {
  json cases = json::array();
  for (const auto& c : page.cases) cases.push_back(to_json(c));
  return {{"total", page.total},
          {"total_capped", page.total_capped},
          {"page", page.page},
          {"per_page", page.per_page},
          {"cases", cases}};
}

}  // namespace ws::server
