#pragma once
// gzip at level 1, for sync bodies on both sides (push requests from the kiosk, pull pages from
// the server). Records repeat their field names and versions, so the fastest level already
// shrinks them to a few percent; higher levels cost several times the CPU on the sync's
// critical path for little more.
#include <optional>
#include <string>
#include <string_view>

namespace ws {

// nullopt only when zlib fails (out of memory).
std::optional<std::string> gzip_fast(std::string_view body);

// Whether an Accept-Encoding header value names gzip (as cpp-httplib decides it: no q-values).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace ws
