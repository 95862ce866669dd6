#pragma once
// "At most one unsent outbox row (batch IS NULL) per record": a record edited five times offline
// is sent once, with all five edits. Until schema 22 a unique partial index on the outbox kept
// the rule; each freeze deleted one entry of it per row (~3,200 instructions a record, and the
// pages it dirtied). Now the writers that queue a row keep it themselves, by a probe of
// outbox_by_record (enqueue, outbox_seal.cpp; a released batch and a reply that left a record
// out, outbox.cpp), and the open of the connection that freezes batches merges what a damaged
// folder could hold (StoreOptions::merge_unsent_duplicates).
#include <cstdint>
#include <optional>
#include <string>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk::unsent {

// The oldest unsent row of `record_id` (its seq), if it has one: one look-up of outbox_by_record.
Result<std::optional<std::int64_t>> row_of(sql::Connection& db, const std::string& record_id);

// A folder with two or more unsent rows of one record (no writer makes one, and older schemas had
// the unique index; only a damaged folder could) keeps the oldest, so the record keeps its place
// in the queue, without its copy: the freeze seals it from the record, which is the newest
// version, as it does a row queued before the server's key was known. The others go with their
// items. Inside one transaction; writes nothing when every record has at most one unsent row.
Status merge_duplicates(sql::Connection& db);

}  // namespace ws::kiosk::unsent
