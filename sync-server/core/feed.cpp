#include "sync-server/core/feed.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sync-server/core/records.hpp"
#include "sync-server/core/stored_versions.hpp"
#include "ws/envelope_append.hpp"
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

// One scope's rows after `since`, in sequence order, served by the (centre, seq) index without
// sorting the whole history; read one row at a time, so the page is written from SQLite's
// row straight into the reply.
class ScopeRows {
 public:
  static Result<ScopeRows> open(sql::Connection& db, const std::string& centre, std::int64_t since, int limit) {
    auto st = db.prepare(std::string("SELECT ") + kRecordColumns +
                         " FROM records WHERE centre = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    if (!st) return fail(st.error());
    st->bind(1, centre).bind(2, since).bind(3, limit);
    ScopeRows rows(std::move(*st));
    if (auto s = rows.advance(); !s) return fail(s.error());
    return rows;
  }

  bool has_row() const { return has_row_; }
  std::int64_t seq() const { return seq_; }
  Status advance() {
    auto row = st_.step();
    if (!row) return fail(row.error());
    has_row_ = *row;
    if (has_row_) seq_ = st_.column_int(8);
    return ok();
  }
  // The current row's envelope appended to `out`.
  Status append_to(std::string& out, EnvelopeForm form) const {
    // Stored payloads and field versions are JSON text already: splice, do not parse and dump.
    const std::string id = st_.column_text(0), kind = st_.column_text(1), centre = st_.column_text(2),
                      version = st_.column_text(3), payload = st_.column_text(6);
    auto versions = versions_as_sent(st_.column_text(7), payload, version, form);
    if (!versions) return fail(versions.error());
    append_envelope_json(out, {.id = id,
                               .kind = kind,
                               .centre = centre,
                               .version = version,
                               .deleted = st_.column_int(4) != 0,
                               .schema_version = static_cast<int>(st_.column_int(5)),
                               .payload = payload,
                               .field_versions = *versions,
                               .base_version = std::nullopt,
                               .form = EnvelopeForm::Full});
    return ok();
  }

 private:
  explicit ScopeRows(sql::Statement st) : st_(std::move(st)) {}
  sql::Statement st_;
  bool has_row_ = false;
  std::int64_t seq_ = 0;
};

// Room for a page of `limit` records at about what an intake takes, so the reply is not copied
// each time it doubles.
std::size_t page_reserve(int limit) {
  return std::min<std::size_t>(kMaxPullPageBytes, static_cast<std::size_t>(limit) * 2560) + 256;
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
    if (*n < 1 || *n > kMaxPullLimit) {
      return fail("invalid_request", "'limit' must be between 1 and " + std::to_string(kMaxPullLimit));
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
  auto own = ScopeRows::open(**lease, centre, query.since, query.limit + 1);
  if (!own) return fail(own.error());
  auto everyone = ScopeRows::open(**lease, kAllCentres, query.since, query.limit + 1);
  if (!everyone) return fail(everyone.error());

  // The records are written as they are read (already JSON text) into the reply itself.
  std::string page;
  page.reserve(page_reserve(query.limit));
  page += "{\"records\":[";
  const std::size_t records_start = page.size();
  std::size_t taken = 0;
  std::int64_t cursor = query.since;
  bool more = false;
  while (own->has_row() || everyone->has_row()) {
    const bool from_own = !everyone->has_row() || (own->has_row() && own->seq() < everyone->seq());
    ScopeRows& rows = from_own ? *own : *everyone;
    if (taken == static_cast<std::size_t>(query.limit)) {
      more = true;
      break;
    }
    const std::size_t before = page.size();
    if (taken > 0) page += ',';
    if (auto s = rows.append_to(page, form); !s) return fail(s.error());
    if (taken > 0 && page.size() - records_start > kMaxPullPageBytes) {
      page.resize(before);  // this one starts the next page
      more = true;
      break;
    }
    cursor = rows.seq();
    ++taken;
    if (auto s = rows.advance(); !s) return fail(s.error());
  }
  if (delivered) *delivered = cursor;
  page += "],\"cursor\":\"" + std::to_string(cursor) + "\",\"more\":" + (more ? "true" : "false") + "}";
  return page;
}

}  // namespace ws::server
