#include "ws/envelope_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <simdjson.h>

#include "ws/case_id.hpp"
#include "ws/ids.hpp"
#include "ws/json_canonical.hpp"
#include "ws/json_split.hpp"
#include "ws/json_view.hpp"

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

// The payload as nlohmann would have parsed it, or false where it could differ: deeper than
// `max_depth` (the strict path's refusal), a duplicate key (nlohmann keeps the last), a -0
// (nlohmann reads an integer 0).
//
// `text` gets the tree's dump() in the same walk: every object's members are written in
// nlohmann's (std::map) order, as they come while their keys arrive sorted (kiosks send them
// so); the first key out of order rewinds the object and writes it sorted. The tree itself is
// built only when asked for: the server's push path judges the payload on the DOM
// (ws/json_view.hpp) and keeps nothing but the text.
class PayloadReader {
 public:
  // `members` (may be null) gets the spans of the top-level object's members in `text`.
  PayloadReader(int max_depth, std::string& text, std::vector<PayloadMember>* members = nullptr)
      : max_depth_(max_depth), text_(text), members_(members) {}

  // `out` null: the text only.
  bool read(dom::element el, int depth, json* out) {
    if (depth > max_depth_) return false;
    switch (el.type()) {
      case dom::element_type::OBJECT: return read_object(dom::object(el), depth, out);
      case dom::element_type::ARRAY: return read_array(dom::array(el), depth, out);
      case dom::element_type::INT64: {
        // nlohmann keeps a number without sign as unsigned, one with a sign as signed.
        const std::int64_t v = el.get_int64().value_unsafe();
        if (out != nullptr) {
          if (v >= 0) *out = static_cast<std::uint64_t>(v);
          else *out = v;
        }
        json_canonical::append_number(text_, v);
        return true;
      }
      case dom::element_type::UINT64: {
        const std::uint64_t v = el.get_uint64().value_unsafe();
        if (out != nullptr) *out = v;
        json_canonical::append_number(text_, v);
        return true;
      }
      case dom::element_type::DOUBLE: {
        const double v = el.get_double().value_unsafe();
        if (v == 0 && std::signbit(v)) return false;
        if (out != nullptr) *out = v;
        json_canonical::append_number(text_, v);
        return true;
      }
      case dom::element_type::STRING: {
        const std::string_view s = el.get_string().value_unsafe();
        if (out != nullptr) *out = std::string(s);
        json_canonical::append_string(text_, s);
        return true;
      }
      case dom::element_type::BOOL: {
        const bool v = el.get_bool().value_unsafe();
        if (out != nullptr) *out = v;
        text_ += v ? "true" : "false";
        return true;
      }
      case dom::element_type::NULL_VALUE:
        if (out != nullptr) *out = nullptr;
        text_ += "null";
        return true;
    }
    return false;
  }

  // Whether every object read so far had its keys in sorted order as sent.
  bool all_sorted() const { return all_sorted_; }

 private:
  using Member = std::pair<std::string_view, dom::element>;

  // One walk over the members: checking the keys' order before writing was a walk of its own.
  bool read_object(dom::object object, int depth, json* out) {
    const std::size_t start = text_.size();
    if (out != nullptr) *out = json::object();
    if (depth == 1 && members_ != nullptr) {
      members_->clear();
      members_->reserve(object.size());
    }
    text_ += '{';
    std::string_view previous;
    bool first = true;
    for (dom::key_value_pair kv : object) {
      if (!first && !(previous < kv.key)) return read_sorted(object, depth, out, start);
      if (!member(kv.key, kv.value, first, depth, out)) return false;
      previous = kv.key;
      first = false;
    }
    text_ += '}';
    return true;
  }

  // The object at `start` again, its members sorted (nlohmann's order).
  bool read_sorted(dom::object object, int depth, json* out, std::size_t start) {
    all_sorted_ = false;
    text_.resize(start);
    if (out != nullptr) *out = json::object();
    if (depth == 1 && members_ != nullptr) members_->clear();
    text_ += '{';
    std::vector<Member> members;
    for (dom::key_value_pair kv : object) members.emplace_back(kv.key, kv.value);
    std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i > 0 && members[i - 1].first == members[i].first) return false;
      if (!member(members[i].first, members[i].second, i == 0, depth, out)) return false;
    }
    text_ += '}';
    return true;
  }

  bool member(std::string_view key, dom::element value, bool first, int depth, json* out) {
    if (!first) text_ += ',';
    const std::size_t key_at = text_.size() + 1;
    json_canonical::append_string(text_, key);
    const std::size_t key_end = text_.size() - 1;
    text_ += ':';
    const std::size_t value_at = text_.size();
    bool read_ok = false;
    if (out == nullptr) {
      read_ok = read(value, depth + 1, nullptr);
    } else {
      auto [it, inserted] = out->get_ref<json::object_t&>().try_emplace(std::string(key));
      read_ok = inserted && read(value, depth + 1, &it->second);
    }
    if (read_ok && depth == 1 && members_ != nullptr) {
      members_->push_back(PayloadMember{static_cast<std::uint32_t>(key_at), static_cast<std::uint32_t>(key_end - key_at),
                                        static_cast<std::uint32_t>(value_at),
                                        static_cast<std::uint32_t>(text_.size() - value_at)});
    }
    return read_ok;
  }

  bool read_array(dom::array array, int depth, json* out) {
    json::array_t* items = nullptr;
    if (out != nullptr) {
      *out = json::array();
      items = &out->get_ref<json::array_t&>();
      items->reserve(array.size());
    }
    text_ += '[';
    bool first = true;
    for (dom::element item : array) {
      if (!first) text_ += ',';
      first = false;
      json* slot = nullptr;
      if (items != nullptr) slot = &items->emplace_back();
      if (!read(item, depth + 1, slot)) return false;
    }
    text_ += ']';
    return true;
  }

  int max_depth_;
  std::string& text_;
  std::vector<PayloadMember>* members_;
  bool all_sorted_ = true;
};

