// The transactional outbox: batches frozen for identical retries, verdicts applied atomically.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "kiosk/core/store/record_codec.hpp"
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"
#include "ws/ids.hpp"
#include "ws/push_seal.hpp"

namespace ws::kiosk {
namespace {

// The rows of batch ?1 (its text id), as a condition on the outbox (named `alias`, or
// unqualified). A batch is frozen from a range of the outbox's key, first_seq..last_seq in
// outbox_batches (schema 17), and only freezing gives a row a batch: every row of the batch lies
// in that range, so it is read through the table's own key and no index on the batch has to be
// kept up by each freeze and acknowledgement. Rows in the range that the batch passed over fail
// the batch's check. Rows name their batch by its integer key (schema 21), which the text id
// gives once per statement (an uncorrelated subquery). batch_range is that range alone, over
// any table keyed by the outbox's seq.
const std::string kBatchKey = "(SELECT id FROM outbox_batches WHERE batch_id = ?1)";
std::string batch_range(std::string_view seq_column) {
  return std::string(seq_column) + " BETWEEN (SELECT first_seq FROM outbox_batches WHERE batch_id = ?1) " +
         "AND (SELECT last_seq FROM outbox_batches WHERE batch_id = ?1)";
}
std::string batch_rows(std::string_view alias = "") {
  const std::string a(alias.empty() ? "" : std::string(alias) + ".");
  return batch_range(a + "seq") + " AND " + a + "batch = " + kBatchKey;
}

// The frozen body: sealed items when the server's key is known (docs/protocol.md "Sealed
// items"), else the plain JSON push body older servers take.
Result<std::string> batch_body(const std::string& batch_id, const FrozenItems& taken, bool sealing) {
  if (sealing) {
    // Views of the items: the body is the one copy made of them.
    std::vector<std::string_view> items;
    items.reserve(taken.rows.size());
    for (const auto& it : taken.rows) items.push_back(taken.item(it));
    return push_seal::items_body(batch_id, items);
  }
  std::string body = "{\"batch_id\":\"" + batch_id + "\",\"records\":[";
  for (std::size_t i = 0; i < taken.rows.size(); ++i) {
    if (i > 0) body += ',';
    body += taken.item(taken.rows[i]);
  }
  return body + "]}";
}

// The oldest frozen batch not in `in_flight`, with its stored body (empty when it is made
// from its rows' items: `from_items`) and its records in order.
Result<std::optional<OutboxBatch>> oldest_frozen(sql::Connection& db, const InFlight& in_flight, bool& from_items) {
  std::string sql = "SELECT batch_id, body, record_count, from_items FROM outbox_batches";
  for (std::size_t i = 0; i < in_flight.size(); ++i) {
    sql += (i == 0 ? " WHERE batch_id NOT IN (?" : ", ?") + std::to_string(i + 1);
  }
  if (!in_flight.empty()) sql += ')';
  auto st = db.prepare(sql + " ORDER BY created_ms, rowid LIMIT 1");
  if (!st) return fail(st.error());
  for (std::size_t i = 0; i < in_flight.size(); ++i) st->bind(static_cast<int>(i + 1), in_flight[i]);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<OutboxBatch>();
  OutboxBatch b;
  b.batch_id = st->column_text(0);
  b.body = st->column_blob(1);
  b.record_count = static_cast<std::size_t>(st->column_int(2));
  from_items = st->column_int(3) != 0;
  auto ids = db.prepare("SELECT record_id FROM outbox WHERE " + batch_rows() + " ORDER BY seq");
  if (!ids) return fail(ids.error());
  ids->bind(1, b.batch_id);
  for (;;) {
    auto r = ids->step();
    if (!r) return fail(r.error());
    if (!*r) break;
    b.record_ids.push_back(ids->column_text(0));
  }
  return std::optional<OutboxBatch>(std::move(b));
}

// A batch's sealed items as they were frozen: a row's copy replaced since then left the frozen
// one in outbox_frozen_items (schema 13).
Result<std::vector<std::string>> frozen_items(sql::Connection& db, const std::string& batch_id) {
  auto st = db.prepare(
      "SELECT COALESCE(f.item, i.item) FROM outbox o LEFT JOIN outbox_frozen_items f ON f.seq = o.seq "
      "LEFT JOIN outbox_items i ON i.seq = o.seq WHERE " +
      batch_rows("o") + " ORDER BY o.seq");
  if (!st) return fail(st.error());
  st->bind(1, batch_id);
  return st->collect_column();
}

// Store::drop_outbox_rows: the outbox rows matching `where` and their items. `items_where`, when
// given, is a condition on outbox_items, with the same parameters, that holds for exactly those
// rows' items.
Status delete_outbox_rows(sql::Connection& db, const std::string& where, const std::function<void(sql::Statement&)>& bind,
                          const std::string& items_where = "") {
  // Items first, while their rows still say which they are: one statement for the lot, where a
  // cascade would run a sub-program per row.
  const std::string items_of = items_where.empty() ? "seq IN (SELECT seq FROM outbox WHERE " + where + ")" : items_where;
  auto items = db.prepare("DELETE FROM outbox_items WHERE " + items_of);
  auto rows = db.prepare("DELETE FROM outbox WHERE " + where);
  if (!items || !rows) return fail("db_error", "cannot prepare deleting outbox rows");
  bind(*items);
  if (auto s = items->run(); !s) return s;
  bind(*rows);
  return rows->run();
}

// A frozen batch's rows, in the order of their keys: the order its records were sent in.
struct SentRow {
  std::int64_t seq = 0;
  std::string record_id;
};

// The batch's rows, and whether its range of keys holds them alone: one walk over the range,
// where a second statement asking only the latter walked it again (~680 instructions a record).
struct SentBatch {
  std::vector<SentRow> rows;
  bool range_alone = true;
};

Result<SentBatch> sent_rows(sql::Connection& db, const std::string& batch_id) {
  auto st = db.prepare("SELECT seq, record_id, batch IS " + kBatchKey + " FROM outbox WHERE " + batch_range("seq") +
                       " ORDER BY seq");
  if (!st) return fail(st.error());
  st->bind(1, batch_id);
  SentBatch sent;
  for (;;) {
    auto r = st->step();
    if (!r) return fail(r.error());
    if (!*r) return sent;
    if (st->column_int(2) == 0) {
      sent.range_alone = false;  // a row the freeze passed over, or another batch's
      continue;
    }
    sent.rows.push_back({st->column_int(0), st->column_text(1)});
  }
}

// Each row's verdict in the reply, or nullptr where the reply left its record out. The server
// answers one result per record in the order sent (docs/protocol.md "POST /v1/push"), so row i's
// verdict is result i, found without a look-up (a hash map of the batch's ids cost ~950
// instructions a record). A batch holds at most one row per record, so results that follow the
// rows one for one name each record once: the same verdicts as matching by id. A reply of any
// other shape is matched by id, the last result for an id counting.
std::vector<const protocol::RecordResult*> verdicts_by_row(const std::vector<SentRow>& rows,
                                                           const protocol::PushResponse& reply) {
  std::vector<const protocol::RecordResult*> verdicts(rows.size(), nullptr);
  const auto& results = reply.results;
  const bool in_order = results.size() == rows.size() &&
                        std::equal(rows.begin(), rows.end(), results.begin(),
                                   [](const SentRow& row, const protocol::RecordResult& r) { return row.record_id == r.id; });
  if (in_order) {
    for (std::size_t i = 0; i < rows.size(); ++i) verdicts[i] = &results[i];
    return verdicts;
  }
  std::unordered_map<std::string_view, const protocol::RecordResult*> by_id;
  for (const auto& r : results) by_id[r.id] = &r;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (auto it = by_id.find(rows[i].record_id); it != by_id.end()) verdicts[i] = it->second;
  }
  return verdicts;
}

// Marks a record refused, with the reason: it is quarantined unless it has another outbox row
// (an edit queued since), which keeps it pending (row::pending) until that row's verdict.
Status mark_refused(sql::Connection& db, const std::string& record_id, const std::string& reason) {
  auto mark = db.prepare("UPDATE record_sync SET sync_state = 2, sync_error = ?2 WHERE id = ?1");
  if (!mark) return fail(mark.error());
  return mark->bind(1, record_id).bind(2, reason.substr(0, 2000)).run();
}

}  // namespace

