#pragma once
// Test helpers for the kiosk unit tests: temp folders and stores. Tests that sync use the real
// server in process (tests/unit/kiosk/test_server.hpp).
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/store/store.hpp"
#include "tests/support/records.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/sealing.hpp"

namespace ws::kiosk::test {

using ws::test::TempDir;

// A store in `dir` holding an identity whose server URL ("fake://server") no transport accepts.
std::unique_ptr<Store> enrolled_store(const std::string& dir, const std::string& device = "dev-a",
                                      const std::string& centre = "OSLO", const std::string& token = "tok-a");

// The first column of the first row of `sql` (a COUNT(*)); throws when there is none.
std::int64_t count(sql::Connection& db, const std::string& sql);

// The first column of the first row of `sql`, `?1` bound to `bound`, as text; throws when there is
// no row.
std::string text(sql::Connection& db, const std::string& sql, const std::string& bound);

// Every table's columns, and every index's and trigger's SQL without its spacing: what a
// folder's schema version means, however the folder came to it.
std::string layout(sql::Connection& db);
// layout() of a new database migrated up to schema `version`.
std::string layout_of_schema(int version);

// The next batch (frozen now, or the oldest frozen one not in `in_flight`); fails the test when
// there is none.
OutboxBatch freeze(Store& store, std::size_t max_records, const InFlight& in_flight = {});
// Acknowledges `b` as the server keeping every record of it as sent.
void acknowledge(Store& store, const OutboxBatch& b);
// A record's version, and the version the kiosk knows the server holds ('-' for none).
std::string version(Store& store, const std::string& id);
std::string base_version(Store& store, const std::string& id);

// Every outbox row: its record, batch, version sent, copy and item, one line each. `batch_sql`
// and `sent_sql` say the batch's text id and the version sent in the folder's schema (over `o`).
std::string outbox_rows(sql::Connection& db, const std::string& batch_sql, const std::string& sent_sql);
// The versions of the records a batch body carries, in order: sealed to `server` for `device`,
// or plain when `server` is null.
std::vector<std::string> versions_sent(const std::string& body, const seal::KeyPair* server, const std::string& device);

// Takes a store's outbox back to its shape of schema 21: the unique partial index that kept
// one unsent row per record (the folder must hold at most one, as schema 21's writers kept).
void unsent_index_restored(sql::Connection& db);

// Takes a store's outbox back to its shape of schema 20: rows marked with their batch's text id
// (`batch_id`) and the version they were sent with (`sent_version`); outbox_batches keyed by the
// text id alone; outbox_frozen_items(seq, item) holding replaced copies only. The outbox table is
// made again in schema 20's column order, so the folder's layout is that of a schema-20 kiosk.
void batch_keys_undone(sql::Connection& db);

// The frozen-item trigger of schemas 18 to 20, as folders of those versions hold it.
inline constexpr const char* kKeepFrozenItemSchema18 =
    "CREATE TRIGGER outbox_keep_frozen_item BEFORE UPDATE OF sealed_version ON outbox WHEN OLD.batch_id IS NOT NULL "
    "BEGIN INSERT OR IGNORE INTO outbox_frozen_items(seq, item) SELECT seq, item FROM outbox_items WHERE seq = OLD.seq; END;\n";

// A frozen outbox row `o`'s batch text id and the version it was sent with, as SQL over the
// latest schema (NULL for an unsent row).
inline constexpr const char* kRowBatchId = "(SELECT b.batch_id FROM outbox_batches b WHERE b.id = o.batch)";
inline constexpr const char* kRowSentVersion =
    "(CASE WHEN o.batch IS NOT NULL THEN COALESCE((SELECT f.version FROM outbox_frozen_items f WHERE f.seq = o.seq), "
    "o.sealed_version) END)";

// Takes a store's outbox back to its shape before schema 18: each row's sealed item inside the
// row (`sealed`), kept by the trigger of schema 13 when a frozen row's copy changes.
void outbox_items_undone(sql::Connection& db);

// Answers the shipped intake form accepts.
inline nlohmann::json intake_payload(int n) { return ws::test::intake_answers(n); }

}  // namespace ws::kiosk::test
