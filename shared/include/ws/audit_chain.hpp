#pragma once
// The audit log of the kiosk and of the server: an append-only, hash-chained SQLite table.
// Each entry's hash is BLAKE2b over its canonical form and the previous entry's hash, so a
// changed, removed or reordered entry breaks the chain from that point on; triggers refuse
// UPDATE and DELETE, which stops casual edits (anyone with the file can drop them: the chain
// is what detects it). Entries name ids and actions, never personal values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::audit {

// The table and its triggers; both schemas apply it as one migration of their own.
inline constexpr const char* kSchemaSql = R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_id TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// The hash the first entry chains to.
inline constexpr const char* kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

// What happened. `details` holds counts, codes, kinds and ids only: never a name, an answer
// or a free text someone typed.
struct Event {
  std::string actor;      // "cli", "device:<id>", "counsellor:<id>", ...
  std::string action;     // "device.enrolled", "signin.failed", ...
  std::string object_id;  // what it happened to (may be empty)
  nlohmann::json details = nlohmann::json::object();
};

struct Entry {
  std::int64_t seq = 0;  // 1, 2, 3, ... with no gaps
  std::int64_t time_ms = 0;
  std::string actor;
  std::string action;
  std::string object_id;
  std::string details;  // canonical JSON text (keys sorted), as hashed
  std::string prev_hash;
  std::string hash;
};

// The entry's hash: BLAKE2b-256 (hex) of the canonical JSON array of its fields and prev_hash.
std::string entry_hash(const Entry& entry);

// Appends one entry after the current head. Joins the caller's transaction when there is one,
// else runs in its own immediate transaction (so two processes never fork the chain).
Result<Entry> append(sql::Connection& db, const Event& event, std::int64_t time_ms);

// Entries in chain order, those at or after `since_ms` when given.
Result<std::vector<Entry>> list(sql::Connection& db, std::optional<std::int64_t> since_ms = std::nullopt);

struct Verdict {
  bool ok = true;
  std::int64_t entries = 0;
  std::int64_t first_bad_seq = 0;  // 0 when ok; else the first entry that does not fit
  std::string problem;             // words for a person, when not ok
  std::string head_hash;           // the last good entry's hash (kGenesisHash when empty)
};

// Walks the chain from the start: sequence numbers without gaps, each prev_hash equal to the
// previous entry's hash, each hash recomputed. Reads only; any connection will do.
Result<Verdict> verify(sql::Connection& db);

// An anchor: a head (entry number and hash) kept somewhere else, such as a backup's log or,
// later, the head a kiosk sent the server. Given an intact chain (`verdict` from verify), the
// chain must still hold that entry with that hash: a shorter chain lost its tail, a different
// hash means the chain was rewritten from some point on. Returns the verdict, failed if not.
Result<Verdict> check_anchor(sql::Connection& db, Verdict verdict, std::int64_t anchor_seq,
                             const std::string& anchor_hash);

// `audit --since`: a duration back from `now_ms` ("90m", "24h", "7d") or a UTC date
// "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM:SSZ". Unix ms; nullopt when malformed.
std::optional<std::int64_t> parse_since(const std::string& text, std::int64_t now_ms);

nlohmann::json to_json(const Entry& entry);
nlohmann::json to_json(const Verdict& verdict);

}  // namespace ws::audit
