// Sending a refused record again, unchanged: after the reason was fixed elsewhere (HQ published
// the form, a proxy stopped refusing), a counsellor or operator puts it back in the outbox; a
// pull that brings a form version does it by itself for the records of that version.
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {
namespace {

Result<std::vector<std::string>> quarantined_ids(sql::Connection& db) {
  auto st = db.prepare("SELECT id FROM record_sync WHERE " + row::quarantined() + " ORDER BY id");
  if (!st) return fail(st.error());
  return st->collect_column();
}

}  // namespace

// Inside the caller's transaction: the record leaves quarantine and gets one unsent outbox row,
// with a fresh sealed copy when the record can be read (a copy the server refused is not reused).
// The row makes it pending (row::pending); the refusal and its reason go.
Status Store::requeue_one(const std::string& record_id) {
  auto mark = db_.prepare("UPDATE record_sync SET sync_state = 0, sync_error = '' WHERE id = ?1 AND sync_state = 2");
  if (!mark) return fail(mark.error());
  if (auto s = enqueue(record_id); !s) return s;
  return mark->bind(1, record_id).run();
}

Status Store::requeue_for_forms(const protocol::PullResponse& page) {
  auto refused = db_.prepare(
      "SELECT id FROM records JOIN record_sync USING (id) WHERE " + row::quarantined() + " AND kind = ?1 AND schema_version = ?2");
  if (!refused) return fail(refused.error());
  for (const auto& e : page.records) {
    if (e.kind != "form" || e.deleted || !e.payload.is_object()) continue;
    const auto id = e.payload.find("id");
    const auto version = e.payload.find("version");
    if (id == e.payload.end() || !id->is_string() || version == e.payload.end() || !version->is_number_integer()) continue;
    refused->reset();
    refused->bind(1, id->get<std::string>()).bind(2, version->get<std::int64_t>());
    std::vector<std::string> ids;
    for (;;) {
      auto row = refused->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      ids.push_back(refused->column_text(0));
    }
    for (const auto& record_id : ids) {
      if (auto s = requeue_one(record_id); !s) return s;
    }
  }
  return ok();
}

Status Store::send_again(const std::string& record_id) {
  if (auto s = writable(); !s) return s;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto st = db_.prepare("SELECT " + row::quarantined() + " FROM record_sync WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, record_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return fail("not_found", "no record with this id on this kiosk");
  if (st->column_int(0) == 0) {
    return fail("not_quarantined", "this record was not refused by the server; there is nothing to send again");
  }
  if (auto s = requeue_one(record_id); !s) return s;
  return tx->commit();
}

Result<std::size_t> Store::send_again_all() {
  if (auto s = writable(); !s) return fail(s.error());
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto ids = quarantined_ids(db_);
  if (!ids) return fail(ids.error());
  for (const auto& id : *ids) {
    if (auto s = requeue_one(id); !s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return ids->size();
}

}  // namespace ws::kiosk
