#include "ws/envelope_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

#include "ws/ids.hpp"

namespace ws {
namespace {

namespace dom = simdjson::dom;
using nlohmann::json;

// One parser per thread: it keeps its buffers from one text to the next, and the texts it
// hands out (string views into them) never cross threads. A text larger than this gets a
// parser of its own, freed after it, so that no thread keeps buffers (several times a text's
// size) for the largest text it ever saw.
constexpr std::size_t kKeptParserBytes = 8 * 1024 * 1024;

Result<dom::element> parse(std::string_view text, std::optional<dom::parser>& own) {
  thread_local dom::parser kept;
  dom::parser& parser = text.size() > kKeptParserBytes ? own.emplace() : kept;
  dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS) return fail("invalid_json", "");
  return doc;
}

// True when one of the 8 bytes at `p` is below 0x20, '"' or '\\' (exact, word-at-a-time: the
// byte loop below was the largest cost of writing a payload's text).
bool needs_escape8(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  auto below = [](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHighs; };
  return (below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1)) != 0;
}

// nlohmann's dump() (no indent, UTF-8 kept) for strings already known to be valid UTF-8: its
// own checks every byte through a UTF-8 decoder, and was the largest part of the read.
void append_escaped(std::string& out, std::string_view s) {
  out += '"';
  std::size_t plain = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size() && !needs_escape8(s.data() + i)) i += 8;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default: {
        static const char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
      }
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

// The text j.dump() gives, for a tree PayloadReader built (valid UTF-8, finite numbers).
void append_compact(std::string& out, const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_escaped(out, key);
        out += ':';
        append_compact(out, value);
      }
      out += '}';
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : j.get_ref<const json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        append_compact(out, item);
      }
      out += ']';
      return;
    }
    case json::value_t::string: append_escaped(out, j.get_ref<const std::string&>()); return;
    case json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case json::value_t::null: out += "null"; return;
    case json::value_t::number_integer: out += std::to_string(j.get<std::int64_t>()); return;
    case json::value_t::number_unsigned: out += std::to_string(j.get<std::uint64_t>()); return;
    default: out += j.dump(); return;  // floats: nlohmann's own shortest form
  }
}

// The payload as nlohmann would have parsed it (the validator and the merge read that), or
// false where it could differ: deeper than `max_depth` (the strict path's refusal), a duplicate
// key (nlohmann keeps the last), a -0 (nlohmann reads an integer 0).
//
// `text` gets the tree's dump() in the same walk, while every object's keys arrive in strictly
// increasing order (nlohmann's std::map order, which is how kiosks send them); the first object
// that does not clears `text` and leaves it to append_compact, over the finished tree.
class PayloadReader {
 public:
  PayloadReader(int max_depth, std::string& text) : max_depth_(max_depth), text_(&text) {}

  bool read(dom::element el, int depth, json& out) {
    if (depth > max_depth_) return false;
    switch (el.type()) {
      case dom::element_type::OBJECT: return read_object(dom::object(el), depth, out);
      case dom::element_type::ARRAY: return read_array(dom::array(el), depth, out);
      case dom::element_type::INT64: {
        // nlohmann keeps a number without sign as unsigned, one with a sign as signed.
        const std::int64_t v = el.get_int64().value_unsafe();
        if (v >= 0) out = static_cast<std::uint64_t>(v);
        else out = v;
        append_number(v);
        return true;
      }
      case dom::element_type::UINT64: {
        const std::uint64_t v = el.get_uint64().value_unsafe();
        out = v;
        append_number(v);
        return true;
      }
      case dom::element_type::DOUBLE: {
        const double v = el.get_double().value_unsafe();
        if (v == 0 && std::signbit(v)) return false;
        out = v;
        if (text_ != nullptr) *text_ += out.dump();  // nlohmann's own shortest form
        return true;
      }
      case dom::element_type::STRING: {
        const std::string_view s = el.get_string().value_unsafe();
        out = std::string(s);
        if (text_ != nullptr) append_escaped(*text_, s);
        return true;
      }
      case dom::element_type::BOOL: {
        const bool v = el.get_bool().value_unsafe();
        out = v;
        append(v ? "true" : "false");
        return true;
      }
      case dom::element_type::NULL_VALUE: out = nullptr; append("null"); return true;
    }
    return false;
  }

