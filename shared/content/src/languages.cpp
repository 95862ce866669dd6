#include "ws/content/languages.hpp"

namespace ws::content {

const std::vector<Language>& supported_languages() {
  // espeak-ng 1.51 voices: "fa" is Iranian Persian; it is understood by Dari speakers and is
  // the closest voice that exists. Pashto, Tigrinya and Somali have none.
  static const std::vector<Language> kLanguages = {
      {"en", "English", "English", false, "en", "en"},
      {"nb", "Norsk bokmål", "Norwegian Bokmål", false, "nb", "nb"},
      {"prs", "دری", "Dari", true, "fa-AF", "fa"},
      {"ps", "پښتو", "Pashto", true, "ps", ""},
      {"ar", "العربية", "Arabic", true, "ar", "ar"},
      {"ti", "ትግርኛ", "Tigrinya", false, "ti", ""},
      {"so", "Soomaali", "Somali", false, "so", ""},
      {"uk", "Українська", "Ukrainian", false, "uk", "uk"},
  };
  return kLanguages;
}

const Language* find_language(std::string_view code) {
  for (const auto& l : supported_languages())
    if (l.code == code) return &l;
  return nullptr;
}

}  // namespace ws::content
