#include "sync-server/core/case_detail.hpp"

#include <algorithm>
#include <map>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/conflicts.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/records.hpp"

namespace ws::server {
namespace {

using nlohmann::json;
using forms::Field;
using forms::FieldType;

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string display_of(const Field& f, const json& value, const std::string& lang) {
  if (value.is_null()) return "";
  switch (f.type) {
    case FieldType::SingleChoice: {
      const auto* c = value.is_string() ? f.find_choice(value.get<std::string>()) : nullptr;
      return c ? std::string(c->label_for(lang).text) : text_of(value);
    }
    case FieldType::MultipleChoice: {
      if (!value.is_array()) return text_of(value);
      std::string out;
      for (const auto& v : value) {
        const auto* c = v.is_string() ? f.find_choice(v.get<std::string>()) : nullptr;
        if (!out.empty()) out += ", ";
        out += c ? std::string(c->label_for(lang).text) : text_of(v);
      }
      return out;
    }
    case FieldType::YesNo:
      if (!value.is_boolean()) return text_of(value);
      return value.get<bool>() ? (lang == "nb" ? "Ja" : "Yes") : (lang == "nb" ? "Nei" : "No");
    case FieldType::Signature:
      return lang == "nb" ? "(signatur)" : "(signature)";
    default:
      return text_of(value);
  }
}

json answers_for(const std::vector<Field>& fields, const json& payload, const std::string& lang) {
  json out = json::array();
  if (!payload.is_object()) return out;
  for (const auto& f : fields) {
    auto it = payload.find(f.name);
    if (it == payload.end() || it->is_null()) continue;
    json a = {{"key", f.name}, {"label", std::string(f.label_for(lang).text)}, {"value", *it}};
    if (f.type == FieldType::Repeat && it->is_array()) {
      json rows = json::array();
      for (const auto& row : *it) rows.push_back(answers_for(f.fields, row, lang));
      a["rows"] = rows;
      a["display"] = std::to_string(it->size());
    } else {
      a["display"] = display_of(f, *it, lang);
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::int64_t wall_of(const std::string& version) {
  auto v = Version::parse(version);
  return v ? v->hlc.wall_ms : 0;
}

// The case record itself and every record filed under it (records_case_link index).
Result<std::vector<Envelope>> records_of_case(sql::Connection& db, const std::string& case_id) {
  auto st = db.prepare(std::string("SELECT ") + kRecordColumns +
                       " FROM records WHERE id = ?1 OR case_id = ?1");
  if (!st) return fail(st.error());
  st->bind(1, case_id);
  std::vector<Envelope> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    auto e = envelope_from_row(*st);
    if (!e) return fail(e.error());
    out.push_back(std::move(*e));
  }
}

// Earlier versions, oldest first, and the wall time of the first one (the record's creation).
Result<json> history_of(sql::Connection& db, const forms::FormRegistry& registry, const Envelope& e,
                        const std::string& lang, std::int64_t& created_ms) {
  auto st = db.prepare(
      "SELECT version, deleted, schema_version, payload, replaced_at_ms FROM record_history WHERE record_id = ?1"
      " ORDER BY id");
  if (!st) return fail(st.error());
  st->bind(1, e.id);
  json out = json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    const std::string version = st->column_text(0);
    created_ms = std::min(created_ms, wall_of(version));
    const json payload = json::parse(st->column_text(3), nullptr, false);
    auto parsed = Version::parse(version);
    out.push_back({{"version", version},
                   {"device_id", parsed ? parsed->device : ""},
                   {"written_at", iso8601_utc(wall_of(version))},
                   {"replaced_at", iso8601_utc(st->column_int(4))},
                   {"deleted", st->column_int(1) != 0},
                   {"answers", labelled_answers(registry, e.kind, static_cast<int>(st->column_int(2)), payload, lang)}});
  }
}

}  // namespace

Result<std::shared_ptr<const forms::FormRegistry>> load_form_registry(Database& db, const std::string& forms_dir) {
  auto registry = std::make_shared<forms::FormRegistry>();
  if (!forms_dir.empty()) (void)registry->load_directory(forms_dir);  // checked when serve starts
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare("SELECT payload FROM records WHERE kind = 'form' AND deleted = 0 ORDER BY seq");
  if (!st) return fail(st.error());
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const json def = json::parse(st->column_text(0), nullptr, false);
    if (!def.is_discarded()) (void)registry->add_json(def);
  }
  return std::shared_ptr<const forms::FormRegistry>(std::move(registry));
}

json labelled_answers(const forms::FormRegistry& registry, const std::string& kind, int form_version,
                      const json& payload, const std::string& lang) {
  const auto* def = registry.find(kind, form_version);
  if (!def) def = registry.find(kind);
  json out = def ? answers_for(def->fields, payload, lang) : json::array();
  if (!payload.is_object()) return out;
  for (const auto& item : payload.items()) {
    const std::string& key = item.key();  // named, not bound: clang does not capture bindings
    const json& value = item.value();
    if (key.empty() || key[0] == '_' || value.is_null()) continue;
    const bool named = def && std::any_of(def->fields.begin(), def->fields.end(), [&](const Field& f) { return f.name == key; });
    if (!named) out.push_back({{"key", key}, {"label", key}, {"value", value}, {"display", text_of(value)}});
  }
  return out;
}

Result<json> case_detail(Database& db, const CentreScope& scope, const std::string& case_id,
                         const forms::FormRegistry& registry, const std::string& lang) {
  auto found = find_case(db, scope, case_id);
  if (!found) return fail(found.error());
  if (!*found) return fail("not_found", "no case with this id");
  auto conflicts = list_conflicts(db, ConflictFilter{std::nullopt, case_id});
  if (!conflicts) return fail(conflicts.error());
  std::map<std::string, json> conflicts_by_record;
  for (auto& c : *conflicts) {
    auto& list = conflicts_by_record[c.value("record_id", "")];
    if (list.is_null()) list = json::array();
    list.push_back(std::move(c));
  }
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto envelopes = records_of_case(**lease, case_id);
  if (!envelopes) return fail(envelopes.error());
  std::vector<std::pair<std::int64_t, json>> records;
  for (const auto& e : *envelopes) {
    if (e.centre != (*found)->centre) continue;  // a link from another centre is not this case's
    std::int64_t created = wall_of(e.version.to_string());
    auto history = history_of(**lease, registry, e, lang, created);
    if (!history) return fail(history.error());
    auto c = conflicts_by_record.find(e.id);
    records.emplace_back(created, json{{"id", e.id},
                                       {"kind", e.kind},
                                       {"form_version", e.schema_version},
                                       {"created_at", iso8601_utc(created)},
                                       {"updated_at", iso8601_utc(e.version.hlc.wall_ms)},
                                       {"deleted", e.deleted},
                                       {"answers", labelled_answers(registry, e.kind, e.schema_version, e.payload, lang)},
                                       {"history", *history},
                                       {"conflicts", c == conflicts_by_record.end() ? json::array() : c->second}});
  }
  std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json list = json::array();
  for (auto& [_, r] : records) list.push_back(std::move(r));
  return json{{"case", to_json(**found)}, {"records", list}};
}

}  // namespace ws::server
