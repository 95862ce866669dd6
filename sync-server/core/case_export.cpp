#include "sync-server/core/case_export.hpp"

#include "sync-server/core/devices.hpp"
#include "sync-server/core/export.hpp"
#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

using nlohmann::json;
using forms::Field;
using forms::FieldType;

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The records of one kind filed under the cases the filter selects, in no particular order (an
// ORDER BY would sort the whole export in memory).
Result<sql::Statement> select_kind(sql::Connection& db, const CaseFilter& filter, const std::string& kind,
                                   bool probe) {
  std::string sql = std::string("SELECT ") + (probe ? "1" : "r.id, r.kind, r.centre, r.version, r.deleted,"
                                                            " r.schema_version, r.payload, r.field_versions, r.seq");
  // Each record finds its case by the case index's primary key (records by kind, then one
  // lookup each): no scan per case, and no sort.
  sql += kind == "case" ? " FROM records r JOIN case_index c ON c.case_id = r.id"
                        : " FROM records r JOIN case_index c ON c.case_id = json_extract(r.payload, '$._case_id')"
                          " AND r.centre = c.centre";
  sql += filter.where + (filter.where.empty() ? " WHERE " : " AND ") + "r.kind = ? AND r.deleted = 0";
  if (probe) sql += " LIMIT 1";
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  bind_all(*st, filter.values);
  st->bind(static_cast<int>(filter.values.size()) + 1, kind);
  return std::move(*st);
}

// Runs `each` on every record the statement yields, stopping at the first failure.
template <typename F>
Status each_envelope(sql::Statement& st, F&& each) {
  for (;;) {
    auto row = st.step();
    if (!row) return fail(row.error());
    if (!*row) return ok();
    auto e = envelope_from_row(st);
    if (!e) return fail(e.error());
    if (auto s = each(*e); !s) return s;
  }
}

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); })) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : "; ") + x.get<std::string>();
    return out;
  }
  return v.dump();
}

std::string header_cell(std::string_view label, const std::string& key) {
  return csv_cell((label.empty() ? key : std::string(label)) + " [" + key + "]");
}

std::vector<const Field*> columns_of(const std::vector<Field>& fields) {
  std::vector<const Field*> out;
  for (const auto& f : fields)
    if (f.type != FieldType::Note && f.type != FieldType::Repeat) out.push_back(&f);
  return out;
}

// Buffers output and hands it on in chunks, into a ZIP entry or straight out.
class Chunker {
 public:
  Chunker(const ByteSink& out, ZipWriter* zip) : out_(out), zip_(zip) {}
  Status add(std::string_view s) {
    buf_ += s;
    return buf_.size() >= kChunkBytes ? flush() : ok();
  }
  Status flush() {
    if (buf_.empty()) return ok();
    Status s = zip_ ? zip_->write(buf_) : (out_(buf_) ? ok() : Status(fail("aborted", "the reader went away")));
    buf_.clear();
    return s;
  }

 private:
  const ByteSink& out_;
  ZipWriter* zip_;
  std::string buf_;
};

// One CSV file: the main rows of a kind (group == nullptr) or the rows of one repeat group.
Status write_csv(sql::Connection& db, const CaseFilter& filter, const std::string& kind, const forms::FormDefinition* def,
                 const Field* group, Chunker& out) {
  const auto columns = group ? columns_of(group->fields) : def ? columns_of(def->fields) : std::vector<const Field*>{};
  std::string line(kBom);
  line += group ? "Parent record [parent_id],Row [_row]" : "Record [id],Case [case_id],Centre [centre],"
                                                           "Form version [form_version],Updated [updated_at]";
  for (const Field* f : columns) line += "," + header_cell(f->label_for("en").text, f->name);
  if (!group) line += ",Other answers [other]";
  if (auto s = out.add(line + "\r\n"); !s) return s;
  auto st = select_kind(db, filter, kind, false);
  if (!st) return fail(st.error());
  auto status = each_envelope(*st, [&](const Envelope& e) -> Status {
    if (group) {
      auto rows = e.payload.find(group->name);
      if (rows == e.payload.end() || !rows->is_array()) return ok();
      for (const auto& r : *rows) {
        line = csv_cell(e.id) + "," + csv_cell(r.is_object() ? cell_text(r.value("_row", json())) : "");
        for (const Field* f : columns) line += "," + csv_cell(r.is_object() ? cell_text(r.value(f->name, json())) : "");
        if (auto s = out.add(line + "\r\n"); !s) return s;
      }
      return ok();
    }
    const std::string case_id = kind == "case" ? e.id : cell_text(e.payload.value("_case_id", json()));
    line = csv_cell(e.id) + "," + csv_cell(case_id) + "," + csv_cell(e.centre) + "," +
           std::to_string(e.schema_version) + "," + iso8601_utc(e.version.hlc.wall_ms);
    json other = json::object();
    for (const auto& [key, value] : e.payload.items()) {
      if (!key.empty() && key[0] != '_') other[key] = value;
    }
    for (const Field* f : columns) line += "," + csv_cell(cell_text(e.payload.value(f->name, json())));
    if (def) {
      for (const auto& f : def->fields) other.erase(f.name);  // repeat groups have their own files
    }
    line += "," + csv_cell(other.empty() ? "" : other.dump());
    return out.add(line + "\r\n");
  });
  return status ? out.flush() : status;
}

