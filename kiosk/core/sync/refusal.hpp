#pragma once
// What a push reply other than 200 means. Only the server's own verdict on the content (its
// JSON error, behind its protocol header, with a code about the batch) may quarantine a record;
// a proxy's HTML page, a protocol-version mismatch or a 5xx is a fault of the way there, which
// the engine retries with backoff and shows in words.
#include <string>

#include "kiosk/core/sync/transport.hpp"
#include "ws/result.hpp"

namespace ws::kiosk {

enum class ReplyMeaning {
  BadContent,  // the server refused what the batch holds: split it, quarantine the record at fault
  Fault,       // anything else: the round fails, nothing is quarantined
};

// Pure: depends on the reply alone.
ReplyMeaning classify_push_refusal(const HttpReply& reply);

// Words for a reply that did not come from a Waystation server (no protocol header), e.g.
// "a proxy or firewall between this kiosk and the server refused the request (HTTP 403)".
Error not_from_server(const HttpReply& reply, const std::string& action);

}  // namespace ws::kiosk