Result<std::optional<OutboxBatch>> Store::frozen_batch(const InFlight& in_flight) {
  for (;;) {
    bool from_items = false;
    auto b = oldest_frozen(db_, in_flight, from_items);
    if (!b || !*b || !from_items) return b;
    // A sealed batch is not stored twice: its body is its rows' items as they were frozen.
    auto items = frozen_items(db_, (*b)->batch_id);
    if (!items) return fail(items.error());
    auto body = push_seal::items_body((*b)->batch_id, std::vector<std::string_view>(items->begin(), items->end()));
    if (body && (*b)->record_ids.size() == (*b)->record_count) {
      (*b)->body = std::move(*body);
      return b;
    }
    // Not what was frozen any more (cannot happen while every writer keeps the outbox rules):
    // its rows are batched again under a new batch_id rather than block the queue.
    if (auto s = release_batch_rows((*b)->batch_id); !s) return fail(s.error());
  }
}

Result<std::optional<OutboxBatch>> Store::next_batch(const BatchLimits& limits, const InFlight& in_flight) {
  if (auto s = writable(); !s) return fail(s.error());
  // Freezing a batch writes it (body and marks) before it is sent: on a full disk that is what
  // the reserve is for.
  return retry_on_full([&] { return next_batch_once(limits, in_flight); });
}

