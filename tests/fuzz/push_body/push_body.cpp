// What the server's push route runs on a body it has read: parse_push_body (the split scanner,
// the depth limit, the strict request parse), then, as the ingest does on its checking
// threads, each record's JSON text and the strict envelope parse. An accepted envelope must
// survive its own round trip, and the simdjson reader the ingest tries first may decline any
// record, but one it accepts the strict parse must accept, with the same payload and its text.
// Read as the ingest reads it (the payload on simdjson's DOM, no tree), every shipped form
// judges the payload exactly as it judges the strict parse's tree.
#include <nlohmann/json.hpp>

#include "sync-server/http/body.hpp"
#include "tests/fuzz/fuzz.hpp"
#include "ws/envelope.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/forms/registry.hpp"
#include "ws/forms/validate.hpp"
#include "ws/json_view.hpp"

namespace ws::fuzz {
namespace {

using nlohmann::json;

const forms::FormRegistry& shipped() {
  static const forms::FormRegistry registry = [] {
    forms::FormRegistry r;
    if (!r.load_directory(std::string(WS_SOURCE_ASSETS_DIR) + "/forms")) invariant_failed("shipped forms load", __FILE__, __LINE__);
    return r;
  }();
  return registry;
}

void check_dom_reader(std::string_view text, const std::string& payload_text, const Envelope& strict) {
  forms::ValidationOptions options;
  options.today = "2026-06-15";
  bool visited = false;
  auto judge = [&](const Envelope& e, const json_view::Dom& payload) {
    visited = true;
    WS_FUZZ_CHECK(e.payload.empty());  // no tree built
    WS_FUZZ_CHECK(payload_tree(payload) == strict.payload);
    for (const auto& id : shipped().form_ids()) {
      const forms::FormDefinition& def = *shipped().find(id);
      WS_FUZZ_CHECK(forms::validate_dom(def, payload, options) == forms::validate(def, strict.payload, options));
    }
  };
  auto read = read_envelope(text, EnvelopeLimits{}, EnvelopeForm::Full, judge);
  WS_FUZZ_CHECK(read.has_value() && visited);
  WS_FUZZ_CHECK(read->payload.view() == payload_text);
}

void check_reader(std::string_view text) {
  auto read = read_envelope(text);
  if (!read) return;
  json raw = json::parse(text, nullptr, /*allow_exceptions=*/false);
  WS_FUZZ_CHECK(!raw.is_discarded());
  std::string payload_text;
  auto strict = envelope_from_json(std::move(raw), EnvelopeLimits{}, &payload_text);
  WS_FUZZ_CHECK(strict.has_value());
  WS_FUZZ_CHECK(read->payload.view() == payload_text);
  WS_FUZZ_CHECK(read->envelope.payload == strict->payload);
  WS_FUZZ_CHECK(to_json(read->envelope) == to_json(*strict));
  check_dom_reader(text, payload_text, *strict);
}

void check_envelope(json&& raw) {
  std::string payload_text;
  auto e = envelope_from_json(std::move(raw), EnvelopeLimits{}, &payload_text);
  if (!e) return;
  WS_FUZZ_CHECK(json::parse(payload_text, nullptr, false) == e->payload);
  (void)field_versions_json(e->field_versions);
  const json again = to_json(*e);
  auto reparsed = envelope_from_json(again);
  WS_FUZZ_CHECK(reparsed.has_value());
  WS_FUZZ_CHECK(to_json(*reparsed) == again);
}

}  // namespace

int push_body(const std::uint8_t* data, std::size_t size) {
  const std::string body(text_of(data, size));
  auto request = server::parse_push_body(body);
  if (!request) return 0;
  // The ingest refuses the whole body when one record's text does not parse; when all do, the
  // body must have been JSON (parse_push_body refused deeper bodies, so comparing is bounded).
  bool all_parse = true;
  for (auto text : request->record_texts) {
    check_reader(text);
    json raw = json::parse(text, nullptr, /*allow_exceptions=*/false);
    all_parse = all_parse && !raw.is_discarded();
    if (!raw.is_discarded()) check_envelope(std::move(raw));
  }
  if (!request->record_texts.empty() && all_parse) WS_FUZZ_CHECK(json::accept(body));
  for (auto& raw : request->records) check_envelope(std::move(raw));
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(push_body)
