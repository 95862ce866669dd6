#include <algorithm>

#include "ws/content/bundle.hpp"

namespace ws::content {

std::vector<std::string> Bundle::referenced_files() const {
  std::vector<std::string> out;
  auto add = [&out](const std::string& p) {
    if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  for (const auto& page : pages)
    for (const auto& [_, text] : page.text) {
      for (const auto& block : text.blocks)
        if (block.type == BlockType::Image) add(block.src);
      add(text.audio);
    }
  return out;
}

std::optional<std::size_t> page_index(const Bundle& b, const std::string& page_id) {
  for (std::size_t i = 0; i < b.pages.size(); ++i)
    if (b.pages[i].id == page_id) return i;
  return std::nullopt;
}

std::optional<ResolvedPage> resolve_page(const Bundle& b, std::size_t index, const std::string& language) {
  if (index >= b.pages.size()) return std::nullopt;
  const Page& page = b.pages[index];
  ResolvedPage r;
  r.page = &page;
  std::string shown = language;
  if (!page.text.count(shown)) {
    auto fb = page.fallback.find(language);
    // A language the bundle does not know at all is shown in the source language.
    shown = fb != page.fallback.end() ? fb->second : b.source_language;
    r.is_fallback = true;
  }
  auto it = page.text.find(shown);
  if (it == page.text.end()) return std::nullopt;
  r.text = &it->second;
  r.language = shown;
  auto status = b.translations.find(shown);
  r.is_machine_draft = status != b.translations.end() && status->second == TranslationStatus::MachineDraft;
  return r;
}

const std::string& ui_text(const Bundle& b, const std::string& language, const std::string& key) {
  static const std::string kEmpty;
  for (const std::string* lang : {&language, &b.source_language}) {
    auto strings = b.ui.find(*lang);
    if (strings == b.ui.end()) continue;
    auto s = strings->second.find(key);
    if (s != strings->second.end()) return s->second;
  }
  return kEmpty;
}

}  // namespace ws::content
