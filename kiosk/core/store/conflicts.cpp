// The kiosk's conflict log: local edits a pull overwrote before they reached the server.
#include <algorithm>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "ws/merge.hpp"

namespace ws::kiosk {

Status Store::log_conflict(const LocalConflict& c) {
  auto st = db_.prepare(
      "INSERT INTO conflicts(record_id, field, lost_codec, lost_value, lost_version, won_version, at_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return fail(st.error());
  // Sealed to the vault: a pull runs with nobody signed in, yet the lost value is personal.
  const auto lost = vault::encode(*this, c.lost_value);
  if (!lost) return fail(lost.error());
  st->bind(1, c.record_id).bind(2, c.field).bind(3, lost->codec).bind_blob(4, lost->bytes);
  return st->bind(5, c.lost_version.to_string()).bind(6, c.won_version.to_string()).bind(7, c.at_ms).run();
}

Result<std::vector<LocalConflict>> Store::conflicts() {
  auto st = db_.prepare(
      "SELECT record_id, field, lost_codec, lost_value, lost_version, won_version, at_ms, seq, resolved_ms FROM conflicts "
      "ORDER BY seq");
  if (!st) return fail(st.error());
  std::vector<LocalConflict> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    LocalConflict c;
    c.record_id = st->column_text(0);
    c.field = st->column_text(1);
    auto value = vault::decode(*this, static_cast<int>(st->column_int(2)), st->column_blob(3));
    if (!value) return fail(value.error());
    c.lost_value = std::move(*value);
    auto lost = Version::parse(st->column_text(4));
    auto won = Version::parse(st->column_text(5));
    if (!lost || !won) return fail("db_error", "a conflict log entry holds an unreadable version");
    c.lost_version = *lost;
    c.won_version = *won;
    c.at_ms = st->column_int(6);
    c.seq = st->column_int(7);
    if (!st->is_null(8)) c.resolved_ms = st->column_int(8);
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::int64_t> Store::conflict_count() {
  auto st = db_.prepare("SELECT COUNT(*) FROM conflicts");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? st->column_int(0) : 0;
}

Status Store::restore_conflict(std::int64_t seq) {
  auto all = conflicts();
  if (!all) return fail(all.error());
  auto it = std::find_if(all->begin(), all->end(), [&](const LocalConflict& c) { return c.seq == seq; });
  if (it == all->end()) return fail("not_found", "no such conflict log entry");
  if (it->resolved_ms) return fail("resolved", "this conflict was already dealt with");
  auto record = get(it->record_id);
  if (!record) return fail(record.error());
  if (!*record) return fail("not_found", "the record of this conflict is not on this kiosk");
  // The edit first: should the kiosk stop in between, the value is back and the entry is
  // merely still shown, which is the safe side.
  auto edited = update(it->record_id, restore_patch((*record)->envelope.payload, it->field, it->lost_value));
  if (!edited) return fail(edited.error());
  auto st = db_.prepare("UPDATE conflicts SET resolved_ms = ?1 WHERE seq = ?2");
  if (!st) return fail(st.error());
  return st->bind(1, HlcClock::system_wall_ms()).bind(2, seq).run();
}

}  // namespace ws::kiosk
