// The transactional outbox: batches frozen for identical retries, verdicts applied atomically.
#include <unordered_map>

#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"
#include "ws/ids.hpp"
#include "ws/push_seal.hpp"

namespace ws::kiosk {
namespace {

Result<std::optional<OutboxBatch>> open_batch(sql::Connection& db, const std::string& in_flight) {
  auto st = db.prepare(
      "SELECT batch_id, body, record_count FROM outbox_batches WHERE batch_id <> ?1 ORDER BY created_ms, rowid LIMIT 1");
  if (!st) return fail(st.error());
  st->bind(1, in_flight);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<OutboxBatch>();
  OutboxBatch b;
  b.batch_id = st->column_text(0);
  b.body = st->column_blob(1);
  b.record_count = static_cast<std::size_t>(st->column_int(2));
  auto ids = db.prepare("SELECT record_id FROM outbox WHERE batch_id = ?1 ORDER BY seq");
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

}  // namespace

Result<std::string> Store::seal_for_server(std::string body) {
  auto key = server_seal_key();
  if (!key) return fail(key.error());
  if (key->empty()) return body;  // an older server, or no reply yet: sent as it is
  auto me = identity();
  if (!me) return fail(me.error());
  return push_seal::seal(*key, me->device_id, body);
}

Result<std::optional<OutboxBatch>> Store::next_batch(const BatchLimits& limits, const std::string& in_flight) {
  if (auto s = writable(); !s) return fail(s.error());
  // Freezing a batch writes it (body and marks) before it is sent: on a full disk that is what
  // the reserve is for.
  return retry_on_full([&] { return next_batch_once(limits, in_flight); });
}

Result<std::optional<OutboxBatch>> Store::next_batch_once(const BatchLimits& limits, const std::string& in_flight) {
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  // An unacknowledged batch goes out again exactly as it was, under its batch_id, so the
  // server can recognise the retry and answer from its stored reply.
  auto pending = open_batch(db_, in_flight);
  if (!pending) return pending;
  if (*pending) {
    if (auto s = tx->commit(); !s) return fail(s.error());
    return pending;
  }

  auto st = db_.prepare(std::string("SELECT ") + row::kColumns +
                        ", outbox.seq FROM outbox JOIN records ON records.id = outbox.record_id "
                        "WHERE outbox.batch_id IS NULL ORDER BY outbox.seq LIMIT ?1");
  if (!st) return fail(st.error());
  st->bind(1, static_cast<std::int64_t>(std::max<std::size_t>(limits.max_records, 1)));
  OutboxBatch b;
  b.batch_id = new_uuid_v7();
  std::string records;
  std::vector<std::pair<std::int64_t, std::string>> taken;  // seq, sent version
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto one = row::envelope_json_text(*st, data_dir_);
    if (!one) return fail(one.error());
    if (!taken.empty() && records.size() + one->size() + 1 > limits.max_bytes) break;
    if (!records.empty()) records += ',';
    records += *one;
    taken.emplace_back(st->column_int(13), st->column_text(3));  // seq, the version sent
    b.record_ids.push_back(st->column_text(0));
  }
  if (taken.empty()) {
    if (auto s = tx->commit(); !s) return fail(s.error());
    return std::optional<OutboxBatch>();
  }
  b.body = "{\"batch_id\":\"" + b.batch_id + "\",\"records\":[" + records + "]}";
  b.record_count = taken.size();
  // Frozen sealed when the server's key is known: the copy waiting in kiosk.db is the server's
  // to read, and a retry still sends the same bytes.
  auto sealed = seal_for_server(b.body);
  if (!sealed) return fail(sealed.error());
  b.body = std::move(*sealed);

