#pragma once
// The kiosk's offline store: one SQLite file (DIR/kiosk.db, WAL) holding records as envelopes,
// the transactional outbox that feeds sync, the device identity, drafts and sync bookkeeping.
//
// Threading: a Store owns one SQLite connection and must be used by one thread at a time.
// Every thread that needs the data (UI, sync engine) opens its own Store on the same folder;
// SQLite's locking keeps them consistent. All methods return errors as values.
//
// Durability: every save, update and delete commits the record and its outbox row in one
// transaction with synchronous=FULL, so a record either exists and will be synced, or it
// does not exist at all.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/store/login_guard.hpp"
#include "kiosk/core/store/sync_status.hpp"
#include "ws/envelope.hpp"
#include "ws/hlc.hpp"
#include "ws/protocol.hpp"
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk {

// Where a record stands with the server.
enum class SyncState { Sent = 0, Pending = 1, Quarantined = 2 };
const char* to_string(SyncState s);

struct StoredRecord {
  Envelope envelope;
  SyncState sync_state = SyncState::Pending;
  std::string sync_error;         // the server's reason when quarantined
  std::int64_t updated_ms = 0;    // local wall time of the last local or pulled change
  // The payload is encrypted and the vault is locked: `envelope.payload` is an empty object and
  // only the metadata is real. Such a record cannot be written back (upsert refuses it).
  bool payload_locked = false;
};

// Who this kiosk is to the server; empty until `enroll`.
struct DeviceIdentity {
  std::string device_id;
  std::string token;
  std::string centre;
  std::string server_url;
  std::string server_pin{};    // "sha256:<hex>" of the server's certificate; empty: not pinned
  bool insecure_http = false;  // enrolled with --insecure: plain http to a non-loopback host
  bool enrolled() const { return !device_id.empty() && !token.empty() && !centre.empty(); }
};

struct ListQuery {
  std::string kind{};                  // required
  std::string text{};                  // case-insensitive substring of the record's text values
  std::optional<std::string> case_id{};  // only records linked to this case (payload `_case_id`)
  bool include_deleted = false;
  int limit = 100;                     // 1..10000
  int offset = 0;
};

// A local edit that a pulled, later edit of the same field replaced before the server had
// seen it. Kept here so it is never silently lost; the record itself follows the merge rule.
struct LocalConflict {
  std::string record_id;
  std::string field;
  nlohmann::json lost_value;  // null when the local side had removed the field
  Version lost_version;
  Version won_version;
  std::int64_t at_ms = 0;
  std::int64_t seq = 0;                      // the log entry's number (0 before it is logged)
  std::optional<std::int64_t> resolved_ms{};  // when a counsellor dealt with it
};

struct Draft {
  std::string counsellor;
  std::string key;
  nlohmann::json value;
  std::int64_t updated_ms = 0;
};

// A batch of outbox rows on its way to the server. Its body is frozen when it is made, so a
// retry sends byte-identical content under the same batch_id.
struct OutboxBatch {
  std::string batch_id;
  std::string body;           // the push request JSON
  std::size_t record_count = 0;
  std::vector<std::string> record_ids;
};

// An outbox row's own copy of its envelope, sealed to the server's key (ws/push_seal.hpp item).
struct SealedCopy {
  std::string item;             // as push_seal::seal_item made it
  std::string version;          // the record version inside
  std::size_t plain_size = 0;   // the envelope JSON's size, for the batch's byte limit
};

// One outbox row on its way into a frozen batch (outbox.cpp).
struct FrozenItem {
  std::int64_t seq = 0;
  // The record version sent, where the freeze writes it (a fresh copy, a plain batch); a row
  // sent with the copy it had keeps its version in sealed_version, so it is not read.
  std::string version;
  std::size_t offset = 0;  // the sealed item, or the envelope JSON when sent plain, in FrozenItems::bytes
  std::size_t length = 0;
  std::size_t size = 0;    // the envelope JSON's size
  bool fresh = false;      // sealed at freeze time: the row keeps the copy
};

// The rows a freeze takes, their items end to end in one buffer: a string of its own per item
// was an allocation and a free per record, a tenth of the freeze's time.
struct FrozenItems {
  std::string bytes;
  std::vector<FrozenItem> rows;
  std::string_view item(const FrozenItem& it) const { return std::string_view(bytes).substr(it.offset, it.length); }
};

struct BatchLimits {
  std::size_t max_records = 500;
  std::size_t max_bytes = 4 * 1024 * 1024;  // raw JSON, before gzip
};

// What acknowledging a batch did, for progress and messages.
struct AckOutcome {
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t requeued = 0;  // in the batch but absent from the reply: sent again later
  bool any_merged = false;   // the server merged some record with others' changes: a pull brings it
  bool pull_cursor_advanced = false;  // the batch's own changes need not be pulled back
};

// The batches on their way to the server right now, by batch_id: a freeze does not offer them
// again (the push keeps several in flight).
using InFlight = std::vector<std::string>;

// Acknowledging one batch and freezing the next in one transaction (Store::acknowledge_and_freeze).
struct AckAndNext {
  AckOutcome ack;
  std::optional<OutboxBatch> next;  // as next_batch() would give it
};

struct StoreOptions {
  bool read_only = false;   // open for reading only (also chosen automatically when the folder is,
                            // or when the disk is too full to open for writing)
  // Sync work: on a full disk, spend the space reserve (reserve.hpp) and retry once, so
  // records can leave the kiosk. Saves never spend it.
  bool use_reserve = false;
  // Test hook: cap the database at this many pages to simulate a full disk (0 = no cap).
  std::int64_t max_pages = 0;
  // The connection that freezes batches (the sync engine, `kiosk sync`): at open, merge the
  // unsent rows of one record a damaged folder may hold (unsent_row.hpp). Its scan of the
  // outbox's record index costs ~2,300 instructions a queued row, so sign-ins and other
  // commands, which never freeze, skip it.
  bool merge_unsent_duplicates = false;
};

class Store {
 public:
  // Creates DIR (0700) and DIR/kiosk.db (0600) when missing, applies schema migrations.
  // A folder that cannot be written is opened read-only so the kiosk keeps showing its data.
  static Result<std::unique_ptr<Store>> open(const std::string& data_dir, const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  bool read_only() const { return read_only_; }
  // Opened read-only because the disk was too full to open for writing.
  bool disk_full() const { return full_; }
  const std::string& data_dir() const { return data_dir_; }
  static std::string database_path(const std::string& data_dir);

  // --- device identity -------------------------------------------------------------------
  Result<DeviceIdentity> identity();
  Status set_identity(const DeviceIdentity& id);

  // --- records (UI and CLI) --------------------------------------------------------------
  // A new record of `kind` in this kiosk's centre; every field stamped with one fresh HLC
  // version. `case_id` (when given) is written to payload `_case_id`. Returns the new id.
  Result<std::string> save(const std::string& kind, nlohmann::json payload,
                           const std::optional<std::string>& case_id = std::nullopt, int schema_version = 1);
  // Many new records in one transaction (imports, benchmarks): all or none.
  struct NewRecord {
    std::string kind;
    nlohmann::json payload;
    int schema_version = 1;
  };
  Result<std::vector<std::string>> save_all(const std::vector<NewRecord>& records);
  // Partial update: only the top-level fields in `patch` change, each stamped with a new
  // version; a null value clears a field (kept as null so the clearing replicates).
  // Returns the record as stored. A patch that changes nothing writes nothing.
  Result<Envelope> update(const std::string& id, const nlohmann::json& patch);
  // Tombstone: kept and synced so the delete reaches every replica.
  Status remove(const std::string& id);

  Result<std::optional<StoredRecord>> get(const std::string& id);
  // Newest first (ids are UUIDv7, so creation order).
  Result<std::vector<StoredRecord>> list(const ListQuery& query);
  Result<std::vector<StoredRecord>> linked_to_case(const std::string& case_id);
  Result<std::vector<StoredRecord>> quarantined();
  Result<std::int64_t> pending_count();
  Result<std::int64_t> quarantined_count();

  // --- sequences (sequence.cpp): numbers this kiosk hands out, e.g. case numbers ------------
  // The next number of sequence `name`: one more than the last one handed out, and at least
  // `at_least`. Committed before it returns, so a number is never handed out twice, even across
  // restarts (a number abandoned with its form is not reused).
  Result<std::int64_t> next_in_sequence(const std::string& name, std::int64_t at_least = 1);

  // --- drafts: unsaved form input per counsellor, kept across the idle lock ---------------
  Status put_draft(const std::string& counsellor, const std::string& key, const nlohmann::json& value);
  Result<std::optional<Draft>> get_draft(const std::string& counsellor, const std::string& key);
  Result<std::vector<Draft>> drafts(const std::string& counsellor);
  Status delete_draft(const std::string& counsellor, const std::string& key);

  // --- login guard: wrong-PIN counts and lockouts per counsellor, kept across restarts ------
  // A counsellor without a row has a clean slate (LoginGuard{}).
  Result<LoginGuard> login_guard(const std::string& counsellor);
  // A clean slate deletes the row.
  Status set_login_guard(const std::string& counsellor, const LoginGuard& guard);

  // --- sync bookkeeping (used by the sync engine and `kiosk status`) -----------------------
  // The oldest unacknowledged batch if there is one (to resend as is), else a new batch of
  // the oldest outbox rows within `limits`; nullopt when the outbox is empty.
  // The batches in `in_flight` are on their way to the server right now and not offered again.
  Result<std::optional<OutboxBatch>> next_batch(const BatchLimits& limits, const InFlight& in_flight = {});
  // Applies the server's per-record verdicts in one transaction: accepted rows leave the
  // outbox, rejected records are quarantined with the server's message.
  Result<AckOutcome> acknowledge(const std::string& batch_id, const protocol::PushResponse& reply);
  // acknowledge() and then next_batch(limits, in_flight) in one transaction, so one commit (one
  // WAL fsync) where the two took two: the push acknowledges batch N while freezing the batch
  // after the ones in flight. Atomic: on failure neither happened.
  Result<AckAndNext> acknowledge_and_freeze(const std::string& batch_id, const protocol::PushResponse& reply,
                                            const BatchLimits& limits, const InFlight& in_flight);
  // A push freezes and acknowledges up to 1,000 rows per transaction, more pages than SQLite's
  // default cache (2 MB) holds: it would spill them to the WAL before the commit and read back
  // what it just wrote. On: a 16 MiB cache for this connection; off: the default again, and
  // the memory given back.
  Status set_bulk_cache(bool on);
  // Gives up a batch without verdicts (the server refused it whole): its rows go back to the
  // queue and a new batch_id will be used.
  Status dissolve_batch(const std::string& batch_id);
  // Quarantines one record with `reason` and takes it out of the outbox.
  Status quarantine(const std::string& record_id, const std::string& reason);
  // Puts a quarantined record back in the outbox unchanged, in one transaction (requeue.cpp):
  // for after the reason was fixed elsewhere. "not_found", "not_quarantined" otherwise.
  Status send_again(const std::string& record_id);
  // Every quarantined record; returns how many went back.
  Result<std::size_t> send_again_all();

  Result<std::string> pull_cursor();
  // Merges pulled records (per-field HLC merge) and stores `cursor` in the same transaction.
  // Returns how many records changed locally.
  // Records quarantined for a form version the page brings (HQ published it) go back to the
  // outbox in the same transaction: the server refused them for lacking that version.
  Result<std::size_t> apply_pull(const protocol::PullResponse& page);
  // The records of a pull page whose payload tree apply_pull reads before it knows whether it
  // holds them: tombstones (erasure) and forms (the requeue above). Others may come without a
  // tree (read_pull_page's `tree_wanted`): a new one is stored from its text, and one this kiosk
  // holds gets its tree from the text before the merge.
  static bool pull_reads_payload(const Envelope& e);
  // A sync round commits a transaction per batch or page, each crossing SQLite's 1,000-page
  // automatic checkpoint: nearly every commit would also copy the WAL back and fsync the
  // database, and copy again pages the next batch rewrites anyway. On: the automatic checkpoint
  // at 64 MiB of WAL instead (16,384 pages of 4 KiB: a bound on the WAL for a round of any size);
  // off: the default again, and one checkpoint of what the round left in the WAL.
  Status defer_checkpoints(bool on);

  // Pulled records that could not be merged while the vault was locked (pull_inbox.cpp) are
  // merged now, with the vault open (after sign-in, off the UI thread; apply_pull also does it
  // first). Returns how many records changed; 0 while locked.
  Result<std::size_t> merge_pull_inbox();
  Result<std::int64_t> pull_inbox_count();

  // --- server epoch (see docs/protocol.md "Epochs and restores") ---------------------------
  // The epoch of the server data this kiosk last synced with; empty before the first contact.
  Result<std::string> server_epoch();
  Status set_server_epoch(const std::string& epoch);
  // The server's X25519 public key (32 raw bytes) that outbox rows are sealed to
  // (ws/push_seal.hpp); empty until the enrolment or a reply named it. A new key (another
  // server, a reinstall) gives up the batches and copies sealed to the old one: their rows go
  // back to the queue and are sealed again from the records (now, or once they can be read).
  Result<std::string> server_seal_key();
  Status set_server_seal_key(const std::string& public_key);
  // Seals the queued rows that have no sealed copy yet (queued before the key was known, or
  // while the vault was locked) from their records; rows whose record cannot be read now are
  // left waiting. For after an unlock. Returns how many were sealed (outbox_seal.cpp).
  Result<std::size_t> seal_waiting_outbox();
  // The next pull starts from the beginning of the server's change feed.
  Status reset_pull_cursor();
  struct HeldRecord {
    std::string id;
    Version version;
  };
  // Up to `limit` records of this kiosk's centre (not HQ-published, not quarantined) whose latest
  // write is this kiosk's, ids greater than `after_id`, in id order: what to offer a server whose
  // epoch changed.
  Result<std::vector<HeldRecord>> held_records(const std::string& after_id, std::size_t limit);
  // Puts these records back in the outbox (one transaction; a record already queued stays
  // queued once). Returns how many were found.
  Result<std::size_t> requeue(const std::vector<std::string>& ids);

  // --- erasure and retention (erasure.cpp; docs/security.md "Erasure and retention") ---------
  // An erased tombstone in a pull (ws/erasure.hpp) replaces the local copy whole and removes the
  // record's values from the outbox, frozen batches, drafts and the conflict log (apply_pull).
  // Retention: the days a closed case is kept (the centre's settings record, else 30).
  Result<int> retention_days();
  // Removes every case closed (its `status` set to "closed") more than retention_days() before
  // `now_ms`, with its records, drafts and conflict entries, once the server has acknowledged
  // every version of them. Returns how many cases went. apply_retention() uses the corrected clock.
  Result<std::size_t> apply_retention_at(std::int64_t now_ms);
  Result<std::size_t> apply_retention();
  // Copies the WAL into the database and truncates it, so its old frames keep no removed value.
  // False when another connection's reader kept it (the next scrub empties it).
  Result<bool> scrub_wal();
  // scrub_wal(), and when a reader kept it from finishing, again at the next sync round.
  Status scrub_wal_soon() { return scrub_wal_now_or_later(true); }

  // Local edits pulls have overwritten, oldest first.
  Result<std::vector<LocalConflict>> conflicts();
  Result<std::int64_t> conflict_count();
  // Writes an entry's lost value back as a new local edit of its record (it syncs, and wins as
  // the newest write) and marks the entry resolved. Errors: "not_found", "resolved", and the
  // errors of update().
  Status restore_conflict(std::int64_t seq);

  // The persisted part of SyncStatus (counts, last success, last error).
  Result<SyncStatus> persisted_status();
  Status record_sync_success(std::int64_t when_ms);
  Status record_sync_error(const std::string& message);
  // A reply carried the server's time: measure the clock offset (server minus local time, at
  // the middle of the round trip) that later stamps are corrected by. Safe from any thread (it
  // touches no SQLite); returns the offset, which save_clock_offset persists for other
  // connections and restarts.
  std::int64_t use_server_time(std::int64_t server_ms, std::int64_t sent_local_ms, std::int64_t received_local_ms);
  Status save_clock_offset(std::int64_t offset_ms);
  std::optional<std::int64_t> clock_offset_ms();  // none before the first reply with the time
  // After the offset was measured: when this kiosk's clock ran so far ahead that its stamps are
  // beyond the server's skew window, the versions that never left the kiosk (pending and
  // refused records) are stamped again in their order with corrected time, refused ones go back
  // to the outbox, and the clock moves back. One transaction. Returns how many were re-stamped.
  Result<std::size_t> recover_future_stamps();

  // Low-level access for tests and migrations.
  sql::Connection& connection() { return db_; }

 private:
  Store() = default;
  Result<Version> stamp(const std::string& device);  // inside a write transaction
  // A stamp newer than `after` (the version being replaced), whatever the local clock says, so
  // an edit of a pulled record always wins over the version it edits.
  Result<Version> stamp_after(const std::string& device, const Hlc& after);
  Result<std::string> meta(const std::string& key);
  Status set_meta(const std::string& key, const std::string& value);
  // Queues the record with its envelope sealed to the server's key (outbox_seal.cpp), or
  // replaces the copy of its unsent row. Inside the caller's write transaction.
  Status enqueue(const Envelope& e);
  // The same for a record known by id: read and sealed when readable, else queued without a copy.
  Status enqueue(const std::string& record_id);
  // The record's unsent outbox row, made when it has none (unsent_row.hpp): its seq.
  Result<std::int64_t> queued_row(const std::string& record_id);
  // A queued record changed (a pull merged into it): its rows take the new sealed copy.
  Status reseal_queued(const Envelope& e);
  // The key or the device id changed: frozen batches are released and every copy is dropped,
  // then sealed again from the records that can be read (inside a write transaction).
  Status forget_sealed_copies();
  Result<std::size_t> seal_waiting();  // inside a write transaction
  // Outbox row `seq` takes `copy` as its own, or none (its item in outbox_items, schema 18).
  Status set_row_copy(std::int64_t seq, const std::optional<SealedCopy>& copy);
  // The envelope text sealed to the server's key; nullopt while no key is known.
  Result<std::optional<SealedCopy>> seal_copy(std::string_view text, const std::string& version);
  Status log_conflict(const LocalConflict& conflict);  // inside apply_pull's transaction
  Status writable() const;
  // The rows of a frozen batch go back to the queue (inside a write transaction).
  Status release_batch_rows(const std::string& batch_id);
  // Deletes the outbox rows matching `where` (a condition on outbox, parameters bound by `bind`)
  // and their items: the one way outbox rows are deleted, since outbox_items has no cascade
  // (schema 19). Inside a write transaction.
  Status drop_outbox_rows(const std::string& where, const std::function<void(sql::Statement&)>& bind);
  // Once a batch is acknowledged, sent back or released: drops what outbox_frozen_items kept for
  // those of its rows that are gone or no longer frozen.
  Status forget_frozen_items(const std::string& batch_id);
  // Every frozen batch holding one of the records goes back to the queue (inside a write
  // transaction): their bodies hold what the caller is about to change.
  Status release_batches_of(const std::vector<std::string>& record_ids);
  void load_clock_offset();  // another connection may have measured it since
  Status requeue_for_forms(const protocol::PullResponse& page);  // inside apply_pull's transaction
  Status requeue_one(const std::string& record_id);               // inside a write transaction
  // One pulled record merged into the local one (inside apply_pull's transaction); a local
  // record whose data is locked keeps the pulled one in the sealed inbox instead. True when the
  // record changed.
  Result<bool> merge_pulled(const Envelope& incoming, std::int64_t now_ms);
  // A pulled record this kiosk does not hold: stored as it came (inside apply_pull's transaction).
  Status insert_pulled(const Envelope& incoming, std::int64_t now_ms, const std::string* payload_json = nullptr);
  Status stash_pulled(const Envelope& incoming, std::int64_t now_ms);
  Result<std::size_t> merge_inbox(std::int64_t now_ms);  // inside a write transaction
  // Both inside a write transaction (erasure.cpp).
  Status apply_erased(const Envelope& tombstone, std::int64_t now_ms);
  // Removes these records' rows (all but `keep_row`), outbox rows, frozen batches, conflict
  // entries and drafts.
  Status forget_records(const std::set<std::string>& ids, const std::string& keep_row);
  // Scrubs the WAL when `needed` or when an earlier scrub was kept from finishing (meta flag).
  Status scrub_wal_now_or_later(bool needed);
  // Runs `attempt`; when it failed for want of space and this store may spend the reserve,
  // frees the reserve and runs it once more (each attempt is its own transaction).
  template <class F>
  auto retry_on_full(F&& attempt) -> decltype(attempt()) {
    auto first = attempt();
    if (!first && spend_reserve(first.error())) return attempt();
    return first;
  }
  bool spend_reserve(const Error& e);
  Result<std::optional<OutboxBatch>> next_batch_once(const BatchLimits& limits, const InFlight& in_flight);
  // next_batch's work inside the caller's write transaction.
  Result<std::optional<OutboxBatch>> freeze_next(const BatchLimits& limits, const InFlight& in_flight);
  // The oldest frozen batch not in `in_flight`, with its body as first sent.
  Result<std::optional<OutboxBatch>> frozen_batch(const InFlight& in_flight);
  // One unsent row as a batch item; nullopt when its record cannot be read now (it waits).
  // Its item goes to the end of `bytes`.
  Result<std::optional<FrozenItem>> freeze_item(const sql::Statement& row, sql::Statement& lookup, bool sealing,
                                                std::string& bytes);
  Status mark_frozen(const OutboxBatch& b, const FrozenItems& taken, bool sealing);
  Status mark_rows(std::int64_t batch, const std::vector<FrozenItem>& taken);
  Status mark_sealed_rows(std::int64_t batch, const std::vector<FrozenItem>& taken);
  Result<AckOutcome> acknowledge_once(const std::string& batch_id, const protocol::PushResponse& reply);
  // acknowledge's work inside the caller's write transaction.
  Result<AckOutcome> apply_verdicts(const std::string& batch_id, const protocol::PushResponse& reply);
  // Rows the reply rejects or leaves out, one by one; counts the accepted ones, left in place.
  // range_alone: the batch's range of keys holds none but its rows still there afterwards.
  struct SettledBatch {
    AckOutcome outcome;
    bool range_alone = false;
  };
  Result<SettledBatch> settle_exceptions(const std::string& batch_id, const protocol::PushResponse& reply);
  // Every row still in the batch was kept by the server: records updated and rows gone, set-wise.
  Status accept_batch_rows(const std::string& batch_id, bool range_alone);
  Result<std::size_t> apply_pull_once(const protocol::PullResponse& page);
  Result<std::string> insert_new(const DeviceIdentity& id, const std::string& kind, nlohmann::json payload,
                                 int schema_version);

  sql::Connection db_;
  HlcClock clock_;
  std::atomic<bool> clock_measured_{false};  // a reply told the server's time in this process
  std::string data_dir_;
  bool read_only_ = false;
  bool full_ = false;
  bool use_reserve_ = false;
};

// Turns a storage error into words a counsellor or operator can act on.
Error explain_storage_error(const Error& e, const std::string& action);

}  // namespace ws::kiosk
