#include "kiosk/ui/keyboard/layouts.hpp"

#include <algorithm>

#include "kiosk/ui/keyboard/ethiopic.hpp"

namespace ws::kiosk::ui::keyboard {
namespace {

std::vector<std::string> split(std::string_view keys) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < keys.size()) {
    const std::size_t end = std::min(keys.find(' ', i), keys.size());
    if (end > i) out.emplace_back(keys.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// One row of character keys from "q w e" (and "Q W E" when the script has case).
std::vector<Key> row(std::string_view lower, std::string_view upper = {}) {
  const auto lo = split(lower), up = split(upper);
  std::vector<Key> keys;
  for (std::size_t i = 0; i < lo.size(); ++i)
    keys.push_back(Key{KeyKind::Char, lo[i], i < up.size() ? up[i] : lo[i], 1.0f});
  return keys;
}

Layout cased(std::string id, std::string label, std::vector<std::vector<Key>> rows) {
  std::string lang = id;
  return Layout{std::move(id), std::move(label), std::move(lang), true, false, std::move(rows)};
}

Layout uncased(std::string id, std::string label, std::vector<std::vector<Key>> rows) {
  std::string lang = id;
  return Layout{std::move(id), std::move(label), std::move(lang), false, false, std::move(rows)};
}

// Tigrinya: the consonants (the picker row above them offers their vowel orders), 12 a row,
// with the full stop and comma after the last one.
Layout tigrinya() {
  std::vector<std::vector<Key>> rows(3);
  const auto& consonants = ethiopic::tigrinya_consonants();
  for (std::size_t i = 0; i < consonants.size(); ++i)
    rows[i / 12].push_back(Key{KeyKind::Consonant, utf8(consonants[i].base), "", 1.0f});
  for (auto& k : row("\xe1\x8d\xa2 \xe1\x8d\xa3")) rows.back().push_back(k);  // ። ፣
  return Layout{"ti", "\xe1\x89\xb5\xe1\x8c\x8d", "ti", false, true, std::move(rows)};  // ትግ
}

Layout pad(std::string id, std::string label, std::string_view last_row) {
  return Layout{std::move(id), std::move(label), "en", false, false,
                {row("1 2 3"), row("4 5 6"), row("7 8 9"), row(last_row)}};
}

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

}  // namespace

std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i++]);
    int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    char32_t cp = extra ? (b & (0x3F >> extra)) : b;
    while (extra-- > 0 && i < s.size()) cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
    out.push_back(cp);
  }
  return out;
}

const std::vector<Layout>& text_layouts() {
  static const std::vector<Layout> layouts = {
      cased("en", "EN",
            {row("q w e r t y u i o p", "Q W E R T Y U I O P"), row("a s d f g h j k l", "A S D F G H J K L"),
             row("z x c v b n m - '", "Z X C V B N M - '")}),
      cased("nb", "NO",
            {row("q w e r t y u i o p \xc3\xa5", "Q W E R T Y U I O P \xc3\x85"),
             row("a s d f g h j k l \xc3\xb8 \xc3\xa6", "A S D F G H J K L \xc3\x98 \xc3\x86"),
             row("z x c v b n m - '", "Z X C V B N M - '")}),
      // Dari: Persian letters (ی and ک, not Arabic ي and ك) with پ چ ژ گ.
      uncased("prs", "دری",
              {row("ض ص ث ق ف غ ع ه خ ح ج چ"), row("ش س ی ب ل ا ت ن م ک گ"), row("ظ ط ز ر ذ د پ و ژ آ"),
               row("ء ئ أ ؤ ۀ ، ؟")}),
      // Pashto: the Dari letters with ګ for گ, plus ښ ږ ځ څ ټ ډ ړ ڼ ې ۍ.
      uncased("ps", "پښتو",
              {row("ض ص ث ق ف غ ع ه خ ح ج چ"), row("ش س ی ب ل ا ت ن م ک ګ"), row("ښ ږ ځ څ ټ ډ ړ ڼ ې ۍ ئ"),
               row("ظ ط ز ر ذ د پ و ژ آ ء ،")}),
      uncased("ar", "عربي",
              {row("ض ص ث ق ف غ ع ه خ ح ج"), row("ش س ي ب ل ا ت ن م ك ط"), row("ذ ء ؤ ر ى ة و ز ظ د ئ"),
               row("أ إ آ ، ؟")}),
      tigrinya(),
      // Somali writes with the Latin letters; the apostrophe is its glottal stop (ba'an).
      cased("so", "SO",
            {row("q w e r t y u i o p", "Q W E R T Y U I O P"), row("a s d f g h j k l '", "A S D F G H J K L '"),
             row("z x c v b n m -", "Z X C V B N M -")}),
      cased("uk", "УК",
            {row("й ц у к е н г ш щ з х ї", "Й Ц У К Е Н Г Ш Щ З Х Ї"),
             row("ф і в а п р о л д ж є", "Ф І В А П Р О Л Д Ж Є"), row("ґ я ч с м и т ь б ю '", "Ґ Я Ч С М И Т Ь Б Ю '")}),
  };
  return layouts;
}

const Layout* find_layout(std::string_view id) {
  for (const auto& l : text_layouts())
    if (l.id == id) return &l;
  return nullptr;
}

const Layout& layout_for_language(std::string_view lang) {
  if (const Layout* l = find_layout(lang)) return *l;
  return text_layouts().front();
}

const Layout& symbols_layout() {
  static const Layout symbols{
      "symbols", "123", "en", false, false,
      {row("1 2 3 4 5 6 7 8 9 0"), row("- / : ; ( ) @ . , ?"), row("+ \" ! # % & * _ =")}};
  return symbols;
}

const Layout& numeric_pad(widgets::KeyboardKind kind) {
  static const Layout number = pad("number", "123", "- 0 .");
  static const Layout phone = pad("phone", "123", "+ 0 -");
  static const Layout date = pad("date", "123", "- 0");
  switch (kind) {
    case widgets::KeyboardKind::Phone: return phone;
    case widgets::KeyboardKind::Date: return date;
    case widgets::KeyboardKind::Number:
    case widgets::KeyboardKind::Text: break;
  }
  return number;
}

std::string language_of_text(std::string_view text) {
  bool arabic_script = false, pashto = false, arabic = false;
  for (char32_t cp : code_points(text)) {
    if (in(cp, 0x1200, 0x139F) || in(cp, 0x2D80, 0x2DDF)) return "ti";
    if (in(cp, 0x0400, 0x04FF)) return "uk";
    if (in(cp, 0x0600, 0x06FF) || in(cp, 0x0750, 0x077F)) {
      arabic_script = true;
      pashto = pashto || cp == 0x069A || cp == 0x0696 || cp == 0x0681 || cp == 0x0685 || cp == 0x067C ||
               cp == 0x0689 || cp == 0x0693 || cp == 0x06BC || cp == 0x06CD || cp == 0x06D0 || cp == 0x06AB;
      arabic = arabic || cp == 0x064A || cp == 0x0643 || cp == 0x0629;
    }
  }
  if (!arabic_script) return "";
  return pashto ? "ps" : arabic ? "ar" : "prs";
}

}  // namespace ws::kiosk::ui::keyboard
