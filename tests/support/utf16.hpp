#pragma once
// UTF-8 text as UTF-16LE bytes, for tests that search files and tables for fixture values in
// either encoding (SQLite and some tools write UTF-16). Header-only, free of doctest.
#include <string>

namespace ws::test {

inline std::string utf16le(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = c;
    std::size_t len = 1;
    if ((c >> 5) == 6) cp = c & 0x1F, len = 2;
    else if ((c >> 4) == 14) cp = c & 0x0F, len = 3;
    else if ((c >> 3) == 30) cp = c & 0x07, len = 4;
    // Values may be raw bytes (a key): a byte that starts no whole sequence is one code unit,
    // and a sequence is never read past the end of the value.
    if (len > utf8.size() - i) cp = c, len = 1;
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
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

}  // namespace ws::test
