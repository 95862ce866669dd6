#include "sync-server/core/feed.hpp"

#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/records.hpp"
#include "sync-server/core/stored_versions.hpp"
#include "ws/protocol.hpp"

namespace ws::server {
namespace {

Result<std::int64_t> parse_non_negative(const std::string& text, const char* name) {
  if (text.empty() || text.size() > 18) {
    return fail("invalid_request", std::string("'") + name + "' must be a non-negative integer");
  }
  std::int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fail("invalid_request", std::string("'") + name + "' must be a non-negative integer");
    n = n * 10 + (c - '0');
  }
  return n;
}

// The stored field versions (compact, or full in rows written before schema 12) as the
// client's protocol wants them: protocol 2 takes either as they are, protocol 1 the full form.
Result<std::string> versions_as_sent(std::string stored, const std::string& payload, const std::string& version,
                                     EnvelopeForm form) {
  if (form == EnvelopeForm::Compact) return stored;
  return full_versions_text(payload, stored, version);
}

struct Row {
  std::int64_t seq;
  std::string json;
};

// Up to `limit` rows of one scope after `since`, in sequence order, served by the
// (centre, seq) index without sorting the whole history.
Result<std::vector<Row>> scope_rows(sql::Connection& db, const std::string& centre, std::int64_t since, int limit,
                                    EnvelopeForm form) {
  auto st = db.prepare(std::string("SELECT ") + kRecordColumns +
                       " FROM records WHERE centre = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  if (!st) return fail(st.error());
  st->bind(1, centre).bind(2, since).bind(3, limit);
  std::vector<Row> rows;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    // Stored payloads and field versions are JSON text already: splice, do not parse and dump.
    const std::string id = st->column_text(0), kind = st->column_text(1), rec_centre = st->column_text(2),
                      version = st->column_text(3), payload = st->column_text(6);
    auto versions = versions_as_sent(st->column_text(7), payload, version, form);
    if (!versions) return fail(versions.error());
    rows.push_back({st->column_int(8), envelope_json({.id = id,
                                                      .kind = kind,
                                                      .centre = rec_centre,
                                                      .version = version,
                                                      .deleted = st->column_int(4) != 0,
                                                      .schema_version = static_cast<int>(st->column_int(5)),
                                                      .payload = payload,
                                                      .field_versions = *versions,
                                                      .base_version = std::nullopt,
                                                      .form = EnvelopeForm::Full})});
  }
  return rows;
}

}  // namespace

Result<PullQuery> parse_pull_query(const std::string* since, const std::string* limit) {
  PullQuery q;
  if (since) {
    auto n = parse_non_negative(*since, "since");
    if (!n) return fail(n.error());
    q.since = *n;
  }
  if (limit) {
    auto n = parse_non_negative(*limit, "limit");
    if (!n) return fail(n.error());
    if (*n < 1 || *n > protocol::kMaxPullLimit) {
      return fail("invalid_request", "'limit' must be between 1 and " + std::to_string(protocol::kMaxPullLimit));
    }
    q.limit = static_cast<int>(*n);
  }
  return q;
}

Result<std::string> pull(Database& db, const std::string& centre, const PullQuery& query,
                         std::int64_t* delivered, EnvelopeForm form) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  // One read transaction, so both scopes come from the same snapshot.
  auto tx = sql::Transaction::begin(**lease, sql::TxMode::Deferred);
  if (!tx) return fail(tx.error());
  // One row beyond the limit tells whether more follow.
  auto own = scope_rows(**lease, centre, query.since, query.limit + 1, form);
  if (!own) return fail(own.error());
  auto everyone = scope_rows(**lease, kAllCentres, query.since, query.limit + 1, form);
  if (!everyone) return fail(everyone.error());

  std::string records = "[";
  std::size_t taken = 0, bytes = 0;
  std::int64_t cursor = query.since;
  std::size_t a = 0, b = 0;
  bool more = false;
  while (a < own->size() || b < everyone->size()) {
    const bool from_own = b >= everyone->size() || (a < own->size() && (*own)[a].seq < (*everyone)[b].seq);
    const Row& row = from_own ? (*own)[a] : (*everyone)[b];
    if (taken == static_cast<std::size_t>(query.limit) || (taken > 0 && bytes + row.json.size() > kMaxPullPageBytes)) {
      more = true;
      break;
    }
    if (taken > 0) records += ',';
    records += row.json;
    bytes += row.json.size();
    cursor = row.seq;
    ++taken;
    (from_own ? a : b)++;
  }
  records += ']';
  if (delivered) *delivered = cursor;
  // The records are already JSON text; splice them rather than parse and dump them again.
  return std::string("{\"records\":") + records + ",\"cursor\":\"" + std::to_string(cursor) +
         "\",\"more\":" + (more ? "true" : "false") + "}";
}

}  // namespace ws::server
