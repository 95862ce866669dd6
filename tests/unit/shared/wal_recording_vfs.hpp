#pragma once
// Test-only VFS that records, in order, every call made on WAL files, then passes it to the
// default VFS. Put the WAL shim over it to see exactly what the shim hands down.
#include <sqlite3.h>

#include <string>
#include <vector>

namespace ws::test {

struct WalCall {
  std::string op;  // "write", "read", "sync", "truncate", "size", "lock", "close", ...
  sqlite3_int64 offset = 0;
  int amount = 0;
};

// The recorder's name, registered once over the default VFS.
const char* wal_recording_vfs_name();
// Calls recorded so far (all WAL files of the process), oldest first.
std::vector<WalCall>& recorded_wal_calls();

}  // namespace ws::test
