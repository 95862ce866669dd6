#include "shared/forms/src/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace ws::forms::utf8 {

namespace {

// The code point starting at text[i]; advances i past it. nullopt when the bytes there are not
// strict UTF-8.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  char32_t cp = 0;
  int extra = 0;
  if (b0 < 0x80) {
    cp = b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    cp = b0 & 0x1F;
    extra = 1;
  } else if ((b0 & 0xF0) == 0xE0) {
    cp = b0 & 0x0F;
    extra = 2;
  } else if ((b0 & 0xF8) == 0xF0) {
    cp = b0 & 0x07;
    extra = 3;
  } else {
    return std::nullopt;
  }
  if (i + extra >= text.size() && extra > 0) return std::nullopt;  // truncated sequence
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
  if (cp < min_for_length[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += extra + 1;
  return cp;
}

}  // namespace

std::optional<std::u32string> decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto cp = next_code_point(text, i);
    if (!cp) return std::nullopt;
    out.push_back(*cp);
  }
  return out;
}

std::optional<std::size_t> length(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++n)
    if (!next_code_point(text, i)) return std::nullopt;
  return n;
}

bool has_control_characters(std::u32string_view text, bool allow_newlines) {
  for (char32_t c : text) {
    if (c == U'\t') continue;
    if (allow_newlines && (c == U'\n' || c == U'\r')) continue;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;
  }
  return false;
}

bool is_printable_ascii(std::string_view text) {
  // Eight bytes a step (one byte a step was ~2,600 instructions of a server's record): a byte
  // below 0x20 borrows into its top bit when 0x20 is taken from it; a byte above 0x7E has its
  // top bit set, or sets it when 1 is added (0x7F). Borrows and carries only start at bytes
  // that fail, so they cannot make a passing word fail or a failing one pass.
  constexpr std::uint64_t ones = 0x0101010101010101ULL, tops = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    const std::uint64_t below = (w - 0x20 * ones) & ~w & tops;
    const std::uint64_t above = ((w + ones) | w) & tops;
    if (below | above) return false;
  }
  for (; i < text.size(); ++i)
    if (text[i] < 0x20 || text[i] > 0x7E) return false;
  return true;
}

bool is_blank(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

}  // namespace ws::forms::utf8
