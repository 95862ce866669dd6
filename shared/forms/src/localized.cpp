#include "ws/forms/localized.hpp"

namespace ws::forms {

bool is_rtl_language(std::string_view lang) { return lang == "ar" || lang == "prs" || lang == "ps" || lang == "fa"; }

bool is_valid_language_code(std::string_view lang) {
  if (lang.size() < 2 || lang.size() > 3) return false;
  for (char c : lang)
    if (c < 'a' || c > 'z') return false;
  return true;
}

LocalizedText::Pick LocalizedText::pick(std::string_view lang) const {
  if (auto it = texts.find(lang); it != texts.end()) return {it->second, it->first, false};
  if (auto it = texts.find(std::string_view(kDefaultLanguage)); it != texts.end())
    return {it->second, it->first, lang != kDefaultLanguage};
  return {};
}

bool LocalizedText::has(std::string_view lang) const { return texts.find(lang) != texts.end(); }

}  // namespace ws::forms
