#pragma once
// The languages the kiosk speaks. A page's direction comes from its language (this table),
// never from guessing at the text.
#include <string_view>
#include <vector>

namespace ws::content {

struct Language {
  std::string_view code;          // kiosk code: en, nb, prs, ps, ar, ti, so, uk
  std::string_view native_name;   // the language's name in its own script, for the picker
  std::string_view english_name;
  bool rtl = false;
  std::string_view bcp47;         // for shaping and font choice ("fa-AF" for Dari)
  std::string_view espeak_voice;  // empty where espeak-ng has no voice (ps, ti, so)
};

// In the order the language picker shows them.
const std::vector<Language>& supported_languages();
const Language* find_language(std::string_view code);

}  // namespace ws::content
