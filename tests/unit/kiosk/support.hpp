#pragma once
// Test helpers for the kiosk unit tests: temp folders and stores. Tests that sync use the real
// server in process (tests/unit/kiosk/test_server.hpp).
#include <memory>
#include <string>

#include "kiosk/core/store/store.hpp"
#include "tests/support/records.hpp"
#include "tests/support/temp_dir.hpp"

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
