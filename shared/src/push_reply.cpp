#include "ws/push_reply.hpp"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace ws::protocol {
namespace {

// nlohmann's dump() of a string: printable ASCII without quote or backslash is written as it
// is (ids, statuses, most messages); anything else goes through nlohmann, so its escapes and its
// refusal of invalid UTF-8 stay the only ones.
void append_json_string(std::string& out, std::string_view s) {
  // A table lookup a byte: the reply echoes every record's id, and the four tests a byte cost
  // ~16 instructions a byte there (docs/performance.md, session 18).
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7f; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();
  bool plain = true;
  for (char c : s) plain &= kPlain[static_cast<unsigned char>(c)];
  if (!plain) {
    out += nlohmann::json(std::string(s)).dump();
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

namespace dom = simdjson::dom;

// Fills `slots` from an object's members named in `names` (others are ignored, as
// parse_push_response ignores them); false for a member seen twice (nlohmann keeps the last).
template <std::size_t N>
bool take_members(dom::object object, const std::string_view (&names)[N], std::optional<dom::element> (&slots)[N]) {
  for (dom::key_value_pair kv : object) {
    for (std::size_t i = 0; i < N; ++i) {
      if (kv.key != names[i]) continue;
      if (slots[i]) return false;
      slots[i] = kv.value;
    }
  }
  return true;
}

// The string `el` holds; nothing when it holds something else.
std::optional<std::string_view> text_of(const std::optional<dom::element>& el) {
  std::string_view s;
  if (!el || el->get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::optional<RecordResult> read_result(dom::element el) {
  static constexpr std::string_view kNames[] = {"id", "status", "error"};
  std::optional<dom::element> slots[3];
  dom::object object;
  if (el.get_object().get(object) != simdjson::SUCCESS || !take_members(object, kNames, slots)) return std::nullopt;
  const auto id = text_of(slots[0]);
  const auto status_text = text_of(slots[1]);
  if (!id || !status_text) return std::nullopt;
  auto status = record_status_from_string(std::string(*status_text));
  if (!status) return std::nullopt;
  RecordResult r{std::string(*id), *status, {}};
  if (slots[2]) {
    const auto error = text_of(slots[2]);
    if (!error) return std::nullopt;
    r.error = *error;
  }
  return r;
}

}  // namespace

std::optional<PushResponse> read_push_reply(std::string_view body) {
  static constexpr std::string_view kNames[] = {"batch_id", "cursor", "cursor_from", "results"};
  std::optional<dom::element> slots[4];
  dom::parser parser;  // a reply's thread is its request's own: nothing to keep for the next
  dom::element doc;
  dom::object object;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(object) != simdjson::SUCCESS || !take_members(object, kNames, slots)) {
    return std::nullopt;
  }
  const auto batch_id = text_of(slots[0]);
  dom::array results;
  if (!batch_id || batch_id->empty() || batch_id->size() > 36 || !slots[3] ||
      slots[3]->get_array().get(results) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  PushResponse r;
  r.batch_id = *batch_id;
  for (auto [slot, cursor] : {std::pair{&slots[1], &r.cursor}, std::pair{&slots[2], &r.cursor_from}}) {
    if (!*slot) continue;
    const auto text = text_of(*slot);
    if (!text) return std::nullopt;
    *cursor = *text;
  }
  r.results.reserve(results.size());
  for (dom::element x : results) {
    auto one = read_result(x);
    if (!one) return std::nullopt;
    r.results.push_back(std::move(*one));
  }
  return r;
}

// Written directly, in the order nlohmann's dump() gives (keys sorted): a tree of one object per
// record, built and dumped, cost the server ~5% of a push's instructions.
std::string push_response_text(const PushResponse& r) {
  std::string out;
  std::size_t size = r.batch_id.size() + r.cursor.size() + r.cursor_from.size() + 80;
  for (const auto& x : r.results) size += x.id.size() + x.error.size() + 40;
  out.reserve(size);
  out += "{\"batch_id\":";
  append_json_string(out, r.batch_id);
  out += ",\"cursor\":";
  append_json_string(out, r.cursor);
  if (!r.cursor_from.empty()) {
    out += ",\"cursor_from\":";
    append_json_string(out, r.cursor_from);
  }
  out += ",\"results\":[";
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const RecordResult& x = r.results[i];
    out += i == 0 ? "{" : ",{";
    if (!x.error.empty()) {
      out += "\"error\":";
      append_json_string(out, x.error);
      out += ',';
    }
    out += "\"id\":";
    append_json_string(out, x.id);
    out += ",\"status\":\"";
    out += to_string(x.status);
    out += "\"}";
  }
  out += "]}";
  return out;
}

}  // namespace ws::protocol
