#include "sync-server/core/case_index_rows.hpp"

namespace ws::server {
namespace {

// The rules of schema 13's triggers (schema.cpp, WS_CASE_INDEX_ROW_FROM_COLUMNS and
// WS_CASE_INDEX_LINK_FROM_COLUMNS), with bound values in place of NEW.
constexpr const char* kWordsRowidSql = "SELECT rowid FROM case_index WHERE case_id = ?1";
constexpr const char* kDropWordsSql = "DELETE FROM case_index_fts WHERE rowid = ?1";
constexpr const char* kDropCaseSql = "DELETE FROM case_index WHERE case_id = ?1";
constexpr const char* kPutCaseSql =
    "INSERT INTO case_index (case_id, centre, case_number, name, name_native, status, counsellor, nationality,"
    "  opened, updated_at_ms)"
    " VALUES (?1, ?2, coalesce(?3, ''), coalesce(?4, ''), coalesce(?5, ''), coalesce(?6, ''), coalesce(?7, ''), '',"
    "  coalesce(?8, date(?9 / 1000, 'unixepoch')), ?9)"
    " ON CONFLICT (case_id) DO UPDATE SET centre = excluded.centre, case_number = excluded.case_number,"
    "  name = excluded.name, name_native = excluded.name_native, status = excluded.status,"
    "  counsellor = excluded.counsellor, updated_at_ms = max(case_index.updated_at_ms, excluded.updated_at_ms),"
    "  opened = coalesce(?8, case_index.opened)";
constexpr const char* kWordsSql =
    "SELECT rowid, ws_fold(name || ' ' || name_native || ' ' || case_number) FROM case_index WHERE case_id = ?1";
constexpr const char* kPutWordsSql = "INSERT INTO case_index_fts (rowid, text) VALUES (?1, ?2)";
constexpr const char* kLinkSql =
    "UPDATE case_index SET updated_at_ms = max(updated_at_ms, ?2), nationality = coalesce(?3, nationality)"
    " WHERE case_id = ?1";

// The row is already stored: a refusal here is not the row's (its writer would take it for one
// and leave the row), so it fails the whole write.
Status finished(Status s) {
  if (!s && s.error().code == "constraint") return fail("internal", "the case index refused a stored record");
  return s;
}

Status link(sql::Connection& db, const IndexedRecord& row) {
  auto st = db.prepare(kLinkSql);  // the connection's cache keeps each statement prepared
  if (!st) return fail(st.error());
  const bool gives_nationality = row.kind == "intake" && !row.deleted;
  st->bind(1, row.cases.case_id).bind(2, row.updated_at_ms);
  st->bind(3, gives_nationality ? row.cases.nationality : std::nullopt);
  return finished(st->run());
}

Status drop_words(sql::Connection& db, std::string_view case_id) {
  auto find = db.prepare(kWordsRowidSql);
  if (!find) return fail(find.error());
  auto found = find->bind_view(1, case_id).step();
  if (!found) return fail(found.error());
  if (!*found) return ok();
  auto drop = db.prepare(kDropWordsSql);
  if (!drop) return fail(drop.error());
  return finished(drop->bind(1, find->column_int(0)).run());
}

Status put_case(sql::Connection& db, const IndexedRecord& row) {
  const CaseColumns& c = row.cases;
  auto put = db.prepare(kPutCaseSql);
  if (!put) return fail(put.error());
  put->bind_view(1, row.id).bind_view(2, row.centre).bind(3, c.number).bind(4, c.name).bind(5, c.name_native);
  put->bind(6, c.status).bind(7, c.counsellor).bind(8, c.opened).bind(9, row.updated_at_ms);
  if (auto s = finished(put->run()); !s) return s;
  auto words = db.prepare(kWordsSql);
  if (!words) return fail(words.error());
  auto found = words->bind_view(1, row.id).step();
  if (!found) return fail(found.error());
  if (!*found) return ok();
  auto add = db.prepare(kPutWordsSql);
  if (!add) return fail(add.error());
  return finished(add->bind(1, words->column_int(0)).bind(2, words->column_text(1)).run());
}

}  // namespace

bool touches_case_index(std::string_view kind, const CaseColumns& cases) {
  return kind == "case" || cases.case_id.has_value();
}

Status apply_to_case_index(sql::Connection& db, const IndexedRecord& row) {
  if (row.kind != "case") return link(db, row);
  if (auto s = drop_words(db, row.id); !s) return s;
  if (!row.deleted) return put_case(db, row);
  auto drop = db.prepare(kDropCaseSql);
  if (!drop) return fail(drop.error());
  return finished(drop->bind_view(1, row.id).run());
}

}  // namespace ws::server
