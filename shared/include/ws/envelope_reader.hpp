#pragma once
// A fast reader of record envelopes and pull pages (simdjson), for the texts both sides parse
// by the thousand: the server's pushed records and the kiosk's pull pages.
//
// It is a fast path, not a second set of rules: it accepts only what the strict nlohmann path
// (envelope_from_json, parse_pull_response) accepts, and then returns exactly what that path
// returns. Whatever it does not accept (malformed JSON, a check failing, a duplicate key, a
// number it would read differently) it leaves to the strict path, by returning nothing, so
// that path's verdict and its error messages stay the only ones.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws/envelope.hpp"
#include "ws/protocol.hpp"

namespace ws {
namespace json_view {
class Dom;  // ws/json_view.hpp
}

// Where one of the payload's top-level members lies in the payload's text: its key between the
// quotes (escaped as written) and its value's JSON text. Code that wants a few members' values
// (the server's case columns) reads them there instead of scanning the text a second time.
struct PayloadMember {
  std::uint32_t key_at = 0, key_size = 0;
  std::uint32_t value_at = 0, value_size = 0;
};

// A payload's compact JSON (as envelope_from_json's payload_text): written out, or left where
// the text it was read from already holds it exactly so, as a view of that text (valid as long
// as the text is; `written` stays empty). A push's body is read whole and outlives its records'
// checks and write, so its records' payloads need no copy (docs/performance.md, session 29).
struct PayloadText {
  std::string written;
  std::string_view in_text;
  std::string_view view() const { return in_text.empty() ? std::string_view(written) : in_text; }
};

struct ReadEnvelope {
  Envelope envelope;
  // Left in the record's text only on the push path (the overload with a visitor).
  PayloadText payload;
  // The payload's top-level members in payload.view()'s order; filled by the overload with a
  // visitor (the push path), empty otherwise.
  std::vector<PayloadMember> members;
};

// The envelope in `text` (one record's JSON), as envelope_from_json(json::parse(text), limits,
// &payload_text, form) returns it when it accepts; nullopt where the strict path must decide.
std::optional<ReadEnvelope> read_envelope(std::string_view text, const EnvelopeLimits& limits = {},
                                          EnvelopeForm form = EnvelopeForm::Full);

// Reads the payload on simdjson's DOM instead of a tree: `visit` gets the accepted envelope
// (its payload left null) and the payload's DOM, which lives only during the call. The answer
// lists the payload's top-level members (ReadEnvelope::members).
using PayloadVisitor = std::function<void(const Envelope&, const json_view::Dom&)>;
std::optional<ReadEnvelope> read_envelope(std::string_view text, const EnvelopeLimits& limits, EnvelopeForm form,
                                          const PayloadVisitor& visit);
// The tree read_envelope builds for a payload it accepted, for code that still wants one.
nlohmann::json payload_tree(const json_view::Dom& payload);

namespace protocol {
// A pull page's body, as parse_pull_response(json::parse(body)) returns it when it accepts
// (payload_json filled); nullopt where the strict path must decide. `form` is the form of the
// records' `field_versions`, as for read_envelope: Compact keeps only what the page sent (what
// the kiosk stores for a new record), so a page of new records makes no entry per field only
// to write it back out compact and free it.
//
// `tree_wanted` (optional) names the records whose payload tree is built on the page's thread;
// the others keep their text only (a null `payload`) and their `_case_id` (case_ids), so a page
// of new records, stored as text, makes and frees no tree per record.
using TreeWanted = bool (*)(const Envelope&);
std::optional<PullResponse> read_pull_page(std::string_view body, EnvelopeForm form = EnvelopeForm::Full,
                                           TreeWanted tree_wanted = nullptr);
// The payload tree of record `i` of `page`: its own, or when the page was read without it,
// the tree read_pull_page would have built, made from the text it kept.
nlohmann::json payload_tree_of(const PullResponse& page, std::size_t i);
}  // namespace protocol

}  // namespace ws
