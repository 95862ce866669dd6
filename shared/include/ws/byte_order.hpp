#pragma once
// The byte order of two texts, as std::string_view::compare gives it (negative, zero or
// positive), with the first bytes judged inline: sorted neighbours (a payload's keys) mostly
// differ there, and the library's compare is a call to memcmp. The proof of a payload's stored
// form compares every key with the one before it (docs/performance.md, session 18; validation's
// pairing of keys with fields measured dearer with it, the compiler inlining otherwise there).
#include <string_view>

namespace ws {

inline int compare_bytes(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a.front() != b.front()) {
    return static_cast<unsigned char>(a.front()) < static_cast<unsigned char>(b.front()) ? -1 : 1;
  }
  return a.compare(b);
}

}  // namespace ws
