#pragma once
// `sync-server audit` and `sync-server audit verify`.
#include "sync-server/cli/args.hpp"

namespace ws::server::cli {

int audit_list(const Args& args);
int audit_verify(const Args& args);

}  // namespace ws::server::cli
