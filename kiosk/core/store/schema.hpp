#pragma once
// Versioned schema migrations for kiosk.db, tracked in PRAGMA user_version. Each step runs in
// its own transaction, so a crash mid-migration leaves the previous version intact.
#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk::schema {

// 1: meta, records, outbox, batches.  2: drafts.  3: search text for listings.
// 4: outbox index by record (acknowledgements in O(batch), not O(batch x outbox)).
// 5: login_guard (wrong-PIN counts and lockouts that survive a restart).
// 6: conflicts (local edits a pull replaced).  7: conflicts.resolved_ms.
// 8: vault and vault_copies (encryption at rest, vault.hpp).  9: audit_log.
// 13: sealed batches' bodies made again from their rows' items (outbox_frozen_items).
// 15: page_keys, pull_inbox.codec (a locked vault's pull, one key per page).
// 16: record_sync (sync state, base version and server error out of the record rows).
// 17: outbox_batches.first_seq/last_seq; the outbox's index on batch_id dropped.
// 18: outbox_items (the rows' sealed items out of the outbox rows).
// 19: outbox_items without the foreign-key cascade (deleted with their rows by one statement).
// 20: pending told by the outbox; record_sync.sync_state keeps refusals only (index record_sync_refused).
// 21: outbox.batch (the batch's integer key, outbox_batches.id) for batch_id; no sent_version
//     (outbox_frozen_items keeps a frozen row's version where its copy does not tell it).
// 22: no unique index outbox_one_unbatched; the writers keep one unsent row per record (unsent_row.hpp).
inline constexpr int kSyncSideTable = 16;
inline constexpr int kOutboxBatchRanges = 17;
inline constexpr int kOutboxItems = 18;
inline constexpr int kOutboxItemsUnlinked = 19;
inline constexpr int kPendingFromOutbox = 20;
inline constexpr int kOutboxBatchKeys = 21;
inline constexpr int kUnsentRowsUnindexed = 22;
inline constexpr int kLatest = 22;

Result<int> current_version(sql::Connection& db);
// Brings the database up to `target` (never down). A database newer than this program is
// refused, so an old kiosk build never damages data written by a newer one.
Status migrate(sql::Connection& db, int target = kLatest);

}  // namespace ws::kiosk::schema
