#pragma once
// The server's reply to a push as text: written without a JSON tree (protocol.hpp's to_json of
// a PushResponse is this text parsed), and read back without one.
#include <optional>
#include <string>
#include <string_view>

#include "ws/protocol.hpp"

namespace ws::protocol {

// to_json(r).dump() byte for byte: keys in nlohmann's sorted order, its escapes.
std::string push_response_text(const PushResponse& r);

// A fast reader (simdjson) of that text, not a second set of rules: it returns what
// parse_push_response(json::parse(body)) returns when the reply is plainly well formed, and
// nothing for anything else (malformed JSON, a missing or repeated member, an unknown status),
// which the strict path then judges with its own messages. A kiosk reads a reply per batch of
// up to 1,000 verdicts; nlohmann's tree cost its round thread ~0.05 s of a 20,000-record push.
std::optional<PushResponse> read_push_reply(std::string_view body);

}  // namespace ws::protocol
