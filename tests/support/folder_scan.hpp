#pragma once
// Searching a data folder for personal values, as a thief with a copy of the disk would: every
// byte of every file (database, WAL, journal, logs), each value in UTF-8 and in UTF-16LE.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ws::test {

inline std::string utf16le(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = 0;
    std::size_t len = 1;
    if (c < 0x80) cp = c;
    else if ((c >> 5) == 6) cp = c & 0x1F, len = 2;
    else if ((c >> 4) == 14) cp = c & 0x0F, len = 3;
    else cp = c & 0x07, len = 4;
    for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      const unsigned hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
      out += {static_cast<char>(hi & 0xFF), static_cast<char>(hi >> 8), static_cast<char>(lo & 0xFF), static_cast<char>(lo >> 8)};
    } else {
      out += {static_cast<char>(cp & 0xFF), static_cast<char>(cp >> 8)};
    }
  }
  return out;
}

// "<file> holds <value>" for every file under `root` holding any of `values` in either
// encoding; empty when none does.
inline std::string files_holding(const std::string& root, const std::vector<std::string>& values) {
  std::string found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (const auto& value : values) {
      if (bytes.find(value) != std::string::npos || bytes.find(utf16le(value)) != std::string::npos) {
        found += entry.path().filename().string() + " holds " + value + "\n";
      }
    }
  }
  return found;
}

}  // namespace ws::test
