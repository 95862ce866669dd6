#include "sync-server/core/conflicts.hpp"

#include <map>

#include "sync-server/core/devices.hpp"
#include "ws/hlc.hpp"

namespace ws::server {
namespace {

using nlohmann::json;

// The case a record belongs to: a case is its own, other records name theirs in `_case_id`.
json case_of(const std::string& record_id, const std::string& kind, const std::string& payload_text) {
  if (kind == "case") return record_id;
  const json payload = json::parse(payload_text, nullptr, false);
  if (payload.is_object()) {
    auto it = payload.find("_case_id");
    if (it != payload.end() && it->is_string()) return *it;
  }
  return nullptr;
}

json stored_value(const std::string& text) {
  json v = json::parse(text, nullptr, false);
  return v.is_discarded() ? json() : v;
}

class DeviceNames {
 public:
  explicit DeviceNames(sql::Connection& conn) : conn_(conn) {}
  json describe(const std::string& device_id) {
    json out = {{"device_id", device_id}, {"name", nullptr}};
    auto it = names_.find(device_id);
    if (it == names_.end()) {
      std::optional<std::string> name;
      auto st = conn_.prepare("SELECT name FROM devices WHERE id = ?1");
      if (st) {
        st->bind(1, device_id);
        auto row = st->step();
        if (row && *row) name = st->column_text(0);
      }
      it = names_.emplace(device_id, name).first;
    }
    if (it->second) out["name"] = *it->second;
    return out;
  }

 private:
  sql::Connection& conn_;
  std::map<std::string, std::optional<std::string>> names_;
};

json version_time(const std::string& text) {
  auto v = Version::parse(text);
  return v ? json(iso8601_utc(v->hlc.wall_ms)) : json();
}

std::string version_device(const std::string& text) {
  auto v = Version::parse(text);
  return v ? v->device : std::string();
}

}  // namespace

Result<json> list_conflicts(Database& db, const ConflictFilter& filter) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT c.id, c.record_id, c.kind, c.centre, c.field, c.won_value, c.lost_value, c.won_version,"
      " c.lost_version, b.device_id, c.logged_at_ms, r.payload"
      " FROM conflicts c LEFT JOIN batches b ON b.batch_id = c.batch_id LEFT JOIN records r ON r.id = c.record_id"
      " WHERE (?1 IS NULL OR c.centre = ?1) ORDER BY c.id");
  if (!st) return fail(st.error());
  if (filter.centre) st->bind(1, *filter.centre);
  DeviceNames names(**lease);
  json out = json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const std::string record_id = st->column_text(1);
    const std::string kind = st->column_text(2);
    json case_id = case_of(record_id, kind, st->is_null(11) ? std::string() : st->column_text(11));
    if (filter.case_id && case_id != *filter.case_id) continue;
    json entry = {{"id", st->column_int(0)},
                  {"record_id", record_id},
                  {"kind", kind},
                  {"centre", st->column_text(3)},
                  {"case_id", std::move(case_id)},
                  {"field", st->column_text(4)},
                  {"value_kept", stored_value(st->column_text(5))},
                  {"value_lost", stored_value(st->column_text(6))},
                  {"kept_by", names.describe(version_device(st->column_text(7)))},
                  {"lost_by", names.describe(version_device(st->column_text(8)))},
                  {"kept_at", version_time(st->column_text(7))},
                  {"lost_at", version_time(st->column_text(8))},
                  {"pushed_by", nullptr},
                  {"logged_at", iso8601_utc(st->column_int(10))}};
    if (!st->is_null(9)) entry["pushed_by"] = names.describe(st->column_text(9));
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ws::server
