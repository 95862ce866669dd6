#include "ws/envelope.hpp"
#include "ws/envelope_append.hpp"

#include "ws/ids.hpp"

namespace ws {
namespace {

bool all_chars(const std::string& s, bool (*allowed)(char)) {
  for (char c : s)
    if (!allowed(c)) return false;
  return true;
}
bool kind_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }
bool centre_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Unexpected field_error(const std::string& field, const std::string& what) {
  return fail("invalid_envelope", "field '" + field + "': " + what);
}

}  // namespace

Version Envelope::field_version(const std::string& field) const {
  auto it = field_versions.find(field);
  return it == field_versions.end() ? version : it->second;
}

bool is_valid_kind(const std::string& kind) {
  return !kind.empty() && kind.size() <= 64 && all_chars(kind, kind_char);
}

bool is_valid_centre(const std::string& centre) {
  return !centre.empty() && centre.size() <= 32 && all_chars(centre, centre_char);
}

int json_depth(const nlohmann::json& j) {
  // Iterative so that hostile nesting cannot overflow the stack here.
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&j, 1}};
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, depth);
    if (node->is_structured()) {
      for (const auto& child : *node) todo.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

nlohmann::json to_json(const Envelope& e, EnvelopeForm form) {
  nlohmann::json j = {
      {"id", e.id},
      {"kind", e.kind},
      {"centre", e.centre},
      {"version", e.version.to_string()},
      {"deleted", e.deleted},
      {"schema_version", e.schema_version},
      {"payload", e.payload},
  };
  nlohmann::json fv = nlohmann::json::object();
  for (const auto& [field, v] : e.field_versions) {
    if (form == EnvelopeForm::Compact && !kept_in_compact(field, v, e.version)) continue;
    fv[field] = v.to_string();
  }
  j["field_versions"] = std::move(fv);
  if (e.base_version) j["base_version"] = e.base_version->to_string();
  return j;
}

Result<Envelope> envelope_from_json(const nlohmann::json& j, const EnvelopeLimits& limits) {
  nlohmann::json copy = j;
  return envelope_from_json(std::move(copy), limits, nullptr);
}

Result<Envelope> envelope_from_json(nlohmann::json&& j, const EnvelopeLimits& limits, std::string* payload_text,
                                    EnvelopeForm form) {
  if (!j.is_object()) return fail("invalid_envelope", "a record must be a JSON object");
  static const char* known[] = {"id",      "kind",           "centre",  "version",        "deleted",
                                "payload", "schema_version", "field_versions", "base_version"};
  for (const auto& [key, _] : j.items()) {
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (!found) return field_error(key, "unknown field");
  }
  auto require_string = [&](const char* key) -> Result<std::string> {
    auto it = j.find(key);
    if (it == j.end()) return field_error(key, "missing");
    if (!it->is_string()) return field_error(key, "must be a string");
    return it->get<std::string>();
  };

  Envelope e;
  auto id = require_string("id");
  if (!id) return fail(id.error());
  if (!is_uuid(*id)) return field_error("id", "must be a lower-case UUID");
  e.id = *id;

  auto kind = require_string("kind");
  if (!kind) return fail(kind.error());
  if (!is_valid_kind(*kind)) return field_error("kind", "must be 1-64 characters of a-z, 0-9, '_' or '-'");
  e.kind = *kind;

  auto centre = require_string("centre");
  if (!centre) return fail(centre.error());
  if (!is_valid_centre(*centre)) return field_error("centre", "must be 1-32 letters, digits, '_' or '-'");
  e.centre = *centre;

  auto version_text = require_string("version");
  if (!version_text) return fail(version_text.error());
  auto version = Version::parse(*version_text);
  if (!version) return field_error("version", version.error().message);
  e.version = *version;

  if (auto it = j.find("deleted"); it != j.end()) {
    if (!it->is_boolean()) return field_error("deleted", "must be true or false");
    e.deleted = it->get<bool>();
  }
  if (auto it = j.find("schema_version"); it != j.end()) {
    if (!it->is_number_integer()) return field_error("schema_version", "must be an integer");
    const auto v = it->get<std::int64_t>();
    if (v < 1 || v > 10000) return field_error("schema_version", "must be between 1 and 10000");
    e.schema_version = static_cast<int>(v);
  }

  auto payload = j.find("payload");
  if (payload == j.end()) return field_error("payload", "missing");
  if (!payload->is_object()) return field_error("payload", "must be a JSON object");
  if (payload->size() > limits.max_fields) return field_error("payload", "has too many fields");
  if (json_depth(*payload) > limits.max_depth) return field_error("payload", "is nested too deeply");
  std::string text = payload->dump();
  if (text.size() > limits.max_payload_bytes) return field_error("payload", "is too large");

  if (auto it = j.find("field_versions"); it != j.end()) {
    if (!it->is_object()) return field_error("field_versions", "must be a JSON object");
    for (const auto& [field, v] : it->items()) {
      if (!v.is_string()) return field_error("field_versions." + field, "must be a string");
      auto fv = Version::parse(v.get<std::string>());
      if (!fv) return field_error("field_versions." + field, fv.error().message);
      if (fv->hlc > e.version.hlc) {
        return field_error("field_versions." + field, "is newer than the record's version");
      }
      if (form == EnvelopeForm::Full || kept_in_compact(field, *fv, e.version)) e.field_versions.emplace(field, *fv);
    }
  }
  if (auto it = j.find("base_version"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return field_error("base_version", "must be a string");
    auto bv = Version::parse(it->get<std::string>());
    if (!bv) return field_error("base_version", bv.error().message);
    e.base_version = *bv;
  }
  // Taken only now that nothing can refuse the record, so a refused `j` is still whole.
  e.payload = std::move(*payload);
  if (payload_text) *payload_text = std::move(text);
  if (form == EnvelopeForm::Full) expand_field_versions(e);
  return e;
}

namespace {

bool plain_key(const std::string& key) {
  for (char c : key) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace

std::string envelope_json(const EnvelopeText& e) {
  std::string out;
  out.reserve(e.payload.size() + e.field_versions.size() + 256);
  append_envelope_json(out, e);
  return out;
}

void append_envelope_json(std::string& out, const EnvelopeText& e) {
  auto text = [&](const char* key, std::string_view value) {
    out += '"';
    out += key;
    out += "\":\"";
    out += value;
    out += "\",";
  };
  // Keys in to_json's (alphabetical) order, so a record reads the same either way.
  out += '{';
  if (e.base_version) text("base_version", *e.base_version);
  text("centre", e.centre);
  out += e.deleted ? "\"deleted\":true," : "\"deleted\":false,";
  out += "\"field_versions\":";
  if (e.form == EnvelopeForm::Compact) out += compact_field_versions_json(e.field_versions, e.version);
  else out += e.field_versions;
  out += ',';
  text("id", e.id);
  text("kind", e.kind);
  out += "\"payload\":";
  out += e.payload;
  out += ",\"schema_version\":";
  out += std::to_string(e.schema_version);
  out += ",\"version\":\"";
  out += e.version;
  out += "\"}";
}

void expand_field_versions(Envelope& e) {
  if (!e.payload.is_object()) return;
  for (const auto& [field, _] : e.payload.items()) e.field_versions.try_emplace(field, e.version);
}

namespace {

// The end of the JSON string whose opening quote is at `open` (the closing quote's index),
// or npos. Escapes are skipped, not decoded.
std::size_t string_end(std::string_view text, std::size_t open) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') ++i;
    else if (text[i] == '"') return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string compact_field_versions_json(std::string_view text, std::string_view version) {
  // The stores write this text without whitespace ({"key":"version",...}); anything else is
  // passed on as it is.
  std::string out = "{";
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::string(text);
  std::size_t i = 1;
  while (i + 1 < text.size()) {
    if (text[i] != '"') return std::string(text);
    const std::size_t key_end = string_end(text, i);
    if (key_end == std::string_view::npos || key_end + 2 >= text.size() || text[key_end + 1] != ':' ||
        text[key_end + 2] != '"') {
      return std::string(text);
    }
    const std::size_t value_end = string_end(text, key_end + 2);
    if (value_end == std::string_view::npos) return std::string(text);
    const std::string_view key = text.substr(i + 1, key_end - i - 1);
    const std::string_view value = text.substr(key_end + 3, value_end - key_end - 3);
    // Only a plain top-level name can go: a key with an escape might hide a '/' of a row path.
    const bool implied = value == version && key.find('/') == std::string_view::npos &&
                         key.find('\\') == std::string_view::npos;
    if (!implied) {
      if (out.size() > 1) out += ',';
      out.append(text.substr(i, value_end + 1 - i));
    }
    i = value_end + 1;
    if (text[i] == ',' && i + 2 < text.size()) ++i;
    else if (i + 1 != text.size()) return std::string(text);
  }
  out += '}';
  return out;
}

bool kept_in_compact(const std::string& key, const Version& v, const Version& version) {
  return v != version || key.find('/') != std::string::npos;
}

namespace {

std::string versions_json(const std::map<std::string, Version>& field_versions, const Version* compact_at) {
  std::string out = "{";
  // Most fields share one version (a record's fields are saved together): its text is made once.
  const Version* last = nullptr;
  std::string last_text;
  for (const auto& [field, v] : field_versions) {
    if (compact_at && !kept_in_compact(field, v, *compact_at)) continue;
    if (out.size() > 1) out += ',';
    if (plain_key(field)) {
      out += '"';
      out += field;
      out += '"';
    } else {
      out += nlohmann::json(field).dump();
    }
    out += ":\"";
    if (!last || !(*last == v)) {
      last = &v;
      last_text = v.to_string();
    }
    out += last_text;  // hex digits, '-' and the device id: nothing to escape
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

std::string field_versions_json(const std::map<std::string, Version>& field_versions) {
  return versions_json(field_versions, nullptr);
}

std::string compact_field_versions_json(const std::map<std::string, Version>& field_versions, const Version& version) {
  return versions_json(field_versions, &version);
}

}  // namespace ws