std::optional<std::string> string_of(dom::element el) {
  std::string_view s;
  if (el.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

std::optional<Version> version_of(dom::element el) {
  std::string_view sent;
  if (el.get_string().get(sent) != simdjson::SUCCESS) return std::nullopt;
  // Version::parse reads a std::string: the thread's one, so that reading a record's version
  // allocates only the device's text it keeps (docs/performance.md, session 18).
  thread_local std::string text;
  text.assign(sent);
  auto v = Version::parse(text);
  if (!v) return std::nullopt;
  return std::move(*v);  // a copy would allocate the device's text again
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

// Where the record's text (`text`, when the caller has it) already holds the payload as the
// reader would write it, the text is kept as sent, and the walk that writes it is not made.
bool keep_payload_as_sent(std::string_view text, std::size_t member_count, const EnvelopeLimits& limits,
                          ReadEnvelope& out) {
  if (text.empty()) return false;
  const auto sent = from_member_value(text, "payload");
  if (!sent) return false;
  out.members.reserve(member_count);
  const std::size_t size = json_canonical::canonical_length(*sent, limits.max_depth, &out.members);
  if (size == 0) return false;
  out.payload.in_text = sent->substr(0, size);
  return true;
}

// `text` is the record's JSON when the caller has it as one text, else empty.
std::optional<ReadEnvelope> read_record(dom::element el, std::string_view text, const EnvelopeLimits& limits,
                                        EnvelopeForm form, const PayloadVisitor* visit) {
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
  // Without a visitor the tree is wanted, and the walk that builds it writes the text too.
  const bool as_sent = visit != nullptr && keep_payload_as_sent(text, payload.size(), limits, out);
  PayloadReader reader(limits.max_depth, out.payload.written, visit != nullptr ? &out.members : nullptr);
  if (!as_sent && !reader.read(*m.payload, 1, visit != nullptr ? nullptr : &e.payload)) return std::nullopt;
  if (out.payload.view().size() > limits.max_payload_bytes) return std::nullopt;
  if (m.field_versions && !read_field_versions(*m.field_versions, form, e)) return std::nullopt;
  if (form == EnvelopeForm::Full) expand_field_versions(e);
  if (visit != nullptr) {
    // A text kept as sent had every object's keys in order.
    const bool sorted = as_sent || reader.all_sorted();
    (*visit)(e, sorted ? json_view::Dom::known_sorted(*m.payload) : json_view::Dom(*m.payload));
  }
  return out;
}

}  // namespace

std::optional<ReadEnvelope> read_envelope(std::string_view text, const EnvelopeLimits& limits, EnvelopeForm form) {
  std::optional<dom::parser> own;
  auto doc = parse(text, own);
  if (!doc) return std::nullopt;
  return read_record(*doc, text, limits, form, nullptr);
}

std::optional<ReadEnvelope> read_envelope(std::string_view text, const EnvelopeLimits& limits, EnvelopeForm form,
                                          const PayloadVisitor& visit) {
  std::optional<dom::parser> own;
  auto doc = parse(text, own);
  if (!doc) return std::nullopt;
  return read_record(*doc, text, limits, form, &visit);
}

json payload_tree(const json_view::Dom& payload) {
  json tree;
  std::string text;
  PayloadReader reader(EnvelopeLimits{}.max_depth, text);
  if (!reader.read(payload.element(), 1, &tree)) return json();
  return tree;
}

namespace protocol {

std::optional<PullResponse> read_pull_page(std::string_view body, EnvelopeForm form, TreeWanted tree_wanted) {
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
  if (tree_wanted != nullptr) r.case_ids.reserve(list.size());
  // Set by `visit` for the record being read: its tree when wanted, else its case id.
  json tree;
  std::optional<std::string> case_id;
  const PayloadVisitor visit = [&](const Envelope& e, const json_view::Dom& payload) {
    if (tree_wanted(e)) tree = payload_tree(payload);
    else case_id = case_id_of(payload);
  };
  for (dom::element x : list) {
    auto e = read_record(x, {}, EnvelopeLimits{}, form, tree_wanted != nullptr ? &visit : nullptr);
    if (!e) return std::nullopt;
    r.records.push_back(std::move(e->envelope));
    r.payload_json.push_back(std::move(e->payload.written));
    if (tree_wanted == nullptr) continue;
    r.records.back().payload = std::move(tree);
    tree = json();
    r.case_ids.push_back(std::move(case_id));
    case_id.reset();
  }
  return r;
}

json payload_tree_of(const PullResponse& page, std::size_t i) {
  const Envelope& e = page.records[i];
  if (!e.payload.is_null() || page.payload_json.size() != page.records.size()) return e.payload;
  std::optional<dom::parser> own;
  auto doc = parse(page.payload_json[i], own);
  if (!doc) return json();
  return payload_tree(json_view::Dom(*doc));
}

}  // namespace protocol
}  // namespace ws
