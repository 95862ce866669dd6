#pragma once
// Text in several languages, with English as the one language every text must have.
#include <map>
#include <string>
#include <string_view>

namespace ws::forms {

// The languages Waystation ships; definitions may carry others (any 2-3 letter code).
inline constexpr const char* kDefaultLanguage = "en";
inline constexpr const char* kKnownLanguages[] = {"en", "nb", "prs", "ps", "ar", "ti", "so", "uk"};

// Dari, Pashto and Arabic are written right to left.
bool is_rtl_language(std::string_view lang);
// Lower-case ISO 639 code of 2 or 3 letters.
bool is_valid_language_code(std::string_view lang);

struct LocalizedText {
  std::map<std::string, std::string, std::less<>> texts;  // language code -> text

  // The text in `lang`, or the English text when `lang` has none (fell_back tells the UI so it
  // can show that the text is not in the reader's language). The views point into this object.
  struct Pick {
    std::string_view text;
    std::string_view lang;
    bool fell_back = false;
  };
  Pick pick(std::string_view lang) const;
  bool has(std::string_view lang) const;
  bool empty() const { return texts.empty(); }
};

}  // namespace ws::forms
