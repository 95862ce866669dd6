#pragma once
// GET /v1/pull: the change feed a device's centre may see (its centre's records plus what HQ
// published to every centre), in change-sequence order, each change once across pages.
#include <cstdint>
#include <string>

#include "sync-server/core/database.hpp"
#include "ws/envelope.hpp"
#include "ws/result.hpp"

namespace ws::server {

inline constexpr int kDefaultPullLimit = 500;
// The most records a page may ask for, announced on every pull reply (protocol::kPullLimitHeader).
// Fewer, larger pages mean fewer commits on the kiosk; an intake is ~1 KB compact, so a page of
// this many usually stays under kMaxPullPageBytes (which cuts it otherwise).
inline constexpr int kMaxPullLimit = 5000;
// A page stops early once its records reach this many bytes, so a page stays a sane reply.
inline constexpr std::size_t kMaxPullPageBytes = 8 * 1024 * 1024;

struct PullQuery {
  std::int64_t since = 0;
  int limit = kDefaultPullLimit;
};

// Parses the query parameters ("since" a decimal change sequence, "limit" 1..kMaxPullLimit).
// Errors: "invalid_request".
Result<PullQuery> parse_pull_query(const std::string* since, const std::string* limit);

// The reply body {records, cursor, more} as JSON text; `delivered` (if given) receives the
// cursor, the last change of the device's feed the page holds. Protocol 2 clients get
// compact envelopes; protocol 1 clients the full form (what the stores keep).
Result<std::string> pull(Database& db, const std::string& centre, const PullQuery& query,
                         std::int64_t* delivered = nullptr, EnvelopeForm form = EnvelopeForm::Full);

}  // namespace ws::server
