#include "sync-server/core/case_columns.hpp"

namespace ws::server {
namespace {

using json_scan::Type;

// json_extract's value of a member, as the TEXT column stores it: strings decoded, true and
// false as 1 and 0, numbers, objects and arrays as their (compact, stored) JSON text.
std::optional<std::string> column_text(const json_scan::Value& v) {
  switch (v.type) {
    case Type::Null:
      return std::nullopt;
    case Type::True:
      return std::string("1");
    case Type::False:
      return std::string("0");
    case Type::String: {
      const std::string_view body = v.text.substr(1, v.text.size() - 2);
      if (!v.escaped) return std::string(body);
      std::string out;
      if (!json_scan::unescape(body, out)) return std::nullopt;
      return out;
    }
    default:
      return std::string(v.text);
  }
}

// Which payload keys feed a column, by the record's kind: judged once a record, not once a key.
enum class ColumnKeys { CaseHeader, Intake, CaseIdOnly };

ColumnKeys column_keys_of(std::string_view kind) {
  if (kind == "case") return ColumnKeys::CaseHeader;
  if (kind == "intake") return ColumnKeys::Intake;
  return ColumnKeys::CaseIdOnly;
}

// The column a payload key feeds for this kind of record, or nullptr.
std::optional<std::string>* slot_of(CaseColumns& c, ColumnKeys keys, std::string_view key) {
  if (key == "_case_id") return &c.case_id;
  switch (keys) {
    case ColumnKeys::CaseIdOnly:
      return nullptr;
    case ColumnKeys::Intake:
      return key == "nationality" ? &c.nationality : nullptr;
    case ColumnKeys::CaseHeader:
      break;
  }
  if (key == "case_number") return &c.number;
  if (key == "name_latin") return &c.name;
  if (key == "name_native") return &c.name_native;
  if (key == "status") return &c.status;
  if (key == "counsellor") return &c.counsellor;
  if (key == "date_opened") return &c.opened;
  return nullptr;
}

// The same for a key as written between its quotes.
std::optional<std::string>* slot_of_raw(CaseColumns& c, ColumnKeys keys, std::string_view raw_key, bool escaped) {
  if (!escaped) return slot_of(c, keys, raw_key);
  return slot_of(c, keys, json_scan::key_of(json_scan::Member{raw_key, true, {}}));
}

}  // namespace

CaseColumns CaseColumnReader::read(std::string_view kind, std::string_view payload_text) {
  CaseColumns c;
  if (!json_scan::members(payload_text, members_)) return c;
  const ColumnKeys keys = column_keys_of(kind);
  for (const auto& m : members_) {
    // Stored payloads are nlohmann dumps: no key appears twice.
    if (auto* slot = slot_of_raw(c, keys, m.key, m.key_escaped)) *slot = column_text(m.value);
  }
  return c;
}

CaseColumns read_case_columns(std::string_view kind, std::string_view payload_text,
                              const std::vector<PayloadMember>& members) {
  CaseColumns c;
  const ColumnKeys keys = column_keys_of(kind);
  for (const auto& m : members) {
    const std::string_view key = payload_text.substr(m.key_at, m.key_size);
    // A column's key holds no byte the stored form escapes ('"', '\\', control bytes), so an
    // escaped key is never one: the plain comparison alone decides (session 18; the escape
    // search cost ~20 instructions a member).
    auto* slot = slot_of(c, keys, key);
    json_scan::Value value;
    // Only a wanted member's value is scanned.
    if (slot && json_scan::value(payload_text.substr(m.value_at, m.value_size), value)) *slot = column_text(value);
  }
  return c;
}

CaseColumns read_case_columns(std::string_view kind, std::string_view payload_text) {
  // One scratch per thread: the checking threads read in parallel.
  thread_local CaseColumnReader reader;
  return reader.read(kind, payload_text);
}

}  // namespace ws::server
