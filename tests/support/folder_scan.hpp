#pragma once
// Searching a folder for personal values, as a thief with a copy of the disk would: every byte
// of every file (database, WAL, journal, logs), each value in UTF-8 and in UTF-16LE.
// Header-only and free of doctest.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/utf16.hpp"

namespace ws::test {

// "<file> holds <value>" for every file under `root` holding any of `values` in either
// encoding; empty when none does.
inline std::string files_holding(const std::string& root, const std::vector<std::string>& values) {
  std::string found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (const auto& value : values) {
      if (bytes.find(value) != std::string::npos || bytes.find(utf16le(value)) != std::string::npos)
        found += entry.path().filename().string() + " holds " + value + "\n";
    }
  }
  return found;
}

}  // namespace ws::test