  // False once an object's keys came out of order: the text is then empty and incomplete.
  bool text_written() const { return text_ != nullptr; }

 private:
  bool read_object(dom::object object, int depth, json& out) {
    out = json::object();
    auto& fields = out.get_ref<json::object_t&>();
    append("{");
    std::string_view previous;
    bool first = true;
    for (dom::key_value_pair kv : object) {
      if (text_ != nullptr && !first && !(previous < kv.key)) {
        text_->clear();
        text_ = nullptr;
      }
      if (text_ != nullptr) {
        if (!first) *text_ += ',';
        append_escaped(*text_, kv.key);
        *text_ += ':';
      }
      first = false;
      previous = kv.key;
      auto [it, inserted] = fields.try_emplace(std::string(kv.key));
      if (!inserted || !read(kv.value, depth + 1, it->second)) return false;
    }
    append("}");
    return true;
  }

  bool read_array(dom::array array, int depth, json& out) {
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    items.reserve(array.size());
    append("[");
    for (dom::element item : array) {
      if (!items.empty()) append(",");
      items.emplace_back();
      if (!read(item, depth + 1, items.back())) return false;
    }
    append("]");
    return true;
  }

  void append(std::string_view s) {
    if (text_ != nullptr) *text_ += s;
  }

  template <typename Int>
  void append_number(Int v) {
    if (text_ == nullptr) return;
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    text_->append(digits, end);
  }

  int max_depth_;
  std::string* text_;  // null once the walk's order stopped being nlohmann's
};

