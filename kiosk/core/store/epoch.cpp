// What a kiosk needs when the server's epoch changes (a restore): re-pull from the start and
// offer back every record the server may have lost.
#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {

Result<std::string> Store::server_epoch() { return meta("server_epoch"); }

Status Store::set_server_epoch(const std::string& epoch) {
  if (auto s = writable(); !s) return s;
  return set_meta("server_epoch", epoch);
}

Status Store::reset_pull_cursor() {
  if (auto s = writable(); !s) return s;
  return set_meta("pull_cursor", "");
}

Result<std::vector<Store::HeldRecord>> Store::held_records(const std::string& after_id, std::size_t limit) {
  auto me = identity();
  if (!me) return fail(me.error());
  auto st = db_.prepare(
      "SELECT id, version FROM records LEFT JOIN record_sync USING (id) WHERE centre = ?1 AND id > ?2 "
      "AND NOT IFNULL((" + row::quarantined() + "), 0) "
      "AND kind NOT IN ('form', 'content') AND substr(version, instr(version, '@') + 1) = ?4 "
      "ORDER BY id LIMIT ?3");
  if (!st) return fail(st.error());
  // Only the records whose latest write is this kiosk's: the server takes a version naming
  // another device only when it already holds it, so each writer offers back its own.
  st->bind(1, me->centre).bind(2, after_id).bind(3, static_cast<std::int64_t>(limit)).bind(4, me->device_id);
  std::vector<HeldRecord> out;
  while (true) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto version = Version::parse(st->column_text(1));
    if (!version) return fail(version.error());
    out.push_back(HeldRecord{st->column_text(0), *version});
  }
  return out;
}

Result<std::size_t> Store::requeue(const std::vector<std::string>& ids) {
  if (auto s = writable(); !s) return fail(s.error());
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  // Sent -> Pending (queued: row::pending); a quarantined record stays where a counsellor can see why.
  auto held = db_.prepare("SELECT 1 FROM record_sync WHERE id = ?1 AND NOT (" + row::quarantined() + ")");
  if (!held) return fail(held.error());
  std::size_t found = 0;
  for (const auto& id : ids) {
    // A pulled record has no sync row until its state leaves "synced at its own version".
    if (auto s = row::materialise_sync(db_, id); !s) return fail(s.error());
    held->reset();
    auto is_held = held->bind(1, id).step();
    if (!is_held) return fail(is_held.error());
    if (!*is_held) continue;
    if (auto s = enqueue(id); !s) return fail(s.error());
    ++found;
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return found;
}

}  // namespace ws::kiosk
