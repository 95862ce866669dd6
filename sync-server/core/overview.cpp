#include "sync-server/core/overview.hpp"

#include <chrono>
#include <map>
#include <set>

#include "sync-server/core/devices.hpp"
#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

using nlohmann::json;
constexpr std::int64_t kDayMs = 86'400'000;

// The scope as SQL: " AND <column> IN (?, ...)" with its values, or nothing for every centre.
struct ScopeSql {
  std::string clause;
  std::vector<std::string> values;
};

ScopeSql scope_sql(const CentreScope& scope, const std::string& column, const std::string& centre) {
  ScopeSql out;
  if (!scope.all) {
    std::string in;
    for (const auto& c : scope.centres) {
      in += in.empty() ? "?" : ", ?";
      out.values.push_back(c);
    }
    out.clause = " AND " + column + (in.empty() ? " IS NULL" : " IN (" + in + ")");
  }
  if (!centre.empty()) {
    out.clause += " AND " + column + " = ?";
    out.values.push_back(centre);
  }
  return out;
}

Result<sql::Statement> prepare_scoped(sql::Connection& conn, const std::string& sql, const ScopeSql& scope,
                                      int first = 1) {
  auto st = conn.prepare(sql);
  if (!st) return fail(st.error());
  for (std::size_t i = 0; i < scope.values.size(); ++i) st->bind(first + static_cast<int>(i), scope.values[i]);
  return st;
}

// Runs `st` and calls `each` per row.
template <typename F>
Status each_row(sql::Statement& st, F&& each) {
  for (;;) {
    auto row = st.step();
    if (!row) return fail(row.error());
    if (!*row) return ok();
    each(st);
  }
}

json time_or_null(const sql::Statement& st, int col) {
  return st.is_null(col) ? json() : json(iso8601_utc(st.column_int(col)));
}

std::int64_t week_start(std::int64_t day) { return day - ((day + 3) % 7); }  // 1970-01-01 was a Thursday

void add_to(json& slot, std::int64_t n) { slot = slot.get<std::int64_t>() + n; }

// The charts of every centre, each filled with zeros over the whole range first.
class Charts {
 public:
  explicit Charts(std::int64_t today)
      : today_(today), first_day_(today - kOverviewDays + 1), first_week_(week_start(today) - 7 * (kOverviewWeeks - 1)) {}
  std::int64_t first_needed() const { return std::min(first_day_, first_week_); }

  json& centre(const std::string& code) {
    auto [it, fresh] = centres_.try_emplace(code, json::object());
    if (!fresh) return it->second;
    json days = json::array(), weeks = json::array();
    for (std::int64_t d = first_day_; d <= today_; ++d) days.push_back({{"day", day_text(d)}, {"count", 0}});
    for (std::int64_t w = first_week_; w <= today_; w += 7) weeks.push_back({{"week", day_text(w)}, {"count", 0}});
    it->second = {{"centre", code}, {"cases_by_status", json::object()}, {"intakes_per_week", weeks},
                  {"records_per_day", days}};
    return it->second;
  }
  void count(const std::string& code, const std::string& kind, std::int64_t day, std::int64_t created,
             std::int64_t received) {
    json& c = centre(code);
    if (day > today_) return;
    if (day >= first_day_) add_to(c["records_per_day"][day - first_day_]["count"], received);
    if (kind == "intake" && day >= first_week_) add_to(c["intakes_per_week"][(week_start(day) - first_week_) / 7]["count"], created);
  }
  json list() {
    json out = json::array();
    for (auto& [_, c] : centres_) out.push_back(std::move(c));
    return out;
  }

 private:
  std::int64_t today_, first_day_, first_week_;
  std::map<std::string, json> centres_;
};

Status add_counts(sql::Connection& conn, const ScopeSql& scope, Charts& charts) {
  auto st = prepare_scoped(conn,
                           "SELECT centre, kind, day, created, received FROM record_counts WHERE day >= ?1"
                           " AND centre <> '_all'" + scope.clause,
                           scope, 2);
  if (!st) return fail(st.error());
  st->bind(1, charts.first_needed());
  return each_row(*st, [&](const sql::Statement& r) {
    charts.count(r.column_text(0), r.column_text(1), r.column_int(2), r.column_int(3), r.column_int(4));
  });
}

}  // namespace