Result<std::optional<FrozenItem>> Store::freeze_item(const sql::Statement& row, sql::Statement& lookup, bool sealing,
                                                     std::string& bytes) {
  FrozenItem it;
  it.seq = row.column_int(0);
  it.offset = bytes.size();
  if (sealing && !row.is_null(3)) {
    // Sealed when it was queued: nothing of the record is read, and the copy's version stays
    // where it is (sealed_version).
    const std::string_view item = row.column_view(2);
    bytes += item;
    it.length = item.size();
    it.size = static_cast<std::size_t>(row.column_int(4));
    return std::optional<FrozenItem>(std::move(it));
  }
  // No copy yet (queued before the server's key was known, or while the records could not be
  // read): made from the record now, as long as it can be read.
  lookup.reset();
  lookup.bind(1, row.column_text(1));
  auto found = lookup.step();
  if (!found) return fail(found.error());
  if (!*found) return std::optional<FrozenItem>();
  auto text = row::envelope_json_text(lookup, data_dir_);
  if (!text && text.error().code == record_codec::kLocked) return std::optional<FrozenItem>();  // waits for an unlock
  if (!text) return fail(text.error());
  it.version = lookup.column_text(3);
  it.size = text->size();
  if (!sealing) {
    bytes += *text;
    it.length = text->size();
    return std::optional<FrozenItem>(std::move(it));
  }
  auto copy = seal_copy(*text, it.version);
  if (!copy) return fail(copy.error());
  if (!*copy) return fail("internal", "the server's key went missing while a batch was made");
  bytes += (*copy)->item;
  it.length = (*copy)->item.size();
  it.fresh = true;
  return std::optional<FrozenItem>(std::move(it));
}

Result<std::optional<OutboxBatch>> Store::next_batch_once(const BatchLimits& limits, const InFlight& in_flight) {
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto b = freeze_next(limits, in_flight);
  if (!b) return b;
  if (auto s = tx->commit(); !s) return fail(s.error());
  return b;
}

