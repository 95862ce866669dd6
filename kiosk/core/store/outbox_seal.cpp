// Each outbox row's own copy of its envelope, sealed to the server's key when the row is queued
// (ws/push_seal.hpp "sealed items"): the plaintext is at hand then, so freezing a batch later
// concatenates sealed items and never reads the records, which a locked vault keeps closed.
//
// The rule every writer keeps: an unsent row's copy, when it has one, is the record's current
// envelope sealed to the server key in `meta` for this kiosk's device id. Rows without a copy
// (no key known yet, or the key or device changed while the records could not be read) are
// sealed at freeze time, or by seal_waiting_outbox(), once the record can be read.
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/unsent_row.hpp"
#include "ws/push_seal.hpp"

namespace ws::kiosk {
namespace {

// The envelope as the outbox sends it: the same text row::envelope_json_text splices from the
// stored columns (the payload as the store encodes it, field versions in compact form).
std::string envelope_text(const Envelope& e) {
  const std::string payload = e.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string field_versions = field_versions_json(e.field_versions);
  const std::string version = e.version.to_string();
  std::optional<std::string> base;
  if (e.base_version) base = e.base_version->to_string();
  return envelope_json({.id = e.id,
                        .kind = e.kind,
                        .centre = e.centre,
                        .version = version,
                        .deleted = e.deleted,
                        .schema_version = e.schema_version,
                        .payload = payload,
                        .field_versions = field_versions,
                        .base_version = base ? std::optional<std::string_view>(*base) : std::nullopt});
}

// The first column of every row `sql` selects.
Result<std::vector<std::string>> first_column(sql::Connection& db, const char* sql) {
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  return st->collect_column();
}

}  // namespace

Result<std::optional<SealedCopy>> Store::seal_copy(std::string_view text, const std::string& version) {
  auto key = server_seal_key();
  if (!key) return fail(key.error());
  if (key->empty()) return std::optional<SealedCopy>();  // no key yet: sealed when it arrives
  auto device = meta("device_id");
  if (!device) return fail(device.error());
  auto item = push_seal::seal_item(*key, *device, text);
  if (!item) return fail(item.error());
  return std::optional<SealedCopy>(SealedCopy{std::move(*item), version, text.size()});
}

Status Store::enqueue(const Envelope& e) {
  auto copy = seal_copy(envelope_text(e), e.version.to_string());
  if (!copy) return fail(copy.error());
  // One unsent row per record (unsent_row.hpp): a record edited five times offline is sent
  // once, with all five edits; the row keeps its place in the queue and takes the newest copy.
  auto seq = queued_row(e.id);
  if (!seq) return fail(seq.error());
  return set_row_copy(*seq, *copy);
}

Status Store::set_row_copy(std::int64_t seq, const std::optional<SealedCopy>& copy) {
  // The version first: a frozen row's trigger (schema 18) keeps the item it was frozen with
  // before the item below replaces or drops it.
  auto version = db_.prepare("UPDATE outbox SET sealed_version = ?2, sealed_size = ?3 WHERE seq = ?1");
  auto keep = db_.prepare(
      "INSERT INTO outbox_items(seq, item) VALUES(?1, ?2) ON CONFLICT(seq) DO UPDATE SET item = excluded.item");
  auto drop = db_.prepare("DELETE FROM outbox_items WHERE seq = ?1");
  if (!version || !keep || !drop) return fail("db_error", "cannot prepare keeping an outbox row's copy");
  version->bind(1, seq);
  if (!copy) {
    if (auto s = version->bind_null(2).bind_null(3).run(); !s) return s;
    return drop->bind(1, seq).run();
  }
  if (auto s = version->bind(2, copy->version).bind(3, static_cast<std::int64_t>(copy->plain_size)).run(); !s) return s;
  return keep->bind(1, seq).bind_blob(2, copy->item).run();
}

Status Store::enqueue(const std::string& record_id) {
  auto current = get(record_id);
  if (current && *current && !(*current)->payload_locked) return enqueue((*current)->envelope);
  if (!current) return fail(current.error());
  // Unreadable while the vault is locked: queued without a copy, sealed once it can be read.
  auto seq = queued_row(record_id);
  if (!seq) return fail(seq.error());
  return ok();
}

Result<std::int64_t> Store::queued_row(const std::string& record_id) {
  auto unsent = unsent::row_of(db_, record_id);
  if (!unsent) return fail(unsent.error());
  if (*unsent) return **unsent;
  auto insert = db_.prepare("INSERT INTO outbox(record_id, enqueued_ms) VALUES(?1, ?2)");
  if (!insert) return fail(insert.error());
  if (auto s = insert->bind(1, record_id).bind(2, HlcClock::system_wall_ms()).run(); !s) return fail(s.error());
  return db_.last_insert_rowid();
}

Status Store::reseal_queued(const Envelope& e) {
  auto queued = db_.prepare("SELECT 1 FROM outbox WHERE record_id = ?1 LIMIT 1");
  if (!queued) return fail(queued.error());
  queued->bind(1, e.id);
  auto row = queued->step();
  if (!row) return fail(row.error());
  if (!*row) return ok();
  auto copy = seal_copy(envelope_text(e), e.version.to_string());
  if (!copy) return fail(copy.error());
  // Frozen rows too: their batch body stays as it was sent, but if the batch is ever dissolved
  // the rows go back to the queue carrying the record's current state, as a fresh batch would.
  auto rows = db_.prepare("SELECT seq FROM outbox WHERE record_id = ?1");
  if (!rows) return fail(rows.error());
  auto seqs = rows->bind(1, e.id).collect_column();
  if (!seqs) return fail(seqs.error());
  for (const auto& seq : *seqs)
    if (auto s = set_row_copy(std::stoll(seq), *copy); !s) return s;
  return ok();
}

Status Store::forget_sealed_copies() {
  auto frozen = first_column(db_, "SELECT batch_id FROM outbox_batches");
  if (!frozen) return fail(frozen.error());
  for (const auto& b : *frozen)
    if (auto s = release_batch_rows(b); !s) return s;
  // No batch is frozen any more, so no trigger has an item to keep.
  if (auto s = db_.exec("UPDATE outbox SET sealed_version = NULL, sealed_size = NULL; DELETE FROM outbox_items"); !s) return s;
  auto sealed = seal_waiting();
  if (!sealed) return fail(sealed.error());
  return ok();
}

Result<std::size_t> Store::seal_waiting() {
  auto ids = first_column(db_, "SELECT record_id FROM outbox WHERE batch IS NULL AND sealed_version IS NULL ORDER BY seq");
  if (!ids) return fail(ids.error());
  std::size_t sealed = 0;
  for (const auto& id : *ids) {
    auto current = get(id);
    if (!current) return fail(current.error());
    if (!*current || (*current)->payload_locked) continue;  // locked: waits for the next unlock
    if (auto s = reseal_queued((*current)->envelope); !s) return fail(s.error());
    ++sealed;
  }
  return sealed;
}

Result<std::size_t> Store::seal_waiting_outbox() {
  if (auto s = writable(); !s) return fail(s.error());
  auto key = server_seal_key();
  if (!key) return fail(key.error());
  if (key->empty()) return std::size_t{0};
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto sealed = seal_waiting();
  if (!sealed) return sealed;
  if (auto s = tx->commit(); !s) return fail(s.error());
  return sealed;
}

}  // namespace ws::kiosk
