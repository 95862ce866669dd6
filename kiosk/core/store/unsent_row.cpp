#include "kiosk/core/store/unsent_row.hpp"

#include <vector>

namespace ws::kiosk::unsent {
namespace {

// Records with two or more outbox rows of any kind, read from outbox_by_record alone (a covering
// scan, no row looked up): a record edited while its batch is frozen has two rows, legitimately,
// so these are only candidates, and there are few of them.
Result<std::vector<std::string>> records_with_rows_beside(sql::Connection& db) {
  auto st = db.prepare("SELECT record_id FROM outbox GROUP BY record_id HAVING count(*) > 1");
  if (!st) return fail(st.error());
  return st->collect_column();
}

Status merge(sql::Connection& db, const std::string& record_id) {
  // Items first, while their rows still say which they are (outbox_items has no cascade).
  const std::string kept = "(SELECT min(seq) FROM outbox WHERE record_id = ?1 AND batch IS NULL)";
  const std::string others = "record_id = ?1 AND batch IS NULL AND seq > " + kept;
  for (const std::string& sql : {"DELETE FROM outbox_items WHERE seq IN (SELECT seq FROM outbox WHERE " + others + ")",
                                 "DELETE FROM outbox WHERE " + others,
                                 "DELETE FROM outbox_items WHERE seq = " + kept,
                                 "UPDATE outbox SET sealed_version = NULL, sealed_size = NULL WHERE seq = " + kept}) {
    auto st = db.prepare(sql);
    if (!st) return fail(st.error());
    if (auto s = st->bind(1, record_id).run(); !s) return s;
  }
  return ok();
}

}  // namespace

Result<std::optional<std::int64_t>> row_of(sql::Connection& db, const std::string& record_id) {
  auto st = db.prepare("SELECT seq FROM outbox WHERE record_id = ?1 AND batch IS NULL ORDER BY seq LIMIT 1");
  if (!st) return fail(st.error());
  auto row = st->bind(1, record_id).step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(st->column_int(0));
}

Status merge_duplicates(sql::Connection& db) {
  auto candidates = records_with_rows_beside(db);
  if (!candidates) return fail(candidates.error());
  auto unsent = db.prepare("SELECT count(*) FROM outbox WHERE record_id = ?1 AND batch IS NULL");
  if (!unsent) return fail(unsent.error());
  std::vector<std::string> doubled;
  for (const auto& id : *candidates) {
    unsent->reset();
    auto row = unsent->bind(1, id).step();
    if (!row) return fail(row.error());
    if (*row && unsent->column_int(0) > 1) doubled.push_back(id);
  }
  unsent->reset();
  if (doubled.empty()) return ok();
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  for (const auto& id : doubled)
    if (auto s = merge(db, id); !s) return s;
  return tx->commit();
}

}  // namespace ws::kiosk::unsent
