#pragma once
// What an attacker with the database file can do to an audit log: drop the triggers that
// refuse UPDATE and DELETE, then change, remove or reorder entries. Header-only, no doctest.
#include <stdexcept>
#include <string>

#include "ws/sqlite.hpp"

namespace ws::test {

inline void exec_or_throw(sql::Connection& db, const char* sql) {
  if (auto s = db.exec(sql); !s) throw std::runtime_error(s.error().message);
}

inline void drop_audit_triggers(sql::Connection& db) {
  exec_or_throw(db, "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;");
}

// Changes the action of entry `seq` (keeping its stored hash).
inline void tamper_change(sql::Connection& db, std::int64_t seq) {
  drop_audit_triggers(db);
  auto st = db.prepare("UPDATE audit_log SET action = action || '.x' WHERE seq = ?");
  if (!st || !st->bind(1, seq).run()) throw std::runtime_error("tamper_change failed");
}

inline void tamper_remove(sql::Connection& db, std::int64_t seq) {
  drop_audit_triggers(db);
  auto st = db.prepare("DELETE FROM audit_log WHERE seq = ?");
  if (!st || !st->bind(1, seq).run()) throw std::runtime_error("tamper_remove failed");
}

// Swaps entries `a` and `b` but keeps the numbering, as if they had been written the other
// way round.
inline void tamper_swap(sql::Connection& db, std::int64_t a, std::int64_t b) {
  drop_audit_triggers(db);
  auto st = db.prepare(
      "UPDATE audit_log SET seq = CASE seq WHEN ?1 THEN -?2 ELSE -?1 END WHERE seq IN (?1, ?2)");
  if (!st || !st->bind(1, a).bind(2, b).run()) throw std::runtime_error("tamper_swap failed");
  exec_or_throw(db, "UPDATE audit_log SET seq = -seq WHERE seq < 0");
}

}  // namespace ws::test