  auto mark = db_.prepare("UPDATE outbox SET batch_id = ?1, sent_version = ?2 WHERE seq = ?3");
  if (!mark) return fail(mark.error());
  for (const auto& [seq, version] : taken) {
    mark->reset();
    if (auto s = mark->bind(1, b.batch_id).bind(2, version).bind(3, seq).run(); !s) return fail(s.error());
  }
  auto insert = db_.prepare("INSERT INTO outbox_batches(batch_id, body, record_count, created_ms) VALUES(?1, ?2, ?3, ?4)");
  if (!insert) return fail(insert.error());
  insert->bind(1, b.batch_id).bind_blob(2, b.body).bind(3, static_cast<std::int64_t>(b.record_count));
  if (auto s = insert->bind(4, HlcClock::system_wall_ms()).run(); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return std::optional<OutboxBatch>(std::move(b));
}

Result<AckOutcome> Store::acknowledge(const std::string& batch_id, const protocol::PushResponse& reply) {
  if (auto s = writable(); !s) return fail(s.error());
  // Deleting acknowledged rows still needs WAL space.
  return retry_on_full([&] { return acknowledge_once(batch_id, reply); });
}

Result<AckOutcome> Store::acknowledge_once(const std::string& batch_id, const protocol::PushResponse& reply) {
  if (reply.batch_id != batch_id) {
    return fail("invalid_response", "the server answered for another batch than the one sent");
  }
  std::unordered_map<std::string, const protocol::RecordResult*> verdicts;
  for (const auto& r : reply.results) verdicts[r.id] = &r;

  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto rows = db_.prepare("SELECT seq, record_id, sent_version FROM outbox WHERE batch_id = ?1 ORDER BY seq");
  if (!rows) return fail(rows.error());
  rows->bind(1, batch_id);
  struct Row {
    std::int64_t seq;
    std::string record_id;
    std::string sent_version;
  };
  std::vector<Row> in_batch;
  for (;;) {
    auto r = rows->step();
    if (!r) return fail(r.error());
    if (!*r) break;
    in_batch.push_back({rows->column_int(0), rows->column_text(1), rows->column_text(2)});
  }

  auto drop = db_.prepare("DELETE FROM outbox WHERE seq = ?1");
  auto accepted = db_.prepare(R"sql(
    UPDATE records SET
      base_version = CASE WHEN base_version IS NULL OR base_version < ?2 THEN ?2 ELSE base_version END,
      sync_state = CASE WHEN EXISTS(SELECT 1 FROM outbox WHERE record_id = ?1) THEN 1 ELSE 0 END,
      sync_error = ''
    WHERE id = ?1)sql");
  // A rejected record that was edited again meanwhile stays pending: the newer version may be
  // the fix, and it gets its own verdict.
  auto rejected = db_.prepare(R"sql(
    UPDATE records SET
      sync_state = CASE WHEN EXISTS(SELECT 1 FROM outbox WHERE record_id = ?1) THEN 1 ELSE 2 END,
      sync_error = ?2
    WHERE id = ?1)sql");
  auto requeue = db_.prepare(R"sql(
    UPDATE outbox SET batch_id = NULL, sent_version = NULL
    WHERE seq = ?1 AND NOT EXISTS(SELECT 1 FROM outbox o WHERE o.record_id = ?2 AND o.batch_id IS NULL))sql");
  if (!drop || !accepted || !rejected || !requeue) return fail("db_error", "cannot prepare the acknowledgement");

  AckOutcome out;
  bool merged = false;
  for (const auto& row : in_batch) {
    auto it = verdicts.find(row.record_id);
    if (it == verdicts.end()) {
      requeue->reset();
      if (auto s = requeue->bind(1, row.seq).bind(2, row.record_id).run(); !s) return fail(s.error());
      if (db_.changes() == 0) {
        drop->reset();
        if (auto s = drop->bind(1, row.seq).run(); !s) return fail(s.error());
      }
      ++out.requeued;
      continue;
    }
    drop->reset();
    if (auto s = drop->bind(1, row.seq).run(); !s) return fail(s.error());
    if (it->second->status == protocol::RecordStatus::Rejected) {
      const std::string reason = it->second->error.empty() ? "rejected by the server (no reason given)" : it->second->error;
      rejected->reset();
      if (auto s = rejected->bind(1, row.record_id).bind(2, reason.substr(0, 2000)).run(); !s) return fail(s.error());
      ++out.rejected;
    } else {
      merged = merged || it->second->status == protocol::RecordStatus::Merged;
      accepted->reset();
      if (auto s = accepted->bind(1, row.record_id).bind(2, row.sent_version).run(); !s) return fail(s.error());
      ++out.accepted;
    }
  }
  auto done = db_.prepare("DELETE FROM outbox_batches WHERE batch_id = ?1");
  if (!done) return fail(done.error());
  if (auto s = done->bind(1, batch_id).run(); !s) return fail(s.error());
  // The server's changes (cursor_from, cursor] are this batch's own writes. When this kiosk had
  // pulled exactly up to cursor_from and the server kept every record as sent, it holds them
  // all already: the next pull need not bring its own records back.
  if (!merged && !reply.cursor_from.empty() && !reply.cursor.empty()) {
    auto cursor = meta("pull_cursor");
    if (!cursor) return fail(cursor.error());
    if (*cursor == reply.cursor_from) {
      if (auto s = set_meta("pull_cursor", reply.cursor); !s) return fail(s.error());
      out.pull_cursor_advanced = true;
    }
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return out;
}

Status Store::dissolve_batch(const std::string& batch_id) {
  if (auto s = writable(); !s) return s;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  if (auto s = release_batch_rows(batch_id); !s) return s;
  return tx->commit();
}

Status Store::release_batch_rows(const std::string& batch_id) {
  auto merge_dups = db_.prepare(
      "DELETE FROM outbox WHERE batch_id = ?1 AND record_id IN (SELECT record_id FROM outbox WHERE batch_id IS NULL)");
  auto release = db_.prepare("UPDATE outbox SET batch_id = NULL, sent_version = NULL WHERE batch_id = ?1");
  auto done = db_.prepare("DELETE FROM outbox_batches WHERE batch_id = ?1");
  if (!merge_dups || !release || !done) return fail("db_error", "cannot prepare the batch release");
  if (auto s = merge_dups->bind(1, batch_id).run(); !s) return s;
  if (auto s = release->bind(1, batch_id).run(); !s) return s;
  return done->bind(1, batch_id).run();
}

Status Store::quarantine(const std::string& record_id, const std::string& reason) {
  if (auto s = writable(); !s) return s;
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto drop = db_.prepare("DELETE FROM outbox WHERE record_id = ?1 AND batch_id IS NULL");
  auto mark = db_.prepare(R"sql(
    UPDATE records SET
      sync_state = CASE WHEN EXISTS(SELECT 1 FROM outbox WHERE record_id = ?1) THEN 1 ELSE 2 END,
      sync_error = ?2
    WHERE id = ?1)sql");
  if (!drop || !mark) return fail("db_error", "cannot prepare the quarantine");
  if (auto s = drop->bind(1, record_id).run(); !s) return s;
  if (auto s = mark->bind(1, record_id).bind(2, reason.substr(0, 2000)).run(); !s) return s;
  return tx->commit();
}

}  // namespace ws::kiosk
