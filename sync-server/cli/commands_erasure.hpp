#pragma once
// `sync-server erase` and `sync-server retention` (HQ's data-protection commands).
#include "sync-server/cli/args.hpp"

namespace ws::server::cli {

// --case ID --reason TEXT [--by NAME] | --pending | --list
int erase_command(const Args& args);
// --centre CODE --days N
int retention_command(const Args& args);

}  // namespace ws::server::cli
