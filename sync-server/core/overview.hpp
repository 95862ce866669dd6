#pragma once
// The HQ console's overview: centres in scope with counts, per centre cases by status, new
// intakes per week and records received per day (from the counters every write keeps,
// so the cost does not grow with the records), and the kiosks with what they last reported.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sync-server/core/centre_scope.hpp"
#include "sync-server/core/database.hpp"
#include "ws/result.hpp"

namespace ws::server {

inline constexpr int kOverviewDays = 30;   // records received per day: the last 30 days
inline constexpr int kOverviewWeeks = 12;  // new intakes per week: the last 12 weeks (from Monday)
inline constexpr std::int64_t kDefaultStaleHours = 48;

// [{centre, cases, kiosks, records}], by centre code.
Result<nlohmann::json> list_centres(Database& db, const CentreScope& scope);

struct KioskQuery {
  std::string centre;  // empty: every centre in scope
  std::int64_t stale_after_ms = kDefaultStaleHours * 3600 * 1000;
  std::int64_t now_ms = 0;
};
// [{device_id, centre, name, last_seen, last_push, outbox_waiting, quarantined, app_version,
//   audit_anchor, reported_at, stale, revoked}]; times ISO 8601 or null.
Result<nlohmann::json> list_kiosks(Database& db, const CentreScope& scope, const KioskQuery& query);

// {centres: [{centre, cases_by_status: {status: n}, intakes_per_week: [{week, count}],
//   records_per_day: [{day, count}]}], kiosks: {total, stale, revoked, outbox_waiting, quarantined}}
Result<nlohmann::json> overview(Database& db, const CentreScope& scope, const KioskQuery& query);

// "YYYY-MM-DD" of a day counted from 1970-01-01.
std::string day_text(std::int64_t day);

}  // namespace ws::server