Result<std::optional<OutboxBatch>> Store::freeze_next(const BatchLimits& limits, const InFlight& in_flight) {
  // An unacknowledged batch goes out again exactly as it was, under its batch_id, so the
  // server can recognise the retry and answer from its stored reply.
  auto pending = frozen_batch(in_flight);
  if (!pending || *pending) return pending;
  auto key = server_seal_key();
  if (!key) return fail(key.error());
  const bool sealing = !key->empty();  // an older server, or no reply yet: sent plain
  auto rows = db_.prepare(
      "SELECT o.seq, o.record_id, i.item, o.sealed_version, o.sealed_size FROM outbox o "
      "LEFT JOIN outbox_items i ON i.seq = o.seq WHERE o.batch IS NULL ORDER BY o.seq");
  auto lookup = db_.prepare("SELECT " + row::kSelect + " WHERE id = ?1");
  if (!rows || !lookup) return fail("db_error", "cannot prepare making a batch");
  OutboxBatch b;
  b.batch_id = new_uuid_v7();
  FrozenItems taken;
  const std::size_t max_records = std::max<std::size_t>(limits.max_records, 1);
  taken.rows.reserve(std::min<std::size_t>(max_records, protocol::kMaxBatchRecords));
  std::size_t bytes = 0;
  while (taken.rows.size() < max_records) {
    auto step = rows->step();
    if (!step) return fail(step.error());
    if (!*step) break;
    auto item = freeze_item(*rows, *lookup, sealing, taken.bytes);
    if (!item) return fail(item.error());
    if (!*item) continue;
    if (!taken.rows.empty() && bytes + (*item)->size + 1 > limits.max_bytes) break;
    bytes += (*item)->size + 1;
    b.record_ids.push_back(rows->column_text(1));
    taken.rows.push_back(std::move(**item));
  }
  if (taken.rows.empty()) return std::optional<OutboxBatch>();
  auto body = batch_body(b.batch_id, taken, sealing);
  if (!body) return fail(body.error());
  b.body = std::move(*body);
  b.record_count = taken.rows.size();
  if (auto s = mark_frozen(b, taken, sealing); !s) return fail(s.error());
  return std::optional<OutboxBatch>(std::move(b));
}

