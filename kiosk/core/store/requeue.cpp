// Sending a refused record again, unchanged: after the reason was fixed elsewhere (HQ published
// the form, a proxy stopped refusing), a counsellor or operator puts it back in the outbox.
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {
namespace {

// Inside the caller's transaction: the record leaves quarantine and gets one unsent outbox row.
Status requeue_one(sql::Connection& db, const std::string& record_id) {
  auto enqueue = db.prepare(
      "INSERT INTO outbox(record_id, enqueued_ms) VALUES(?1, ?2) "
      "ON CONFLICT(record_id) WHERE batch_id IS NULL DO NOTHING");
  auto mark = db.prepare("UPDATE records SET sync_state = 1, sync_error = '' WHERE id = ?1 AND sync_state = 2");
  if (!enqueue || !mark) return fail("db_error", "cannot prepare sending the record again");
  if (auto s = enqueue->bind(1, record_id).bind(2, HlcClock::system_wall_ms()).run(); !s) return s;
  return mark->bind(1, record_id).run();
}

Result<std::vector<std::string>> quarantined_ids(sql::Connection& db) {
  auto st = db.prepare("SELECT id FROM records WHERE sync_state = 2 ORDER BY id");
  if (!st) return fail(st.error());
  std::vector<std::string> ids;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return ids;
    ids.push_back(st->column_text(0));
  }
}

}  // namespace

Status Store::send_again(const std::string& record_id) {
  if (auto s = writable(); !s) return s;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto st = db_.prepare("SELECT sync_state FROM records WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, record_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return fail("not_found", "no record with this id on this kiosk");
  if (st->column_int(0) != static_cast<int>(SyncState::Quarantined)) {
    return fail("not_quarantined", "this record was not refused by the server; there is nothing to send again");
  }
  if (auto s = requeue_one(db_, record_id); !s) return s;
  return tx->commit();
}

Result<std::size_t> Store::send_again_all() {
  if (auto s = writable(); !s) return fail(s.error());
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto ids = quarantined_ids(db_);
  if (!ids) return fail(ids.error());
  for (const auto& id : *ids) {
    if (auto s = requeue_one(db_, id); !s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return ids->size();
}

}  // namespace ws::kiosk
