#pragma once
// `sync-server audit` and `sync-server audit verify`.
#include <cstdint>
#include <optional>
#include <string>

#include "sync-server/cli/args.hpp"

namespace ws::server::cli {

int audit_list(const Args& args);
int audit_verify(const Args& args);

// --since: a duration back from now ("24h", "7d") or a UTC date "YYYY-MM-DD[THH:MM:SSZ]".
std::optional<std::int64_t> parse_since_ms(const std::string& text, std::int64_t now_ms);

}  // namespace ws::server::cli
