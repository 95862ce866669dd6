#include "sync-server/core/case_export.hpp"

#include <memory>
#include <unordered_map>

#include "sync-server/core/devices.hpp"
#include "sync-server/core/export.hpp"
#include "sync-server/core/export_cells.hpp"
#include "sync-server/core/export_spill.hpp"
#include "sync-server/core/json_scan.hpp"
#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

using nlohmann::json;
using forms::Field;
using forms::FieldType;

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

constexpr const char* kRowColumns = "r.id, r.centre, r.version, r.schema_version, r.payload";
constexpr const char* kProbe = "1";

// The records of one kind filed under the cases the filter selects, in no particular order (an
// ORDER BY would sort the whole export in memory).
Result<sql::Statement> select_kind(sql::Connection& db, const CaseFilter& filter, const std::string& kind,
                                   const char* columns) {
  const bool probe = columns == kProbe;
  std::string sql = std::string("SELECT ") + columns;
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

// What a row of the export needs, read without building an envelope (the field versions are
// never looked at; the payload is scanned, not parsed).
struct Row {
  std::string id, centre, version, payload;
  int schema_version = 0;
  std::int64_t wall_ms = 0;
};

// Records of one batch share their version, so its clock is parsed once per run of them.
class VersionClock {
 public:
  Status read(const std::string& version, std::int64_t& wall_ms) {
    if (version != last_) {
      auto parsed = Version::parse(version);
      if (!parsed) return fail("corrupt", "stored record has a bad version");
      last_ = version;
      wall_ms_ = parsed->hlc.wall_ms;
    }
    wall_ms = wall_ms_;
    return ok();
  }

 private:
  std::string last_;
  std::int64_t wall_ms_ = 0;
};

Status read_row(const sql::Statement& st, VersionClock& clock, Row& row) {
  row.id = st.column_text(0);
  row.centre = st.column_text(1);
  row.version = st.column_text(2);
  if (auto s = clock.read(row.version, row.wall_ms); !s) return s;
  row.schema_version = static_cast<int>(st.column_int(3));
  row.payload = st.column_text(4);
  return ok();
}

// Runs `each` on every row the statement yields, stopping at the first failure.
template <typename F>
Status each_row(sql::Statement& st, F&& each) {
  Row row;
  VersionClock clock;
  for (;;) {
    auto more = st.step();
    if (!more) return fail(more.error());
    if (!*more) return ok();
    if (auto s = read_row(st, clock, row); !s) return s;
    if (auto s = each(row); !s) return s;
  }
}

Status corrupt() { return fail("corrupt", "stored record has unreadable JSON"); }

std::string header_cell(std::string_view label, const std::string& key) {
  return csv_cell((label.empty() ? key : std::string(label)) + " [" + key + "]");
}

std::vector<const Field*> columns_of(const std::vector<Field>& fields) {
  std::vector<const Field*> out;
  for (const auto& f : fields)
    if (f.type != FieldType::Note && f.type != FieldType::Repeat) out.push_back(&f);
  return out;
}

// Buffers output and hands it on in chunks, into a ZIP entry or straight out. Rows are
// written into buffer() in place; commit() sends a chunk once enough has gathered.
class Chunker {
 public:
  Chunker(const ByteSink& out, ZipWriter* zip) : out_(out), zip_(zip) { buf_.reserve(kChunkBytes + 16 * 1024); }
  std::string& buffer() { return buf_; }
  Status commit() { return buf_.size() >= kChunkBytes ? flush() : ok(); }
  Status add(std::string_view s) {
    buf_ += s;
    return commit();
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

// Where each payload key goes in a file's rows, worked out once per file: a column, or
// nowhere (a form field without a column: notes, repeat groups, which have their own files).
constexpr int kNoColumn = -1;
struct ColumnPlan {
  std::vector<const Field*> columns;
  std::unordered_map<std::string_view, int> slot;  // field name -> column index or kNoColumn

  explicit ColumnPlan(const std::vector<Field>* fields) {
    if (!fields) return;
    columns = columns_of(*fields);
    for (const auto& f : *fields) slot.emplace(f.name, kNoColumn);
    for (std::size_t i = 0; i < columns.size(); ++i) slot[columns[i]->name] = static_cast<int>(i);
  }
};

// One payload (or repeat row) spread over the plan's columns; the last of duplicate keys wins,
// as when the payload is parsed. A Spread serves one plan: payloads of a kind list the same keys
// in the same order, so where the key at each position goes is remembered from the last row
// (a compare instead of a hash lookup).
struct Spread {
  std::vector<const json_scan::Value*> cells;
  const json_scan::Value* special = nullptr;  // `_case_id` of a record, `_row` of a repeat row
  std::vector<const json_scan::Member*> other;  // keys the form does not name (not `_...`)

  void fill(const ColumnPlan& plan, const std::vector<json_scan::Member>& members, std::string_view special_key,
            bool want_other) {
    cells.assign(plan.columns.size(), nullptr);
    special = nullptr;
    other.clear();
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto& m = members[i];
      if (m.key_escaped) {
        const std::string key = json_scan::key_of(m);
        place(m, key, where(plan, key, want_other), special_key);
        continue;
      }
      if (i >= memo_.size()) memo_.resize(i + 1);
      if (memo_[i].key != m.key) memo_[i] = Memo{std::string(m.key), where(plan, m.key, want_other)};
      place(m, m.key, memo_[i].where, special_key);
    }
  }

 private:
  static constexpr int kOther = -2, kSkip = -3;
  struct Memo {
    std::string key;
    int where = kSkip;
  };
  std::vector<Memo> memo_;

  static int where(const ColumnPlan& plan, std::string_view key, bool want_other) {
    if (auto it = plan.slot.find(key); it != plan.slot.end()) return it->second;
    return want_other && !key.empty() && key[0] != '_' ? kOther : kSkip;
  }
  void place(const json_scan::Member& m, std::string_view key, int where, std::string_view special_key) {
    if (key == special_key) special = &m.value;
    if (where >= 0) cells[static_cast<std::size_t>(where)] = &m.value;
    else if (where == kOther) other.push_back(&m);
  }
};

// The answers no column holds, as the JSON object they would be (sorted keys, last wins).
bool append_other(std::string& line, const std::vector<const json_scan::Member*>& other) {
  if (other.empty()) return true;
  nlohmann::json j = nlohmann::json::object();
  for (const auto* m : other) {
    auto v = nlohmann::json::parse(m->value.text, nullptr, false);
    if (v.is_discarded()) return false;
    j[json_scan::key_of(*m)] = std::move(v);
  }
  append_csv_cell(line, j.dump());
  return true;
}

// Rows of one batch share their second: its text is formatted once.
class UpdatedText {
 public:
  const std::string& of(std::int64_t wall_ms) {
    if (text_.empty() || wall_ms / 1000 != seconds_) {
      seconds_ = wall_ms / 1000;
      text_ = iso8601_utc(wall_ms);
    }
    return text_;
  }

 private:
  std::int64_t seconds_ = 0;
  std::string text_;
};

struct Scratch {
  UpdatedText updated;
  std::vector<json_scan::Member> members, row_members;
  std::vector<json_scan::Value> rows;
  std::string text;
  Spread spread;
};

Status write_main_row(const Row& r, const std::string& kind, const ColumnPlan& plan, Scratch& x, Chunker& out) {
  if (!json_scan::members(r.payload, x.members)) return corrupt();
  x.spread.fill(plan, x.members, "_case_id", true);
  std::string& line = out.buffer();
  append_csv_cell(line, r.id);
  line += ',';
  if (kind == "case") {
    append_csv_cell(line, r.id);
  } else if (!append_value_cell(line, x.spread.special, x.text)) {
    return corrupt();
  }
  line += ',';
  append_csv_cell(line, r.centre);
  line += ',';
  line += std::to_string(r.schema_version);
  line += ',';
  line += x.updated.of(r.wall_ms);
  for (const auto* cell : x.spread.cells) {
    line += ',';
    if (!append_value_cell(line, cell, x.text)) return corrupt();
  }
  line += ',';
  if (!append_other(line, x.spread.other)) return corrupt();
  line += "\r\n";
  return out.commit();
}

// The last member named `name`, if any.
const json_scan::Value* member_named(const std::vector<json_scan::Member>& members, std::string_view name) {
  const json_scan::Value* found = nullptr;
  for (const auto& m : members)
    if ((m.key_escaped ? std::string_view(json_scan::key_of(m)) == name : m.key == name)) found = &m.value;
  return found;
}

// A repeat group's file while its parent's file is written: its rows wait in a Spill.
struct GroupFile {
  const Field& field;
  ColumnPlan plan;
  Spread spread;
  Spill spill;
  ByteSink into_spill;
  Chunker rows;
  Status spill_status;

  explicit GroupFile(const Field& f)
      : field(f),
        plan(&f.fields),
        into_spill([this](std::string_view bytes) { return (spill_status = spill.append(bytes)).has_value(); }),
        rows(into_spill, nullptr) {}
  Status failed(const Status& s) const { return spill_status ? s : spill_status; }
};

Status write_group_rows(const Row& r, GroupFile& g, Scratch& x) {
  // x.members holds this record's payload, scanned for its main row.
  const ColumnPlan& plan = g.plan;
  Chunker& out = g.rows;
  const json_scan::Value* rows = member_named(x.members, g.field.name);
  if (!rows || rows->type != json_scan::Type::Array) return ok();
  if (!json_scan::elements(rows->text, x.rows)) return corrupt();
  for (const auto& row : x.rows) {
    const bool object = row.type == json_scan::Type::Object;
    if (object && !json_scan::members(row.text, x.row_members)) return corrupt();
    if (object) g.spread.fill(plan, x.row_members, "_row", false);
    std::string& line = out.buffer();
    append_csv_cell(line, r.id);
    line += ',';
    if (object && !append_value_cell(line, g.spread.special, x.text)) return corrupt();
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      line += ',';
      if (object && !append_value_cell(line, g.spread.cells[i], x.text)) return corrupt();
    }
    line += "\r\n";
    if (auto s = out.commit(); !s) return s;
  }
  return ok();
}

// The first line of a file: the main rows of a kind (group == nullptr) or one repeat group's.
std::string header_line(const ColumnPlan& plan, const Field* group) {
  std::string line(kBom);
  line += group ? "Parent record [parent_id],Row [_row]" : "Record [id],Case [case_id],Centre [centre],"
                                                           "Form version [form_version],Updated [updated_at]";
  for (const Field* f : plan.columns) line += "," + header_cell(f->label_for("en").text, f->name);
  if (!group) line += ",Other answers [other]";
  return line + "\r\n";
}

std::vector<const Field*> repeat_groups(const forms::FormDefinition* def) {
  std::vector<const Field*> out;
  if (def) {
    for (const auto& f : def->fields)
      if (f.type == FieldType::Repeat) out.push_back(&f);
  }
  return out;
}

// Every CSV file of one kind from ONE pass over its records: the main rows stream into
// `<kind>.csv`; each repeat group's rows, made from the same scan of the payload, follow as
// `<kind>-<group>.csv` once the main file is done (ZIP entries go one after the other).
Status write_kind_csv(sql::Connection& db, const CaseFilter& filter, const std::string& kind,
                      const forms::FormDefinition* def, ZipWriter* zip, Chunker& out) {
  const ColumnPlan plan(def ? &def->fields : nullptr);
  std::vector<std::unique_ptr<GroupFile>> groups;
  for (const Field* g : repeat_groups(def)) groups.push_back(std::make_unique<GroupFile>(*g));
  if (zip) {
    if (auto s = zip->begin_entry(kind + ".csv"); !s) return s;
  }
  if (auto s = out.add(header_line(plan, nullptr)); !s) return s;
  auto st = select_kind(db, filter, kind, kRowColumns);
  if (!st) return fail(st.error());
  Scratch scratch;
  auto status = each_row(*st, [&](const Row& r) {
    if (auto s = write_main_row(r, kind, plan, scratch, out); !s) return s;
    for (auto& g : groups) {
      if (auto s = write_group_rows(r, *g, scratch); !s) return g->failed(s);
    }
    return ok();
  });
  if (auto s = status ? out.flush() : status; !s) return s;
  for (auto& g : groups) {
    if (!zip) return fail("internal", "repeat groups need a ZIP");
    if (auto s = g->rows.flush(); !s) return g->failed(s);
    if (auto s = zip->begin_entry(kind + "-" + g->field.name + ".csv"); !s) return s;
    if (auto s = out.add(header_line(g->plan, &g->field)); !s) return s;
    if (auto s = g->spill.replay([&out](std::string_view piece) { return out.add(piece); }); !s) return s;
    if (auto s = out.flush(); !s) return s;
  }
  return ok();
}

Status write_jsonl(sql::Connection& db, const CaseFilter& filter, const std::string& kind, Chunker& out) {
  auto st = select_kind(db, filter, kind, kRowColumns);
  if (!st) return fail(st.error());
  auto status = each_row(*st, [&](const Row& r) -> Status {
    auto payload = json::parse(r.payload, nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) return corrupt();
    auto version = Version::parse(r.version);
    if (!version) return fail("corrupt", "stored record has a bad version");
    const json line = {{"id", r.id},
                       {"kind", kind},
                       {"centre", r.centre},
                       {"case_id", kind == "case" ? json(r.id) : payload.value("_case_id", json())},
                       {"version", version->to_string()},
                       {"form_version", r.schema_version},
                       {"payload", std::move(payload)}};
    return out.add(line.dump() + "\n");
  });
  return status ? out.flush() : status;
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
      auto st = select_kind(**lease, *filter, kind, kProbe);
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
    if (auto s = write_kind_csv(**lease, *filter, kind, registry.find(kind), plan.zip ? &zip : nullptr, chunks); !s) {
      return s;
    }
  }
  return plan.zip ? zip.finish() : ok();
}

}  // namespace ws::server
