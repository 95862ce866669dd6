#pragma once
// `sync-server audit` and `sync-server audit verify`.
#include "sync-server/cli/args.hpp"

namespace ws::server::cli {

int audit_list(const Args& args);
int audit_verify(const Args& args);
// `audit anchors`: the audit chain head each kiosk last reported with a sync.
int audit_anchors_command(const Args& args);

}  // namespace ws::server::cli
