#include "sync-server/core/authority.hpp"

#include <set>

#include "sync-server/core/records.hpp"
#include "sync-server/core/stored_versions.hpp"

namespace ws::server {
namespace {

// A key's version as the merge reads it: a row answer without its own entry counts as written
// with its field, a field without an entry with the record.
Version effective(const Envelope& e, const std::string& key) {
  if (auto it = e.field_versions.find(key); it != e.field_versions.end()) return it->second;
  const auto slash = key.find('/');
  if (slash != std::string::npos) return effective(e, key.substr(0, slash));
  return e.version;
}

void collect(const Envelope& e, std::set<Version>& out) {
  out.insert(e.version);
  for (const auto& [_, v] : e.field_versions) out.insert(v);
}

bool descends_from(const Envelope& incoming, const Envelope& held) {
  if (incoming.version < held.version) return false;
  for (const auto& [key, v] : held.field_versions) {
    if (effective(incoming, key) < v) return false;
  }
  return true;
}

std::string named(const Version& v) { return v.device == kServerDevice ? "the server" : "device '" + v.device + "'"; }

}  // namespace

bool kiosk_may_delete(const std::string& kind) {
  static const std::set<std::string> kinds = {"case", "intake", "counselling", "reintegration", "consent",
                                              "appointment"};
  return kinds.count(kind) > 0;
}

Result<RecordHistory> load_history(sql::Connection& db, Envelope current) {
  RecordHistory h{{std::move(current), 0}, {}};
  auto seq = db.prepare("SELECT seq FROM records WHERE id = ?1");
  if (!seq) return fail(seq.error());
  seq->bind(1, h.current.record.id);
  auto found = seq->step();
  if (!found) return fail(found.error());
  if (*found) h.current.seq = seq->column_int(0);
  auto st = db.prepare(
      "SELECT version, field_versions, seq, payload FROM record_history WHERE record_id = ?1 ORDER BY id");
  if (!st) return fail(st.error());
  st->bind(1, h.current.record.id);
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return h;
    auto version = Version::parse(st->column_text(0));
    if (!version) return fail("corrupt", "a record's history has a bad version");
    auto versions = parse_stored_versions(st->column_text(1));
    if (!versions) return fail(versions.error());
    // Stored compact: a field the old version held at its own version counts for descends_from.
    if (auto s = add_implied_versions(*versions, st->column_text(3), *version); !s) return fail(s.error());
    Envelope record;
    record.id = h.current.record.id;
    record.version = *version;
    record.field_versions = std::move(*versions);
    h.prior.push_back(KnownVersion{std::move(record), st->column_int(2)});
  }
}

std::string authorship_refusal(const Envelope& incoming, const RecordHistory* held, const std::string& device_id) {
  std::set<Version> known;
  if (held) {
    collect(held->current.record, known);
    for (const auto& p : held->prior) collect(p.record, known);
  }
  auto foreign = [&](const Version& v) { return v.device != device_id && known.count(v) == 0; };
  if (foreign(incoming.version)) {
    return "field 'version': names " + named(incoming.version) +
           ", not this device; a device may push only its own writes and versions the server already holds";
  }
  for (const auto& [key, v] : incoming.field_versions) {
    if (foreign(v)) {
      return "field 'field_versions." + key + "': names " + named(v) +
             ", not this device; a device may push only its own writes and versions the server already holds";
    }
  }
  return "";
}

std::string tombstone_refusal(const Envelope& incoming, const Envelope* stored) {
  if (!incoming.deleted || (stored && stored->deleted)) return "";
  if (kiosk_may_delete(incoming.kind)) return "";
  return "field 'deleted': a device may not delete a '" + incoming.kind + "' record";
}

std::string account_refusal(const Envelope& incoming, const Envelope* stored, bool changes,
                            bool centre_has_device_account) {
  if (stored) {
    if (!changes) return "";  // a resend of what the server holds
    return "field 'id': names an existing counsellor account; accounts are changed only by HQ";
  }
  if (incoming.deleted) return "field 'deleted': a device may not delete a counsellor account";
  if (centre_has_device_account) {
    return "kind 'counsellor': this centre's first account was already made on a kiosk; "
           "HQ adds further accounts (sync-server counsellor-add)";
  }
  return "";
}

std::optional<Version> seen_version(const Envelope& incoming, const RecordHistory& held, const std::string& device_id,
                                    std::int64_t pulled_seq) {
  auto seen = [&](const KnownVersion& h) {
    const bool delivered = h.seq <= pulled_seq || h.record.version.device == device_id;
    return delivered && descends_from(incoming, h.record);
  };
  if (seen(held.current)) return held.current.record.version;
  for (auto it = held.prior.rbegin(); it != held.prior.rend(); ++it) {
    if (seen(*it)) return it->record.version;
  }
  return std::nullopt;
}

Result<std::int64_t> pulled_seq(sql::Connection& db, const std::string& device_id) {
  auto st = db.prepare("SELECT pulled_seq FROM devices WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, device_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? st->column_int(0) : std::int64_t{0};
}

Status remember_pulled(Database& db, const std::string& device_id, std::int64_t delivered) {
  {
    // A pull that delivered nothing new takes no write lock.
    auto lease = db.acquire();
    if (!lease) return fail(lease.error());
    auto kept = pulled_seq(**lease, device_id);
    if (!kept) return fail(kept.error());
    if (*kept >= delivered) return ok();
  }
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto st = w->conn().prepare("UPDATE devices SET pulled_seq = ?1 WHERE id = ?2 AND pulled_seq < ?1");
  if (!st) return fail(st.error());
  if (auto s = st->bind(1, delivered).bind(2, device_id).run(); !s) return s;
  return w->commit();
}

Result<bool> centre_has_device_account(sql::Connection& db, const std::string& centre) {
  auto st = db.prepare("SELECT 1 FROM centre_setup WHERE centre = ?1");
  if (!st) return fail(st.error());
  st->bind(1, centre);
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row;
}

Status record_centre_setup(sql::Connection& db, const Envelope& account, const std::string& device_id) {
  auto st = db.prepare(
      "INSERT INTO centre_setup (centre, device_id, record_id, created_at_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return fail(st.error());
  return st->bind(1, account.centre).bind(2, device_id).bind(3, account.id).bind(4, unix_ms_now()).run();
}

}  // namespace ws::server