std::optional<std::string> string_of(dom::element el) {
  std::string_view s;
  if (el.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

std::optional<Version> version_of(dom::element el) {
  auto text = string_of(el);
  if (!text) return std::nullopt;
  auto v = Version::parse(*text);
  if (!v) return std::nullopt;
  return *v;
}

// The top-level members of an envelope, each seen at most once.
struct Members {
  std::optional<dom::element> id, kind, centre, version, deleted, payload, schema_version, field_versions,
      base_version;

  // False for an unknown or repeated key.
  bool take(std::string_view key, dom::element value) {
    std::optional<dom::element>* slot = key == "id"               ? &id
                                        : key == "kind"           ? &kind
                                        : key == "centre"         ? &centre
                                        : key == "version"        ? &version
                                        : key == "deleted"        ? &deleted
                                        : key == "payload"        ? &payload
                                        : key == "schema_version" ? &schema_version
                                        : key == "field_versions" ? &field_versions
                                        : key == "base_version"   ? &base_version
                                                                  : nullptr;
    if (slot == nullptr || slot->has_value()) return false;
    *slot = value;
    return true;
  }
};

bool read_field_versions(dom::element el, EnvelopeForm form, Envelope& e) {
  dom::object versions;
  if (el.get_object().get(versions) != simdjson::SUCCESS) return false;
  for (dom::key_value_pair kv : versions) {
    auto v = version_of(kv.value);
    if (!v || v->hlc > e.version.hlc) return false;
    std::string field(kv.key);
    if (form == EnvelopeForm::Compact && !kept_in_compact(field, *v, e.version)) {
      // A repeated key would have replaced the entry in the strict path: let it decide.
      if (e.field_versions.count(field) > 0) return false;
      continue;
    }
    if (!e.field_versions.emplace(std::move(field), *v).second) return false;
  }
  return true;
}

bool read_scalars(const Members& m, Envelope& e) {
  auto id = string_of(*m.id);
  auto kind = string_of(*m.kind);
  auto centre = string_of(*m.centre);
  auto version = version_of(*m.version);
  if (!id || !is_uuid(*id) || !kind || !is_valid_kind(*kind) || !centre || !is_valid_centre(*centre) || !version) {
    return false;
  }
  e.id = std::move(*id);
  e.kind = std::move(*kind);
  e.centre = std::move(*centre);
  e.version = *version;
  if (m.deleted && m.deleted->get_bool().get(e.deleted) != simdjson::SUCCESS) return false;
  if (m.schema_version) {
    std::int64_t v = 0;
    // An unsigned beyond int64 is the strict path's to refuse.
    if (m.schema_version->type() != dom::element_type::INT64) return false;
    v = m.schema_version->get_int64().value_unsafe();
    if (v < 1 || v > 10000) return false;
    e.schema_version = static_cast<int>(v);
  }
  if (m.base_version && !m.base_version->is_null()) {
    auto bv = version_of(*m.base_version);
    if (!bv) return false;
    e.base_version = *bv;
  }
  return true;
}

std::optional<ReadEnvelope> read_record(dom::element el, const EnvelopeLimits& limits, EnvelopeForm form) {
  dom::object record;
  if (el.get_object().get(record) != simdjson::SUCCESS) return std::nullopt;
  Members m;
  for (dom::key_value_pair kv : record) {
    if (!m.take(kv.key, kv.value)) return std::nullopt;
  }
  if (!m.id || !m.kind || !m.centre || !m.version || !m.payload) return std::nullopt;
  ReadEnvelope out;
  Envelope& e = out.envelope;
  if (!read_scalars(m, e)) return std::nullopt;
  dom::object payload;
  if (m.payload->get_object().get(payload) != simdjson::SUCCESS || payload.size() > limits.max_fields) {
    return std::nullopt;
  }
  PayloadReader reader(limits.max_depth, out.payload_text);
  if (!reader.read(*m.payload, 1, e.payload)) return std::nullopt;
  if (!reader.text_written()) append_compact(out.payload_text, e.payload);
  if (out.payload_text.size() > limits.max_payload_bytes) return std::nullopt;
  if (m.field_versions && !read_field_versions(*m.field_versions, form, e)) return std::nullopt;
  if (form == EnvelopeForm::Full) expand_field_versions(e);
  return out;
}

}  // namespace

std::optional<ReadEnvelope> read_envelope(std::string_view text, const EnvelopeLimits& limits, EnvelopeForm form) {
  std::optional<dom::parser> own;
  auto doc = parse(text, own);
  if (!doc) return std::nullopt;
  return read_record(*doc, limits, form);
}

namespace protocol {

std::optional<PullResponse> read_pull_page(std::string_view body) {
  std::optional<dom::parser> own;
  auto doc = parse(body, own);
  dom::object page;
  if (!doc || doc->get_object().get(page) != simdjson::SUCCESS) return std::nullopt;
  std::optional<dom::element> records, cursor, more;
  for (dom::key_value_pair kv : page) {
    auto* slot = kv.key == "records" ? &records : kv.key == "cursor" ? &cursor : kv.key == "more" ? &more : nullptr;
    if (slot == nullptr) continue;  // the strict path ignores other members too
    if (slot->has_value()) return std::nullopt;
    *slot = kv.value;
  }
  dom::array list;
  if (!records || records->get_array().get(list) != simdjson::SUCCESS || !cursor) return std::nullopt;
  PullResponse r;
  auto cursor_text = string_of(*cursor);
  if (!cursor_text) return std::nullopt;
  r.cursor = std::move(*cursor_text);
  if (more && more->is_bool()) r.more = more->get_bool().value_unsafe();
  r.records.reserve(list.size());
  r.payload_json.reserve(list.size());
  for (dom::element x : list) {
    auto e = read_record(x, EnvelopeLimits{}, EnvelopeForm::Full);
    if (!e) return std::nullopt;
    r.records.push_back(std::move(e->envelope));
    r.payload_json.push_back(std::move(e->payload_text));
  }
  return r;
}

}  // namespace protocol
}  // namespace ws
