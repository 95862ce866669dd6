#pragma once
// The server's reply to a push, written as text without a JSON tree (protocol.hpp's to_json of
// a PushResponse is this text parsed).
#include <string>

#include "ws/protocol.hpp"

namespace ws::protocol {

// to_json(r).dump() byte for byte: keys in nlohmann's sorted order, its escapes.
std::string push_response_text(const PushResponse& r);

}  // namespace ws::protocol
