#pragma once
// Disk space held back in the data folder (DIR/space-reserve, preallocated with fallocate) so
// that a full disk cannot strand records: when SQLite reports the disk full during sync work,
// the store deletes the reserve and retries once, which gives the push, its acknowledgement
// and the pull's bookkeeping room in the WAL. It is made again at a later open, once the file
// system has room for it and as much again (so it never takes the last free space).
#include <cstdint>
#include <string>

#include "ws/result.hpp"

namespace ws::kiosk::reserve {

inline constexpr std::int64_t kBytes = 8 * 1024 * 1024;

std::string path(const std::string& data_dir);
bool present(const std::string& data_dir);
// Creates the reserve when it is missing and there is room; an existing one is left alone.
Status ensure(const std::string& data_dir, std::int64_t bytes = kBytes);
// Deletes the reserve; true when there was one, i.e. space was freed.
bool release(const std::string& data_dir);
// A storage error that more free space could cure (SQLITE_FULL, or an I/O error on a write).
bool is_out_of_space(const Error& e);

}  // namespace ws::kiosk::reserve
