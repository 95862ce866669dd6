#pragma once
// Retention (GDPR art. 5(1)(e)): how many days a centre's kiosks keep a closed case once the
// server holds every version of it. HQ sets it per centre (`sync-server retention`); it
// reaches the kiosks as a server-authored record of kind "settings" (ws/erasure.hpp) in the
// ordinary pull feed. No record: kDefaultRetentionDays.
#include <string>

#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

inline constexpr int kMaxRetentionDays = 3650;

struct Retention {
  std::string centre;
  int days = 0;
  std::string record_id;
};

// days: 1..kMaxRetentionDays. Errors: "invalid_request", database codes.
Result<Retention> set_retention(Database& db, const std::string& centre, int days);

}  // namespace ws::server