Status Store::mark_frozen(const OutboxBatch& b, const FrozenItems& taken, bool sealing) {
  auto insert = db_.prepare(
      "INSERT INTO outbox_batches(batch_id, body, record_count, created_ms, from_items, first_seq, last_seq) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return fail(insert.error());
  for (const auto& it : taken.rows) {
    if (!it.fresh) continue;
    // Sealed at freeze time: the row keeps the copy, so a dissolved batch needs no record to resend.
    if (auto s = set_row_copy(it.seq, SealedCopy{std::string(taken.item(it)), it.version, it.size}); !s) return s;
  }
  // A sealed body is the rows' items put together (frozen_batch makes it again); a plain one was
  // made from the records, which may change, so it is kept as sent.
  insert->bind(1, b.batch_id).bind_blob(2, sealing ? std::string_view("") : std::string_view(b.body));
  insert->bind(3, static_cast<std::int64_t>(b.record_count)).bind(4, HlcClock::system_wall_ms());
  // Rows are taken in the order of their key, so the batch's rows lie between its first and last.
  insert->bind(5, sealing ? 1 : 0).bind(6, taken.rows.front().seq).bind(7, taken.rows.back().seq);
  if (auto s = insert->run(); !s) return s;
  // The rows name the batch by the key just given to it.
  const std::int64_t batch = db_.last_insert_rowid();
  return sealing ? mark_sealed_rows(batch, taken.rows) : mark_rows(batch, taken.rows);
}

Status Store::mark_rows(std::int64_t batch, const std::vector<FrozenItem>& taken) {
  // A plain batch is made from the records, not from the rows' copies (a row may have none), so
  // the version each row was sent with is kept beside it: the acknowledgement's base version.
  auto mark = db_.prepare("UPDATE outbox SET batch = ?1 WHERE seq = ?2");
  auto sent = db_.prepare("INSERT OR REPLACE INTO outbox_frozen_items(seq, version) VALUES(?1, ?2)");
  if (!mark || !sent) return fail("db_error", "cannot prepare marking a plain batch");
  for (const auto& it : taken) {
    mark->reset();
    if (auto s = mark->bind(1, batch).bind(2, it.seq).run(); !s) return s;
    sent->reset();
    if (auto s = sent->bind(1, it.seq).bind(2, it.version).run(); !s) return s;
  }
  return ok();
}

Status Store::mark_sealed_rows(std::int64_t batch, const std::vector<FrozenItem>& taken) {
  // Sealing, a batch takes every unsent row with a copy, oldest first, up to its last row; the
  // rows it passed over are the ones still without a copy (their records cannot be read now).
  // So one statement marks exactly the rows taken; the version each was sent with is its copy's
  // (sealed_version), until a later copy's trigger keeps it in outbox_frozen_items. The row
  // grows by its batch's key alone, a byte or two, so the mark rewrites rows in their pages.
  auto mark = db_.prepare(
      "UPDATE outbox SET batch = ?1 WHERE seq BETWEEN ?2 AND ?3 AND batch IS NULL AND sealed_version IS NOT NULL");
  if (!mark) return fail(mark.error());
  if (auto s = mark->bind(1, batch).bind(2, taken.front().seq).bind(3, taken.back().seq).run(); !s) return s;
  if (static_cast<std::size_t>(db_.changes()) != taken.size()) {
    return fail("internal", "the outbox changed while a batch was made");
  }
  return ok();
}

Result<AckOutcome> Store::acknowledge(const std::string& batch_id, const protocol::PushResponse& reply) {
  if (auto s = writable(); !s) return fail(s.error());
  // Deleting acknowledged rows still needs WAL space.
  return retry_on_full([&] { return acknowledge_once(batch_id, reply); });
}

Result<AckAndNext> Store::acknowledge_and_freeze(const std::string& batch_id, const protocol::PushResponse& reply,
                                                 const BatchLimits& limits, const InFlight& in_flight) {
  if (auto s = writable(); !s) return fail(s.error());
  return retry_on_full([&]() -> Result<AckAndNext> {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    // Acknowledged first, so the freeze below cannot offer this batch again.
    auto ack = apply_verdicts(batch_id, reply);
    if (!ack) return fail(ack.error());
    auto next = freeze_next(limits, in_flight);
    if (!next) return fail(next.error());
    // One commit, so one WAL fsync, for both: the batch is forgotten only once this returns.
    if (auto s = tx->commit(); !s) return fail(s.error());
    return AckAndNext{std::move(*ack), std::move(*next)};
  });
}

Result<AckOutcome> Store::acknowledge_once(const std::string& batch_id, const protocol::PushResponse& reply) {
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto out = apply_verdicts(batch_id, reply);
  if (!out) return out;
  if (auto s = tx->commit(); !s) return fail(s.error());
  return out;
}

Result<AckOutcome> Store::apply_verdicts(const std::string& batch_id, const protocol::PushResponse& reply) {
  if (reply.batch_id != batch_id) {
    return fail("invalid_response", "the server answered for another batch than the one sent");
  }
  auto settled = settle_exceptions(batch_id, reply);
  if (!settled) return fail(settled.error());
  auto out = std::move(settled->outcome);
  // What is left of the batch was kept by the server: one statement for all of it, not two per
  // record. It reads the versions sent from outbox_frozen_items, so those go after it.
  if (out.accepted > 0) {
    if (auto s = accept_batch_rows(batch_id, settled->range_alone); !s) return fail(s.error());
  }
  if (auto s = forget_frozen_items(batch_id); !s) return fail(s.error());
  auto done = db_.prepare("DELETE FROM outbox_batches WHERE batch_id = ?1");
  if (!done) return fail(done.error());
  if (auto s = done->bind(1, batch_id).run(); !s) return fail(s.error());
  // The server's changes (cursor_from, cursor] are this batch's own writes. When this kiosk had
  // pulled exactly up to cursor_from and the server kept every record as sent, it holds them
  // all already: the next pull need not bring its own records back.
  if (!out.any_merged && !reply.cursor_from.empty() && !reply.cursor.empty()) {
    auto cursor = meta("pull_cursor");
    if (!cursor) return fail(cursor.error());
    if (*cursor == reply.cursor_from) {
      if (auto s = set_meta("pull_cursor", reply.cursor); !s) return fail(s.error());
      out.pull_cursor_advanced = true;
    }
  }
  return out;
}

Result<Store::SettledBatch> Store::settle_exceptions(const std::string& batch_id, const protocol::PushResponse& reply) {
  auto sent = sent_rows(db_, batch_id);
  if (!sent) return fail(sent.error());
  const auto& rows = sent->rows;
  const auto verdicts = verdicts_by_row(rows, reply);
  // Back in the queue unless the record has an unsent row already (unsent_row.hpp).
  auto requeue = db_.prepare(R"sql(
    UPDATE outbox SET batch = NULL
    WHERE seq = ?1 AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.record_id = ?2 AND o.batch IS NULL))sql");
  if (!requeue) return fail(requeue.error());
  SettledBatch settled{{}, sent->range_alone};
  AckOutcome& out = settled.outcome;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::int64_t seq = rows[i].seq;
    const std::string& record_id = rows[i].record_id;
    const protocol::RecordResult* verdict = verdicts[i];
    if (verdict && verdict->status != protocol::RecordStatus::Rejected) {
      out.any_merged = out.any_merged || verdict->status == protocol::RecordStatus::Merged;
      ++out.accepted;  // left in the batch for accept_batch_rows
      continue;
    }
    if (!verdict) {
      // Absent from the reply: sent again later, unless a newer edit is queued already.
      requeue->reset();
      if (auto s = requeue->bind(1, seq).bind(2, record_id).run(); !s) return fail(s.error());
      ++out.requeued;
      if (db_.changes() > 0) {
        settled.range_alone = false;  // back in the queue, still within the batch's range
        continue;
      }
    }
    if (auto s = drop_outbox_rows("seq = ?1", [seq](sql::Statement& st) { st.bind(1, seq); }); !s) return fail(s.error());
    if (!verdict) continue;
    // A rejected record that was edited again meanwhile stays pending: the newer version may be
    // the fix, and it gets its own verdict.
    const std::string reason = verdict->error.empty() ? "rejected by the server (no reason given)" : verdict->error;
    if (auto s = mark_refused(db_, record_id, reason); !s) return fail(s.error());
    ++out.rejected;
  }
  return settled;
}

