#include "ws/name_fold.hpp"

#include <cstdint>

namespace ws {
namespace {

// Decodes one UTF-8 sequence at `i`; invalid bytes pass through as themselves (cp = byte).
std::uint32_t next_code_point(std::string_view s, std::size_t& i, std::size_t& length) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 1;
  if (i + length > s.size()) length = 1;
  if (length == 1) return b0;
  std::uint32_t cp = b0 & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      length = 1;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return cp;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Marks that change neither the letters nor how a person would look a name up.
bool dropped(std::uint32_t cp) {
  return (cp >= 0x064B && cp <= 0x065F) ||  // harakat, shadda, sukun and other Arabic marks
         cp == 0x0670 ||                    // superscript alef
         cp == 0x0640 ||                    // tatweel
         cp == 0x200C || cp == 0x200D ||    // zero-width non-joiner / joiner
         cp == 0x200E || cp == 0x200F;      // direction marks
}

std::uint32_t canonical(std::uint32_t cp) {
  switch (cp) {
    case 0x06CC:  // Farsi yeh
    case 0x0649:  // alef maksura
    case 0x06D2:  // yeh barree
      return 0x064A;  // Arabic yeh
    case 0x06A9:  // keheh (Persian kaf)
      return 0x0643;  // Arabic kaf
    case 0x0622:  // alef with madda
    case 0x0623:  // alef with hamza above
    case 0x0625:  // alef with hamza below
    case 0x0671:  // alef wasla
      return 0x0627;  // alef
    case 0x0629:  // teh marbuta
    case 0x06C0:  // heh with yeh above
    case 0x06C1:  // heh goal
    case 0x06D5:  // ae
      return 0x0647;  // heh
    case 0x0624:  // waw with hamza
      return 0x0648;
    case 0x0626:  // yeh with hamza
      return 0x064A;
    default:
      break;
  }
  if (cp >= 0x0660 && cp <= 0x0669) return '0' + (cp - 0x0660);  // Arabic-Indic digits
  if (cp >= 0x06F0 && cp <= 0x06F9) return '0' + (cp - 0x06F0);  // Persian digits
  return cp;
}

}  // namespace

std::string fold_name(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    std::size_t length = 1;
    const std::uint32_t cp = next_code_point(utf8, i, length);
    if (length == 1 && cp >= 0x80) {
      out += utf8[i];  // not UTF-8: kept byte for byte
    } else if (!dropped(cp)) {
      const std::uint32_t c = canonical(cp);
      if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
      else append_utf8(out, c);
    }
    i += length;
  }
  return out;
}

}  // namespace ws
