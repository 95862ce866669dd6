#include "sync-server/core/hq_admin.hpp"

#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

CounsellorSummary counsellor_from_row(const sql::Statement& st) {
  CounsellorSummary c{st.column_text(0), st.column_text(1), "", "", true};
  auto payload = nlohmann::json::parse(st.column_text(2), nullptr, false);
  if (payload.is_object()) {
    c.name = payload.value("name", "");
    c.role = payload.value("role", "counsellor");
    c.active = payload.value("active", true);
  }
  return c;
}

constexpr const char* kCounsellorColumns = "SELECT id, centre, payload FROM records WHERE kind = 'counsellor' AND deleted = 0";

}  // namespace

Result<std::optional<DeviceSummary>> find_device(Database& db, const std::string& id) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare("SELECT id, centre, revoked_at_ms IS NOT NULL FROM devices WHERE id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<DeviceSummary>{};
  return std::optional<DeviceSummary>{DeviceSummary{st->column_text(0), st->column_text(1), st->column_int(2) != 0}};
}

nlohmann::json to_json(const CounsellorSummary& c) {
  return {{"id", c.id}, {"centre", c.centre}, {"name", c.name}, {"role", c.role}, {"active", c.active}};
}

Result<std::vector<CounsellorSummary>> list_counsellors(Database& db, const CentreScope& scope,
                                                        const std::optional<std::string>& centre) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(std::string(kCounsellorColumns) + " AND (?1 IS NULL OR centre = ?1) ORDER BY centre, seq");
  if (!st) return fail(st.error());
  st->bind(1, centre);
  std::vector<CounsellorSummary> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    if (scope.allows(st->column_text(1))) out.push_back(counsellor_from_row(*st));
  }
  return out;
}

Result<std::optional<CounsellorSummary>> find_counsellor(Database& db, const std::string& id) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(std::string(kCounsellorColumns) + " AND id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<CounsellorSummary>{};
  return std::optional<CounsellorSummary>{counsellor_from_row(*st)};
}

Result<nlohmann::json> audit_page(Database& db, int limit, std::int64_t before) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT seq, time_ms, actor, action, object_id, details FROM audit_log "
      "WHERE ?1 <= 0 OR seq < ?1 ORDER BY seq DESC LIMIT ?2");
  if (!st) return fail(st.error());
  st->bind(1, before).bind(2, limit);
  nlohmann::json entries = nlohmann::json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    entries.push_back({{"seq", st->column_int(0)},
                       {"time_ms", st->column_int(1)},
                       {"actor", st->column_text(2)},
                       {"action", st->column_text(3)},
                       {"object_id", st->column_text(4)},
                       {"details", nlohmann::json::parse(st->column_text(5), nullptr, false)}});
  }
  return entries;
}

}  // namespace ws::server
