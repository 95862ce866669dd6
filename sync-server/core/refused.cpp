#include "sync-server/core/refused.hpp"

namespace ws::server {

Status keep_refusal(sql::Connection& db, const RefusedRecord& r) {
  auto st = db.prepare(
      "INSERT INTO refused (record_id, kind, centre, device_id, code, message, refused_at_ms, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return fail(st.error());
  st->bind(1, r.record_id).bind(2, r.kind).bind(3, r.centre).bind(4, r.device_id).bind(5, r.code);
  st->bind(6, r.message).bind(7, r.refused_at_ms).bind(8, r.payload);
  return st->run();
}

Status resolve_refusals(sql::Connection& db, const std::string& centre, const std::vector<std::string>& record_ids,
                        std::int64_t now_ms) {
  if (record_ids.empty()) return ok();
  // Almost always nothing is open: one cheap check instead of an update per record.
  auto open = db.prepare("SELECT EXISTS(SELECT 1 FROM refused WHERE centre = ?1 AND resolved_at_ms IS NULL)");
  if (!open) return fail(open.error());
  open->bind(1, centre);
  auto row = open->step();
  if (!row) return fail(row.error());
  if (!*row || open->column_int(0) == 0) return ok();
  auto st = db.prepare(
      "UPDATE refused SET resolved_at_ms = ?1 WHERE centre = ?2 AND record_id = ?3 AND resolved_at_ms IS NULL");
  if (!st) return fail(st.error());
  for (const auto& id : record_ids) {
    st->reset();
    if (auto s = st->bind(1, now_ms).bind(2, centre).bind(3, id).run(); !s) return s;
  }
  return ok();
}

Result<std::vector<RefusedRecord>> list_refused(Database& db, const RefusedQuery& q) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (**lease).prepare(
      "SELECT record_id, kind, centre, device_id, code, message, refused_at_ms, payload, resolved_at_ms "
      "FROM refused WHERE (?1 IS NULL OR centre = ?1) AND (?2 = 1 OR resolved_at_ms IS NULL) ORDER BY id");
  if (!st) return fail(st.error());
  if (q.centre) st->bind(1, *q.centre);
  st->bind(2, static_cast<std::int64_t>(q.include_resolved ? 1 : 0));
  std::vector<RefusedRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    RefusedRecord r;
    r.record_id = st->column_text(0);
    r.kind = st->column_text(1);
    r.centre = st->column_text(2);
    r.device_id = st->column_text(3);
    r.code = st->column_text(4);
    r.message = st->column_text(5);
    r.refused_at_ms = st->column_int(6);
    r.payload = st->column_text(7);
    if (!st->is_null(8)) r.resolved_at_ms = st->column_int(8);
    out.push_back(std::move(r));
  }
}

nlohmann::json to_json(const RefusedRecord& r) {
  auto payload = nlohmann::json::parse(r.payload, nullptr, false);
  return {{"id", r.record_id},
          {"kind", r.kind},
          {"centre", r.centre},
          {"device_id", r.device_id},
          {"code", r.code},
          {"message", r.message},
          {"refused_at_ms", r.refused_at_ms},
          {"resolved_at_ms", r.resolved_at_ms ? nlohmann::json(*r.resolved_at_ms) : nlohmann::json()},
          {"payload", payload.is_discarded() ? nlohmann::json(r.payload) : payload}};
}

}  // namespace ws::server
