#pragma once
// Copies of live SQLite files with SQLite's online backup API, for the server's `backup` and
// `restore` and the kiosk's `backup`: one snapshot (the caller holds a read transaction on the
// source), a few pages per step, a new private file, fsynced and checked.
#include <cstdint>
#include <string>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::sql {

// Creates `path` empty with mode 0600; refuses an existing file.
Status create_private_file(const std::string& path);

// Copies everything `src` sees in its current read transaction into the database file at `to`
// (journal_mode DELETE: one self-contained file). Returns the number of pages copied.
Result<std::int64_t> copy_database_into(Connection& src, const std::string& to);

// fsync of a file (O_RDONLY) or a folder (O_RDONLY | O_DIRECTORY).
Status fsync_path(const std::string& path, int flags);

// PRAGMA integrity_check's verdict on the file: "ok" or an error.
Status check_integrity(const std::string& path);

}  // namespace ws::sql