Status Store::accept_batch_rows(const std::string& batch_id, bool range_alone) {
  // The server holds at least the version each row carried. Pending is the outbox's to say
  // (row::pending): a record with another row still queued (edited after freezing) stays pending
  // by that row, so no row is probed for it here, and a record refused before is not any more
  // (the partial index of refusals sees 0 before and after for all the others). Written as an
  // upsert, which SQLite runs row by row on the key it has just looked up, where an
  // UPDATE ... FROM joins into an ephemeral table first and looks each row up again (~4,000
  // instructions a record more). Every queued record has its row already (row::upsert,
  // materialise_sync); one that had none would get the row its acknowledgement means. The
  // version a row was sent with is its copy's unless outbox_frozen_items keeps another (schema
  // 21): a copy replaced after the freeze, or a plain batch.
  auto accepted = db_.prepare(R"sql(
    INSERT INTO record_sync(id, base_version, sync_state, sync_error)
      SELECT o.record_id, COALESCE(f.version, o.sealed_version), 0, '' FROM outbox o
      LEFT JOIN outbox_frozen_items f ON f.seq = o.seq WHERE )sql" + batch_rows("o") + R"sql(
    ON CONFLICT(id) DO UPDATE SET
      base_version = CASE WHEN record_sync.base_version IS NULL OR record_sync.base_version < excluded.base_version
                          THEN excluded.base_version ELSE record_sync.base_version END,
      sync_state = 0,
      sync_error = '')sql");
  if (!accepted) return fail(accepted.error());
  if (auto s = accepted->bind(1, batch_id).run(); !s) return s;
  const auto bind = [&](sql::Statement& st) { st.bind(1, batch_id); };
  // Every item belongs to a row, so a range of keys that holds the batch's rows alone holds
  // their items alone: one walk over that range of outbox_items, where looking up the rows'
  // keys one by one cost ~2,400 instructions a record more; and the rows are the range, read
  // without their batch. A row the freeze passed over or the reply sent back to the queue lies
  // in the range too (settle_exceptions says), and then rows and items go by the batch's key.
  if (range_alone) return delete_outbox_rows(db_, batch_range("seq"), bind, batch_range("seq"));
  return drop_outbox_rows(batch_rows(), bind);
}

