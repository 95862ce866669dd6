#pragma once
// The few filesystem steps that make a bundle switch crash-safe: files and directories
// flushed to disk before they are published, and publication by an atomic rename.
#include <string>
#include <string_view>
#include <vector>

#include "ws/result.hpp"

namespace ws::kiosk::content {

// Writes `bytes` to `path` (creating parent directories) and fsyncs the file.
Status write_file_durably(const std::string& path, std::string_view bytes);
Status fsync_directory(const std::string& dir);
Status make_directories(const std::string& dir);
// Points `link` at `target` atomically: a new symlink renamed over the old one, so a reader
// (or a crash) sees the old target or the new one, never neither.
Status replace_symlink(const std::string& link, const std::string& target);
// The target of a symlink, or an empty string when there is none.
std::string read_symlink(const std::string& link);
Status remove_tree(const std::string& path);
std::vector<std::string> list_directory(const std::string& dir);

}  // namespace ws::kiosk::content
