#pragma once
// envelope_json's text appended to a buffer the caller owns: a feed writes a page of envelopes
// into one string instead of making (and copying) one string per record.
#include <string>

#include "ws/envelope.hpp"

namespace ws {

void append_envelope_json(std::string& out, const EnvelopeText& e);

}  // namespace ws
