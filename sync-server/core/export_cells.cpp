#include "sync-server/core/export_cells.hpp"

#include <vector>

#include <nlohmann/json.hpp>

namespace ws::server {
namespace {

using json_scan::Type;
using json_scan::Value;

// An integer nlohmann would write back unchanged: no sign trick, no leading zero, int64 range.
bool canonical_integer(std::string_view t) {
  std::size_t i = t.size() > 1 && t[0] == '-' ? 1 : 0;
  const std::size_t digits = t.size() - i;
  if (digits == 0 || digits > 18) return false;
  if (t[i] == '0') return digits == 1 && i == 0;
  for (; i < t.size(); ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

// Rare shapes (objects, odd numbers, lists of non-strings) go through nlohmann, so their text
// is exactly its compact dump.
bool append_dump(std::string& out, std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return false;
  append_csv_cell(out, j.dump());
  return true;
}

std::string_view body_of(const Value& v) { return v.text.substr(1, v.text.size() - 2); }

// A list of strings joined by "; " into `scratch`; false if an element is not a string.
bool joined_strings(std::string_view text, std::string& scratch, bool& malformed) {
  thread_local std::vector<Value> items;
  thread_local std::string item;
  malformed = !json_scan::elements(text, items);
  if (malformed) return false;
  scratch.clear();
  for (const auto& v : items) {
    if (v.type != Type::String) return false;
    if (!scratch.empty()) scratch += "; ";
    if (!v.escaped) {
      scratch += body_of(v);
    } else {
      if (!json_scan::unescape(body_of(v), item)) return malformed = true, false;
      scratch += item;
    }
  }
  return true;
}

// Whether a cell needs quotes: a byte loop (find_first_of calls memchr once per byte of the
// cell, a visible part of the export's profile).
bool needs_quotes(std::string_view v) {
  for (const char c : v) {
    if (static_cast<unsigned char>(c) <= ',' && (c == ',' || c == '"' || c == '\r' || c == '\n')) return true;
  }
  return false;
}

}  // namespace

void append_csv_cell(std::string& out, std::string_view v) {
  const bool guard = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
  if (!needs_quotes(v)) {
    if (guard) out += '\'';
    out += v;
    return;
  }
  out += '"';
  if (guard) out += '\'';
  for (std::size_t at = 0;;) {
    const std::size_t q = v.find('"', at);
    if (q == std::string_view::npos) {
      out += v.substr(at);
      break;
    }
    out += v.substr(at, q + 1 - at);
    out += '"';
    at = q + 1;
  }
  out += '"';
}

bool append_value_cell(std::string& out, const Value* v, std::string& scratch) {
  if (!v) return true;
  switch (v->type) {
    case Type::Null: return true;
    case Type::True:
    case Type::False: append_csv_cell(out, v->text); return true;
    case Type::String:
      if (!v->escaped) {
        append_csv_cell(out, body_of(*v));
        return true;
      }
      if (!json_scan::unescape(body_of(*v), scratch)) return false;
      append_csv_cell(out, scratch);
      return true;
    case Type::Number:
      if (!canonical_integer(v->text)) return append_dump(out, v->text);
      append_csv_cell(out, v->text);
      return true;
    case Type::Array: {
      bool malformed = false;
      if (joined_strings(v->text, scratch, malformed)) {
        append_csv_cell(out, scratch);
        return true;
      }
      return !malformed && append_dump(out, v->text);
    }
    case Type::Object: return append_dump(out, v->text);
  }
  return false;
}

}  // namespace ws::server
