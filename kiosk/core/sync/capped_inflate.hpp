#pragma once
// Inflating a server's gzip or deflate reply without trusting its size: a few kilobytes can
// inflate to gigabytes (a "gzip bomb"), so inflation stops at a cap.
#include <cstddef>
#include <string>

#include "ws/result.hpp"

namespace ws::kiosk {

// "reply_too_large" once the output would pass `cap`; "network" for a corrupt stream.
Result<std::string> inflate_capped(const std::string& compressed, std::size_t cap);

}  // namespace ws::kiosk