Status write_jsonl(sql::Connection& db, const CaseFilter& filter, const std::string& kind, Chunker& out) {
  auto st = select_kind(db, filter, kind, false);
  if (!st) return fail(st.error());
  auto status = each_envelope(*st, [&](const Envelope& e) {
    const json line = {{"id", e.id},
                       {"kind", e.kind},
                       {"centre", e.centre},
                       {"case_id", kind == "case" ? json(e.id) : e.payload.value("_case_id", json())},
                       {"version", e.version.to_string()},
                       {"form_version", e.schema_version},
                       {"payload", e.payload}};
    return out.add(line.dump() + "\n");
  });
  return status ? out.flush() : status;
}

std::vector<const Field*> repeat_groups(const forms::FormDefinition* def) {
  std::vector<const Field*> out;
  if (def) {
    for (const auto& f : def->fields)
      if (f.type == FieldType::Repeat) out.push_back(&f);
  }
  return out;
}

}  // namespace

Result<ExportPlan> plan_case_export(Database& db, const CentreScope& scope, const CaseQuery& query,
                                    CaseExportFormat format, const forms::FormRegistry& registry) {
  auto filter = case_filter(scope, query);
  if (!filter) return fail(filter.error());
  ExportPlan plan;
  plan.format = format;
  if (!filter->empty_scope) {
    auto lease = db.acquire();
    if (!lease) return fail(lease.error());
    for (const auto& kind : kCaseKinds) {
      auto st = select_kind(**lease, *filter, kind, true);
      if (!st) return fail(st.error());
      auto row = st->step();
      if (!row) return fail(row.error());
      if (*row) plan.kinds.push_back(kind);
    }
  }
  if (plan.kinds.empty()) plan.kinds.push_back("case");  // an empty file with its headers
  std::size_t files = 0;
  for (const auto& kind : plan.kinds) files += 1 + repeat_groups(registry.find(kind)).size();
  if (format == CaseExportFormat::Jsonl) {
    plan.content_type = "application/x-ndjson; charset=utf-8";
    plan.filename = "waystation-export.jsonl";
  } else if (files > 1) {
    plan.zip = true;
    plan.content_type = "application/zip";
    plan.filename = "waystation-export.zip";
  } else {
    plan.content_type = "text/csv; charset=utf-8";
    plan.filename = plan.kinds[0] + ".csv";
  }
  return plan;
}

Status run_case_export(Database& db, const CentreScope& scope, const CaseQuery& query, const ExportPlan& plan,
                       const forms::FormRegistry& registry, const ByteSink& out) {
  auto filter = case_filter(scope, query);
  if (!filter) return fail(filter.error());
  if (filter->empty_scope) filter->where += (filter->where.empty() ? " WHERE 0" : " AND 0");
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto tx = sql::Transaction::begin(**lease, sql::TxMode::Deferred);  // one consistent snapshot
  if (!tx) return fail(tx.error());
  ZipWriter zip(out);
  Chunker chunks(out, plan.zip ? &zip : nullptr);
  for (const auto& kind : plan.kinds) {
    if (plan.format == CaseExportFormat::Jsonl) {
      if (auto s = write_jsonl(**lease, *filter, kind, chunks); !s) return s;
      continue;
    }
    const auto* def = registry.find(kind);
    if (plan.zip) {
      if (auto s = zip.begin_entry(kind + ".csv"); !s) return s;
    }
    if (auto s = write_csv(**lease, *filter, kind, def, nullptr, chunks); !s) return s;
    for (const Field* group : repeat_groups(def)) {
      if (auto s = zip.begin_entry(kind + "-" + group->name + ".csv"); !s) return s;
      if (auto s = write_csv(**lease, *filter, kind, def, group, chunks); !s) return s;
    }
  }
  return plan.zip ? zip.finish() : ok();
}

}  // namespace ws::server
