#include "kiosk/core/store/search_text.hpp"

namespace ws::kiosk {
namespace {

constexpr std::size_t kMaxSearchText = 4096;

void collect(const nlohmann::json& value, std::string& out) {
  if (out.size() >= kMaxSearchText) return;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    // Signatures and photos are data URIs: nothing a person would search for.
    if (s.rfind("data:", 0) == 0) return;
    out += s;
    out += '\n';
  } else if (value.is_number()) {
    out += value.dump();
    out += '\n';
  } else if (value.is_structured()) {
    for (const auto& child : value) collect(child, out);
  }
}

// One UTF-8 sequence at `i` (or one byte when malformed) -> its code point; advances `i`.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (len == 1 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return b;
  }
  char32_t cp = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
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

// 0 = drop the character.
char32_t search_form(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
  if (cp >= 0x0660 && cp <= 0x0669) return '0' + (cp - 0x0660);  // Arabic-Indic digits
  if (cp >= 0x06F0 && cp <= 0x06F9) return '0' + (cp - 0x06F0);  // Persian digits
  if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640) return 0;  // harakat, tatweel
  if (cp == 0x200C || cp == 0x200D || cp == 0x200F || cp == 0x200E) return 0;    // ZWNJ, ZWJ, marks
  switch (cp) {
    case 0x064A: case 0x0649: case 0x0626: case 0x06D2: return 0x06CC;  // ي ى ئ ے -> ی
    case 0x0643: return 0x06A9;                                        // ك -> ک
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: return 0x0627;  // آ أ إ ٱ -> ا
    case 0x0629: case 0x06C0: case 0x06C1: case 0x06D5: return 0x0647;  // ة ۀ ہ ە -> ه
    case 0x0624: return 0x0648;                                        // ؤ -> و
    default: return cp;
  }
}

}  // namespace

std::string fold_for_search(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = search_form(next_code_point(text, i));
    if (cp != 0) append_utf8(out, cp);
  }
  return out;
}

std::string fold_case(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::string search_text_of(const nlohmann::json& payload) {
  std::string out;
  if (!payload.is_object()) return out;
  for (const auto& [key, value] : payload.items()) {
    if (!key.empty() && key[0] == '_') continue;
    collect(value, out);
  }
  if (out.size() > kMaxSearchText) {
    out.resize(kMaxSearchText);
    // Do not leave half a UTF-8 sequence at the end.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  }
  return fold_case(std::move(out));
}

}  // namespace ws::kiosk
