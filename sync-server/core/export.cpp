#include "sync-server/core/export.hpp"

#include <set>
#include <vector>

#include "sync-server/core/export_cells.hpp"
#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

Result<sql::Statement> select_records(sql::Connection& db, const std::optional<std::string>& kind) {
  const std::string base = std::string("SELECT ") + kRecordColumns + " FROM records";
  auto st = kind ? db.prepare(base + " WHERE kind = ?1 ORDER BY seq") : db.prepare(base + " ORDER BY seq");
  if (!st) return fail(st.error());
  if (kind) st->bind(1, *kind);
  return std::move(*st);
}

// Fields that are credentials, not records: an export is a file HQ hands around, so it never
// carries them (a PIN hash can be attacked offline).
void strip_secrets(Envelope& e) {
  if (e.kind != "counsellor") return;
  e.payload.erase("pin_hash");
  e.field_versions.erase("pin_hash");
}

std::string cell_text(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::string csv_cell(const std::string& value) {
  std::string out;
  append_csv_cell(out, value);
  return out;
}

Status export_records(Database& db, ExportFormat format, const std::optional<std::string>& kind, const Sink& out) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto tx = sql::Transaction::begin(**lease, sql::TxMode::Deferred);  // one consistent snapshot
  if (!tx) return fail(tx.error());

  std::vector<std::string> fields;
  if (format == ExportFormat::Csv && kind) {
    // First pass: the union of payload fields, so every row has the same columns.
    auto st = select_records(**lease, kind);
    if (!st) return fail(st.error());
    std::set<std::string> seen;
    for (;;) {
      auto row = st->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      auto e = envelope_from_row(*st);
      if (!e) return fail(e.error());
      strip_secrets(*e);
      for (const auto& [k, _] : e->payload.items()) seen.insert(k);
    }
    fields.assign(seen.begin(), seen.end());
  }

  auto st = select_records(**lease, kind);
  if (!st) return fail(st.error());
  if (format == ExportFormat::Csv) {
    std::string header = "id,kind,centre,version,deleted,schema_version,seq";
    if (kind) {
      for (const auto& f : fields) header += "," + csv_cell(f);
    } else {
      header += ",payload";
    }
    out(header + "\r\n");
  } else {
    out("[");
  }
  bool first = true;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto e = envelope_from_row(*st);
    if (!e) return fail(e.error());
    strip_secrets(*e);
    const auto seq = st->column_int(8);
    if (format == ExportFormat::Json) {
      auto j = to_json(*e);
      j["seq"] = seq;
      out((first ? "\n" : ",\n") + j.dump());
    } else {
      std::string line = csv_cell(e->id) + "," + csv_cell(e->kind) + "," + csv_cell(e->centre) + "," +
                         csv_cell(e->version.to_string()) + "," + (e->deleted ? "true" : "false") + "," +
                         std::to_string(e->schema_version) + "," + std::to_string(seq);
      if (kind) {
        for (const auto& f : fields) {
          auto it = e->payload.find(f);
          line += "," + csv_cell(it == e->payload.end() ? "" : cell_text(*it));
        }
      } else {
        line += "," + csv_cell(e->payload.dump());
      }
      out(line + "\r\n");
    }
    first = false;
  }
  if (format == ExportFormat::Json) out(first ? "]\n" : "\n]\n");
  return ok();
}

}  // namespace ws::server
