#include "sync-server/core/hq_publish.hpp"

#include <regex>

#include "sync-server/core/devices.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/records.hpp"
#include "ws/content/bundle.hpp"
#include "ws/content/languages.hpp"
#include "ws/forms/form.hpp"

namespace ws::server {
namespace {

using nlohmann::json;

json texts(const forms::LocalizedText& t) { return json(t.texts); }

// The quoted name after `what` in a refusal ("field 'age'", "page 'support'"), or "".
std::string named(const std::string& message, const char* what) {
  std::smatch m;
  if (std::regex_search(message, m, std::regex(std::string(what) + " '([^']*)'"))) return m[1];
  return "";
}

// The page a form's top-level field is on, from the raw definition.
std::string page_of_field(const json& definition, const std::string& field) {
  const auto fields = definition.find("fields");
  if (field.empty() || fields == definition.end() || !fields->is_array()) return "";
  const std::string top = field.substr(0, field.find('.'));
  for (const auto& f : *fields) {
    if (f.is_object() && f.value("name", json()) == top && f.contains("page") && f["page"].is_string()) {
      return f["page"].get<std::string>();
    }
  }
  return "";
}

PublishProblem place(const std::string& kind, const json& definition, const std::string& message) {
  PublishProblem p{named(message, "page"), named(message, "field"), message};
  if (kind == "form" && p.page.empty()) p.page = page_of_field(definition, p.field);
  return p;
}

json field_preview(const forms::Field& f) {
  json choices = json::array();
  for (const auto& c : f.choices) choices.push_back({{"value", c.value}, {"label", texts(c.label)}});
  json children = json::array();
  for (const auto& child : f.fields) children.push_back(field_preview(child));
  return {{"name", f.name},       {"type", std::string(forms::to_string(f.type))},
          {"label", texts(f.label)}, {"hint", texts(f.hint)},
          {"required", f.required || f.required_if.has_value()},
          {"choices", choices},   {"fields", children}};
}

json form_preview(const forms::FormDefinition& def) {
  json pages = json::array();
  for (const auto& page : def.pages) {
    json fields = json::array();
    for (const auto& f : def.fields) {
      if (f.page == page.id) fields.push_back(field_preview(f));
    }
    pages.push_back({{"id", page.id}, {"title", texts(page.title)}, {"fields", fields}});
  }
  return {{"kind", "form"},         {"id", def.id},          {"version", def.version},
          {"title", texts(def.title)}, {"languages", def.languages()}, {"pages", pages}};
}

json language_of(const std::string& code) {
  const content::Language* l = content::find_language(code);
  return {{"code", code},
          {"name", l ? std::string(l->native_name) : code},
          {"dir", l && l->rtl ? "rtl" : "ltr"},
          {"lang", l ? std::string(l->bcp47) : code}};
}

json block_preview(const content::Block& b) {
  static const char* kTypes[] = {"heading", "paragraph", "note", "list", "image", "qr"};
  json out = {{"type", kTypes[static_cast<int>(b.type)]}, {"text", b.text}};
  if (b.type == content::BlockType::List) out["items"] = b.items, out["ordered"] = b.ordered;
  if (b.type == content::BlockType::Image) out["src"] = b.src;
  if (b.type == content::BlockType::Qr) out["url"] = b.url;
  return out;
}

json bundle_preview(const content::Bundle& bundle) {
  json languages = json::array();
  for (const auto& code : bundle.languages) languages.push_back(language_of(code));
  json pages = json::array();
  for (std::size_t i = 0; i < bundle.pages.size(); ++i) {
    json per_language = json::object();
    for (const auto& code : bundle.languages) {
      auto resolved = content::resolve_page(bundle, i, code);
      if (!resolved || !resolved->text) continue;
      // The text shown is in the fallback's language: its direction and lang come from there.
      json shown = language_of(resolved->language);
      json blocks = json::array();
      for (const auto& b : resolved->text->blocks) blocks.push_back(block_preview(b));
      per_language[code] = {{"dir", shown["dir"]},         {"lang", shown["lang"]},
                            {"title", resolved->text->title}, {"blocks", blocks},
                            {"fallback_from", resolved->is_fallback ? resolved->language : ""},
                            {"machine_draft", resolved->is_machine_draft}};
    }
    const auto& page = bundle.pages[i];
    pages.push_back({{"id", page.id},
                     {"kind", page.kind == content::PageKind::Story ? "story" : "topic"},
                     {"languages", per_language}});
  }
  return {{"kind", "content"}, {"id", bundle.id}, {"version", bundle.version}, {"languages", languages},
          {"pages", pages}};
}

}  // namespace

PublicationCheck check_publication(const std::string& kind, const json& definition) {
  PublicationCheck out;
  // The shape, id and version first (one problem stops there), then every problem the kiosks'
  // own parser finds, so HQ fixes them all in one go.
  auto target = check_publishable(kind, definition, nullptr);
  if (!target) {
    out.errors.push_back(place(kind, definition, target.error().message));
    return out;
  }
  for (const auto& problem : definition_problems(kind, definition))
    out.errors.push_back(place(kind, definition, problem.message));
  if (!out.errors.empty()) return out;
  // Parsed again for the preview: the check above only lists problems.
  if (kind == "form") {
    auto def = forms::parse_definition(definition);
    if (def) out.preview = form_preview(*def);
  } else {
    auto bundle = content::parse_bundle(definition, /*require_files=*/true);
    if (bundle) out.preview = bundle_preview(*bundle);
  }
  out.ok = true;
  return out;
}

json to_json(const PublicationCheck& check) {
  json errors = json::array();
  for (const auto& e : check.errors) errors.push_back({{"page", e.page}, {"field", e.field}, {"message", e.message}});
  return {{"ok", check.ok}, {"errors", errors}, {"preview", check.preview}};
}

Result<std::vector<Published>> publish_to_centres(Database& db, const std::string& kind, const json& definition,
                                                 const std::vector<std::string>& centres) {
  if (auto target = check_publishable(kind, definition, publish_definition_check()); !target) {
    return fail(target.error());
  }
  for (const auto& c : centres) {
    if (!is_valid_centre(c) || c == kAllCentres) {
      return fail("invalid_request", "a centre code is 1-32 letters, digits, '_' or '-'");
    }
  }
  std::vector<Published> out;
  const std::vector<std::string> scopes = centres.empty() ? std::vector<std::string>{""} : centres;
  for (const auto& centre : scopes) {
    auto published = publish(db, kind, definition, centre, publish_definition_check());
    if (!published) return fail(published.error());
    out.push_back(*published);
  }
  return out;
}

Result<json> list_published(Database& db, const CentreScope& scope, const std::optional<std::string>& kind) {
  auto lease = db.acquire();
  if (!lease) return fail(lease.error());
  auto st = (*lease)->prepare(
      "SELECT id, kind, centre, schema_version, updated_at_ms, "
      "CASE kind WHEN 'form' THEN json_extract(payload, '$.id') ELSE json_extract(payload, '$.bundle') END "
      "FROM records "
      "WHERE kind IN ('form', 'content') AND deleted = 0 AND (?1 IS NULL OR kind = ?1) "
      "AND version LIKE '%@server' ORDER BY kind, updated_at_ms DESC");
  if (!st) return fail(st.error());
  st->bind(1, kind);
  json out = json::array();
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const std::string centre = st->column_text(2);
    if (centre != kAllCentres && !scope.allows(centre)) continue;
    out.push_back({{"record_id", st->column_text(0)},
                   {"kind", st->column_text(1)},
                   {"id", st->column_text(5)},
                   {"version", st->column_int(3)},
                   {"centre", centre == kAllCentres ? "" : centre},
                   {"published_at", iso8601_utc(st->column_int(4))}});
  }
  return out;
}

}  // namespace ws::server
