#pragma once
// Server-side sessions of the HQ console. The browser holds a random 256-bit id (hex) in a
// cookie; the table holds only its BLAKE2b digest, so a copied database signs nobody in. A
// session ends when idle too long, when it is older than the absolute limit, at sign-out, and
// when its user is disabled or changed.
#include <cstdint>
#include <string>

#include "sync-server/core/database.hpp"
#include "sync-server/core/users.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct HqSessionPolicy {
  std::int64_t idle_ms = 30LL * 60 * 1000;
  std::int64_t absolute_ms = 12LL * 3600 * 1000;
};

struct HqSession {
  std::string id_digest;
  UserAccount user;
  std::string csrf_token;
  std::int64_t created_at_ms = 0;
};

struct OpenedHqSession {
  std::string id;  // for the cookie; never stored
  HqSession session;
};

// The digest stored for a session id.
std::string hq_session_digest(const std::string& id);

// Also forgets sessions that expired by `policy`, so the table stays small.
Result<OpenedHqSession> open_hq_session(Database& db, const UserAccount& user, std::int64_t now_ms,
                                        const HqSessionPolicy& policy);
// The live session for a cookie's id, noting its use. "unauthorized" when unknown, expired or
// its user is disabled.
Result<HqSession> resume_hq_session(Database& db, const std::string& id, std::int64_t now_ms,
                                    const HqSessionPolicy& policy);
Status close_hq_session(Database& db, const std::string& id_digest);
// Inside the caller's write transaction: every session of the user but `keep_digest`.
Status end_user_sessions(sql::Connection& conn, const std::string& user_id, const std::string& keep_digest);

}  // namespace ws::server
