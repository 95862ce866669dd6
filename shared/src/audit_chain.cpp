#include "ws/audit_chain.hpp"

#include <ctime>
#include <limits>
#include <map>

#include "ws/crypto.hpp"

namespace ws::audit {
namespace {

using nlohmann::json;

// Keys sorted (nlohmann's object is a std::map), no spaces: one text per value.
std::string canonical_details(const json& details) {
  return (details.is_object() ? details : json::object()).dump();
}

Entry read_entry(const sql::Statement& st) {
  return Entry{st.column_int(0),  st.column_int(1),  st.column_text(2), st.column_text(3),
               st.column_text(4), st.column_text(5), st.column_text(6), st.column_text(7)};
}

constexpr const char* kColumns = "seq, time_ms, actor, action, object_id, details, prev_hash, hash";

Result<Entry> append_in_transaction(sql::Connection& db, const Event& event, std::int64_t time_ms) {
  auto head = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!head) return fail(head.error());
  auto row = head->step();
  if (!row) return fail(row.error());
  Entry e{0, time_ms, event.actor, event.action, event.object_id, canonical_details(event.details), kGenesisHash, ""};
  if (*row) {
    e.seq = head->column_int(0);
    e.prev_hash = head->column_text(1);
  }
  ++e.seq;
  e.hash = entry_hash(e);
  auto ins = db.prepare(
      "INSERT INTO audit_log (seq, time_ms, actor, action, object_id, details, prev_hash, hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!ins) return fail(ins.error());
  ins->bind(1, e.seq).bind(2, e.time_ms).bind(3, e.actor).bind(4, e.action).bind(5, e.object_id);
  ins->bind(6, e.details).bind(7, e.prev_hash).bind(8, e.hash);
  if (auto s = ins->run(); !s) return fail(s.error());
  return e;
}

}  // namespace

std::string entry_hash(const Entry& e) {
  // BLAKE2b-256, the same digest device tokens use (crypto::token_digest).
  const json canonical = json::array({e.seq, e.time_ms, e.actor, e.action, e.object_id, e.details, e.prev_hash});
  return crypto::token_digest(canonical.dump());
}

Result<Entry> append(sql::Connection& db, const Event& event, std::int64_t time_ms) {
  if (sqlite3_get_autocommit(db.handle()) == 0) return append_in_transaction(db, event, time_ms);
  auto tx = sql::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto e = append_in_transaction(db, event, time_ms);
  if (!e) return e;
  if (auto s = tx->commit(); !s) return fail(s.error());
  return e;
}

Result<std::vector<Entry>> list(sql::Connection& db, std::optional<std::int64_t> since_ms) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM audit_log WHERE time_ms >= ? ORDER BY seq");
  if (!st) return fail(st.error());
  st->bind(1, since_ms.value_or(std::numeric_limits<std::int64_t>::min()));
  std::vector<Entry> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_entry(*st));
  }
  return out;
}

Result<Verdict> verify(sql::Connection& db) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq");
  if (!st) return fail(st.error());
  Verdict v;
  v.head_hash = kGenesisHash;
  auto bad = [&](std::int64_t seq, std::string problem) {
    v.ok = false;
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
    return v;
  };
  for (std::int64_t expected = 1;; ++expected) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const Entry e = read_entry(*st);
    if (e.seq != expected) {
      return bad(expected, "entry " + std::to_string(expected) + " is missing (the next one is " +
                               std::to_string(e.seq) + ")");
    }
    if (e.prev_hash != v.head_hash) {
      return bad(e.seq, "entry " + std::to_string(e.seq) + " does not follow entry " + std::to_string(e.seq - 1) +
                            " (removed, reordered or changed)");
    }
    if (entry_hash(e) != e.hash) return bad(e.seq, "entry " + std::to_string(e.seq) + " was changed");
    v.head_hash = e.hash;
    v.entries = e.seq;
  }
  return v;
}

Result<Verdict> check_anchor(sql::Connection& db, Verdict verdict, std::int64_t anchor_seq,
                             const std::string& anchor_hash) {
  if (!verdict.ok || anchor_seq == 0) return verdict;
  if (verdict.entries < anchor_seq) {
    verdict.ok = false;
    verdict.first_bad_seq = verdict.entries + 1;
    verdict.problem = "the log ends at entry " + std::to_string(verdict.entries) + " but the anchor holds entry " +
                      std::to_string(anchor_seq) + " (entries removed from the end)";
    return verdict;
  }
  auto st = db.prepare("SELECT hash FROM audit_log WHERE seq = ?");
  if (!st) return fail(st.error());
  st->bind(1, anchor_seq);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (*row && st->column_text(0) == anchor_hash) return verdict;
  verdict.ok = false;
  verdict.first_bad_seq = anchor_seq;
  verdict.problem = "entry " + std::to_string(anchor_seq) + " differs from the anchor's (the log was rewritten)";
  return verdict;
}

std::optional<std::int64_t> parse_since(const std::string& text, std::int64_t now_ms) {
  static const std::map<char, std::int64_t> units = {{'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}};
  if (text.size() >= 2 && text.size() <= 8 && units.count(text.back()) &&
      text.find_first_not_of("0123456789") == text.size() - 1) {
    return now_ms - std::stoll(text.substr(0, text.size() - 1)) * units.at(text.back());
  }
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end != '\0') {
    tm = std::tm{};
    end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  }
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

json to_json(const Entry& e) {
  json details = json::parse(e.details, nullptr, false);
  if (details.is_discarded()) details = e.details;
  return {{"seq", e.seq},         {"time_ms", e.time_ms}, {"actor", e.actor}, {"action", e.action},
          {"object_id", e.object_id}, {"details", details},   {"prev_hash", e.prev_hash}, {"hash", e.hash}};
}

json to_json(const Verdict& v) {
  json j = {{"ok", v.ok}, {"entries", v.entries}, {"head_hash", v.head_hash}};
  if (!v.ok) {
    j["first_bad_seq"] = v.first_bad_seq;
    j["problem"] = v.problem;
  }
  return j;
}

}  // namespace ws::audit
