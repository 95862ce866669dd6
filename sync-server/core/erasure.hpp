#pragma once
// Erasure (GDPR art. 17) on the server: one case and every record that refers to it become
// erased tombstones (ws/erasure.hpp) in one transaction; the conflict log and the refused
// table lose their values for them; an erasure record (who, when, why, which ids) is kept; and
// the SQLite files are scrubbed (secure_delete is on for every connection, then a TRUNCATE
// checkpoint empties the WAL, whose old frames would still hold the values).
// Kiosks learn of it through the change feed. The same core serves the CLI and the HQ console.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "ws/envelope.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct ErasureRequest {
  std::string case_id;
  std::string reason;  // 1-500 characters; HQ's words, kept in the erasure record
  std::string by;      // who asked (an HQ user or the operator's login name)
};

struct Erasure {
  std::string id;
  std::string case_id;
  std::string centre;
  std::string reason;
  std::string by;
  std::int64_t at_ms = 0;
  std::vector<std::string> record_ids;  // the case first, then the records linked to it
  bool files_scrubbed = false;          // the WAL could be emptied right away (else at the next try)
};

// Errors: "invalid_request" (bad id or reason), "not_found" (no case with that id), database codes.
Result<Erasure> erase_case(Database& db, const ErasureRequest& request);
// Every erasure made, oldest first.
Result<std::vector<Erasure>> list_erasures(Database& db);
nlohmann::json to_json(const Erasure& erasure);

// Cases whose consent was withdrawn (a consent record with `withdrawn: true`) and that were not
// erased since: HQ's to-do list (`sync-server erase --pending`). Only ids, scope and times.
Result<nlohmann::json> pending_erasures(Database& db);

// Checkpoints the WAL into the database file and truncates it to zero bytes, waiting for
// readers up to `attempts` times. True when the WAL is empty.
Result<bool> scrub_wal(sql::Connection& db, int attempts = 200);

// What ingest asks before it stores a pushed record (under the write lock, one per batch):
// a record that was erased, or a new record linked to an erased case, is refused, so an edit
// made offline never brings the person back. The refusal keeps no payload.
class ErasureGuard {
 public:
  static Result<ErasureGuard> load(sql::Connection& db, const std::string& centre);
  // The refusal message, or empty when the record may be stored. `payload_text` is the pushed
  // payload's compact JSON; `marked` is carries_erased_marker(payload_text), which needs no
  // database, so ingest reads it on its checking threads rather than under the write lock.
  std::string refusal(const std::optional<Envelope>& stored, std::string_view payload_text, bool marked) const;

 private:
  std::vector<std::string> erased_cases_;
};
// True when a pushed payload's compact JSON carries the marker only HQ's erasure writes.
bool carries_erased_marker(std::string_view payload_text);
// True for a message ErasureGuard::refusal gave (such refusals are kept without payload).
bool is_erasure_refusal(const std::string& message);

}  // namespace ws::server
