// Recovery from a clock that ran ahead. The server refuses any stamp more than its skew window
// (HlcClock::kMaxForwardDriftMs) ahead of its own time, so a stamp beyond that window has never
// been accepted by the server, nor pulled by any other kiosk: only this kiosk holds it. Such
// versions may be replaced by new, corrected ones, and the clock may move back, without
// breaking the HLC's promise to everyone else (every stamp they have seen from this kiosk is
// older than every stamp it issues from now on). Re-stamping in the original order keeps this
// kiosk's own edits in the order they were made.
#include <algorithm>
#include <limits>
#include <set>

#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {
namespace {

Result<std::vector<StoredRecord>> records_after(sql::Connection& db, const std::string& data_dir, const std::string& limit) {
  auto st = db.prepare("SELECT " + row::kSelect + " WHERE version > ?1 ORDER BY version");
  if (!st) return fail(st.error());
  st->bind(1, limit);
  std::vector<StoredRecord> out;
  for (;;) {
    auto step = st->step();
    if (!step) return fail(step.error());
    if (!*step) return out;
    auto r = row::read_record(*st, data_dir);
    if (!r) return fail(r.error());
    out.push_back(std::move(*r));
  }
}

// The newest stamp that stays: what the server accepted or this kiosk pulled.
Result<Hlc> newest_kept(sql::Connection& db, const std::string& limit) {
  auto st = db.prepare("SELECT MAX(version) FROM records WHERE version <= ?1");
  if (!st) return fail(st.error());
  st->bind(1, limit);
  auto step = st->step();
  if (!step) return fail(step.error());
  if (!*step || st->column_text(0).empty()) return Hlc{};
  auto v = Version::parse(st->column_text(0));
  if (!v) return fail(v.error());
  return v->hlc;
}

}  // namespace

Result<std::size_t> Store::recover_future_stamps() {
  if (!clock_measured_) return std::size_t{0};  // a stored offset may be stale: judge by a fresh one only
  const std::int64_t server_now = HlcClock::system_wall_ms() + clock_.offset_ms();
  const std::string limit = Hlc{server_now + HlcClock::kMaxForwardDriftMs, std::numeric_limits<std::uint32_t>::max()}.to_string();
  auto beyond_window = [&]() -> Result<bool> {
    auto stored_clock = meta("hlc");
    if (!stored_clock) return fail(stored_clock.error());
    return !stored_clock->empty() && *stored_clock > limit;
  };
  // Every round asks; nearly always the answer is no, found without the write lock (so a
  // read-only or full data folder still syncs).
  auto ahead_now = beyond_window();
  if (!ahead_now) return fail(ahead_now.error());
  if (!*ahead_now) return std::size_t{0};
  if (auto s = writable(); !s) return fail(s.error());
  auto me = identity();
  if (!me) return fail(me.error());
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto still_ahead = beyond_window();  // another connection may have recovered meanwhile
  if (!still_ahead) return fail(still_ahead.error());
  if (!*still_ahead) return std::size_t{0};

  auto ahead = records_after(db_, data_dir_, limit);
  if (!ahead) return fail(ahead.error());
  // A version the server acknowledged is held elsewhere: then the clock must not go back.
  if (std::any_of(ahead->begin(), ahead->end(), [](const StoredRecord& r) { return r.sync_state == SyncState::Sent; }))
    return std::size_t{0};
  // Re-stamping rewrites the records: with their data locked it waits for the next sign-in.
  if (std::any_of(ahead->begin(), ahead->end(), [](const StoredRecord& r) { return r.payload_locked; }))
    return std::size_t{0};
  auto kept = newest_kept(db_, limit);
  if (!kept) return fail(kept.error());
  // Frozen batches hold the old stamps in their bodies: they are made again.
  std::vector<std::string> ahead_ids;
  for (const auto& r : *ahead) ahead_ids.push_back(r.envelope.id);
  if (auto s = release_batches_of(ahead_ids); !s) return fail(s.error());

  clock_.rewind(*kept);
  for (auto& r : *ahead) {
    const Version fresh{clock_.now(), me->device_id};
    for (auto& [field, version] : r.envelope.field_versions)
      if (version.hlc.to_string() > limit) version = fresh;
    r.envelope.version = fresh;
    r.sync_state = SyncState::Pending;
    r.sync_error.clear();
    if (auto s = row::upsert(db_, data_dir_, r); !s) return fail(s.error());
    if (auto s = enqueue(r.envelope); !s) return fail(s.error());
  }
  if (auto s = set_meta("hlc", clock_.last().to_string()); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return ahead->size();
}

}  // namespace ws::kiosk