Status Store::drop_outbox_rows(const std::string& where, const std::function<void(sql::Statement&)>& bind) {
  return delete_outbox_rows(db_, where, bind);
}

Status Store::dissolve_batch(const std::string& batch_id) {
  if (auto s = writable(); !s) return s;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  if (auto s = release_batch_rows(batch_id); !s) return s;
  return tx->commit();
}

Status Store::forget_frozen_items(const std::string& batch_id) {
  // Called once the batch's rows are acknowledged, sent back to the queue or released: what is
  // kept for a row serves only while it is frozen, so in the batch's range of keys every entry
  // whose row is gone or no longer frozen goes (rows of another batch in the range keep theirs).
  // Walked from the frozen items' side, each checked against its row: the table is nearly always
  // empty, and `seq IN (the batch's rows)` built the batch's keys into a temporary index to
  // look each one up in it (~1,900 instructions a record for nothing).
  auto st = db_.prepare("DELETE FROM outbox_frozen_items WHERE " + batch_range("seq") +
                        " AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.seq = outbox_frozen_items.seq AND o.batch IS NOT NULL)");
  if (!st) return fail(st.error());
  return st->bind(1, batch_id).run();
}

Status Store::release_batch_rows(const std::string& batch_id) {
  auto release = db_.prepare("UPDATE outbox SET batch = NULL WHERE " + batch_rows());
  auto done = db_.prepare("DELETE FROM outbox_batches WHERE batch_id = ?1");
  if (!release || !done) return fail("db_error", "cannot prepare the batch release");
  // A row whose record has a newer unsent row goes: one unsent row per record (unsent_row.hpp).
  // Probed per row of the batch through outbox_by_record: `IN (the unsent rows' records)` would
  // read the whole outbox now that no index holds the unsent rows alone (schema 22).
  auto dups = batch_rows() + " AND EXISTS(SELECT 1 FROM outbox u WHERE u.record_id = outbox.record_id AND u.batch IS NULL)";
  if (auto s = drop_outbox_rows(dups, [&](sql::Statement& st) { st.bind(1, batch_id); }); !s) return s;
  if (auto s = release->bind(1, batch_id).run(); !s) return s;
  if (auto s = forget_frozen_items(batch_id); !s) return s;
  return done->bind(1, batch_id).run();
}

Status Store::release_batches_of(const std::vector<std::string>& record_ids) {
  auto find = db_.prepare(
      "SELECT DISTINCT b.batch_id FROM outbox o JOIN outbox_batches b ON b.id = o.batch WHERE o.record_id = ?1");
  if (!find) return fail(find.error());
  std::set<std::string> batches;
  for (const auto& id : record_ids) {
    find->reset();
    auto found = find->bind(1, id).collect_column();
    if (!found) return fail(found.error());
    batches.insert(found->begin(), found->end());
  }
  for (const auto& b : batches)
    if (auto s = release_batch_rows(b); !s) return s;
  return ok();
}

Status Store::quarantine(const std::string& record_id, const std::string& reason) {
  if (auto s = writable(); !s) return s;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto unsent = [&](sql::Statement& st) { st.bind(1, record_id); };
  if (auto s = drop_outbox_rows("record_id = ?1 AND batch IS NULL", unsent); !s) return s;
  if (auto s = row::materialise_sync(db_, record_id); !s) return s;
  if (auto s = mark_refused(db_, record_id, reason); !s) return s;
  return tx->commit();
}

}  // namespace ws::kiosk
