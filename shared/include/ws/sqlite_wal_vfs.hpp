#pragma once
// A SQLite VFS that writes each WAL frame with one system call instead of two.
//
// SQLite 3.40 writes a WAL frame as two calls: its 24-byte header, then the page right after it.
// The shim holds a 24-byte write to a WAL file and, when the very next call on that file writes
// at offset + 24, issues both as one write through the VFS below. Any other call on the file
// first writes the held header unchanged. Every other file passes straight to the VFS below.
#include <sqlite3.h>

#include <string>

#include "ws/result.hpp"

namespace ws::sql {

// The shim over the process's default VFS, registered once (not as the default); the name to
// pass to sqlite3_open_v2. Connection::open opens every database with it.
const char* wal_coalescing_vfs_name();

// Registers a shim named `name` over `inner` (tests put a recording VFS below it). `name` and
// `inner` must outlive the process's use of SQLite; the shim is never unregistered.
Status register_wal_coalescing_vfs(const std::string& name, sqlite3_vfs* inner);

}  // namespace ws::sql
