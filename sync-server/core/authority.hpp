#pragma once
// What a device may write, decided by the server (ingest asks; nothing here touches HTTP).
//
// - A device writes only under its own name: every version it pushes (the record's and each
//   field's) either names the device or is one the server already holds for that record (the
//   stored version or one in its history), so a device relays what it received and never
//   authors as `server` or as another device.
// - Counsellor accounts belong to HQ. A device may create one account per centre, and only
//   while no device has made one there (a kiosk's first setup: its first admin); it may never
//   change or delete an existing account. HQ makes the others (`sync-server counsellor-add`).
// - A device may delete (tombstone) only its centre's case records (`kiosk_may_delete`);
//   never accounts, never what HQ publishes.
// - What the writer had seen is decided from the record's history, not from the base_version
//   the client claims: the newest version that the device wrote itself or that a pull had
//   delivered to it (its seq at or below the highest cursor a pull page answered the device
//   with), and that the pushed record descends from (every field at least as new).
#include <optional>
#include <string>
#include <vector>

#include "sync-server/core/database.hpp"
#include "ws/envelope.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

// Kinds a device may tombstone: a case and the records that belong to it.
bool kiosk_may_delete(const std::string& kind);

// One version the server holds of a record and its change sequence. Payloads of prior
// versions are not loaded: only versions matter here.
struct KnownVersion {
  Envelope record;
  std::int64_t seq = 0;
};
// A stored record and every version it had before (oldest first); what the server "holds".
struct RecordHistory {
  KnownVersion current;
  std::vector<KnownVersion> prior;
};

Result<RecordHistory> load_history(sql::Connection& db, Envelope current);

// Empty when `device_id` may write `incoming` over `held` (nullptr: a new id), else the reason
// the record is refused, naming the field. Accounts are checked by account_refusal.
std::string authorship_refusal(const Envelope& incoming, const RecordHistory* held, const std::string& device_id);
std::string tombstone_refusal(const Envelope& incoming, const Envelope* stored);

// For a `counsellor` record: `stored` is the existing account (nullptr when new); `changes` says
// whether the merge would change it; `centre_has_device_account` whether a device already made
// one in this centre.
std::string account_refusal(const Envelope& incoming, const Envelope* stored, bool changes,
                            bool centre_has_device_account);

// The newest held version `incoming` descends from (nullopt: it saw none of them, so every
// field the stored record changed since creation is a concurrent edit).
std::optional<Version> seen_version(const Envelope& incoming, const RecordHistory& held, const std::string& device_id,
                                    std::int64_t pulled_seq);

// How far a device's pulls have delivered its feed (the highest cursor a page answered it with).
Result<std::int64_t> pulled_seq(sql::Connection& db, const std::string& device_id);
Status remember_pulled(Database& db, const std::string& device_id, std::int64_t delivered);

// The centre's device-made account, if any (centre_setup); and recording the first one.
Result<bool> centre_has_device_account(sql::Connection& db, const std::string& centre);
Status record_centre_setup(sql::Connection& db, const Envelope& account, const std::string& device_id);

}  // namespace ws::server