std::string day_text(std::int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<json> list_centres(Database& db, const CentreScope& scope) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  const ScopeSql s = scope_sql(scope, "centre", "");
  std::map<std::string, json> centres;
  auto entry = [&](const std::string& centre) -> json& {
    auto [it, fresh] = centres.try_emplace(centre, json{{"centre", centre}, {"cases", 0}, {"kiosks", 0}, {"records", 0}});
    return it->second;
  };
  const std::pair<const char*, const char*> counts[] = {
      {"cases", "SELECT centre, count(*) FROM case_index WHERE 1"},
      {"kiosks", "SELECT centre, count(*) FROM devices WHERE revoked_at_ms IS NULL"},
      {"records", "SELECT centre, sum(created) FROM record_counts WHERE centre <> '_all'"},
  };
  for (const auto& count : counts) {
    const char* field = count.first;  // a named copy: clang does not capture structured bindings
    auto st = prepare_scoped(**lease, std::string(count.second) + s.clause + " GROUP BY centre", s);
    if (!st) return fail(st.error());
    if (auto r = each_row(*st, [&](const sql::Statement& row) { entry(row.column_text(0))[field] = row.column_int(1); }); !r) {
      return fail(r.error());
    }
  }
  json out = json::array();
  for (auto& [_, c] : centres) out.push_back(std::move(c));
  return out;
}

Result<json> list_kiosks(Database& db, const CentreScope& scope, const KioskQuery& query) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  const ScopeSql s = scope_sql(scope, "d.centre", query.centre);
  auto st = prepare_scoped(**lease,
                           "SELECT d.id, d.centre, d.name, d.last_seen_at_ms,"
                           " (SELECT max(b.received_at_ms) FROM batches b WHERE b.device_id = d.id),"
                           " d.report_outbox, d.report_quarantined, d.report_app, d.report_audit_seq,"
                           " d.report_audit_hash, d.reported_at_ms, d.revoked_at_ms, d.enrolled_at_ms"
                           " FROM devices d WHERE 1" + s.clause + " ORDER BY d.centre, d.name, d.id",
                           s);
  if (!st) return fail(st.error());
  json out = json::array();
  auto r = each_row(*st, [&](const sql::Statement& row) {
    const std::int64_t seen = row.is_null(3) ? row.column_int(12) : row.column_int(3);
    const bool revoked = !row.is_null(11);
    out.push_back({{"device_id", row.column_text(0)},
                   {"centre", row.column_text(1)},
                   {"name", row.column_text(2)},
                   {"last_seen", time_or_null(row, 3)},
                   {"last_push", time_or_null(row, 4)},
                   {"outbox_waiting", row.is_null(5) ? json() : json(row.column_int(5))},
                   {"quarantined", row.is_null(6) ? json() : json(row.column_int(6))},
                   {"app_version", row.is_null(7) ? json() : json(row.column_text(7))},
                   {"audit_anchor", row.is_null(8) ? json() : json(std::to_string(row.column_int(8)) + ":" + row.column_text(9))},
                   {"reported_at", time_or_null(row, 10)},
                   {"stale", !revoked && query.now_ms - seen > query.stale_after_ms},
                   {"revoked", revoked}});
  });
  if (!r) return fail(r.error());
  return out;
}

namespace {

json kiosk_summary(const json& kiosks) {
  std::int64_t total = 0, stale = 0, revoked = 0, outbox = 0, quarantined = 0;
  for (const auto& k : kiosks) {
    ++total;
    stale += k["stale"].get<bool>() ? 1 : 0;
    revoked += k["revoked"].get<bool>() ? 1 : 0;
    if (k["outbox_waiting"].is_number()) outbox += k["outbox_waiting"].get<std::int64_t>();
    if (k["quarantined"].is_number()) quarantined += k["quarantined"].get<std::int64_t>();
  }
  return {{"total", total}, {"stale", stale}, {"revoked", revoked}, {"outbox_waiting", outbox}, {"quarantined", quarantined}};
}

}  // namespace

Result<json> overview(Database& db, const CentreScope& scope, const KioskQuery& query) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  const ScopeSql s = scope_sql(scope, "centre", query.centre);
  Charts charts(query.now_ms / kDayMs);
  if (auto r = add_counts(**lease, s, charts); !r) return fail(r.error());
  auto st = prepare_scoped(**lease, "SELECT centre, status, count(*) FROM case_index WHERE 1" + s.clause +
                                        " GROUP BY centre, status", s);
  if (!st) return fail(st.error());
  auto r = each_row(*st, [&](const sql::Statement& row) {
    charts.centre(row.column_text(0))["cases_by_status"][row.column_text(1)] = row.column_int(2);
  });
  if (!r) return fail(r.error());
  auto kiosks = list_kiosks(db, scope, query);
  if (!kiosks) return fail(kiosks.error());
  return json{{"centres", charts.list()}, {"kiosks", kiosk_summary(*kiosks)}};
}

}  // namespace ws::server
