// An information bundle as HQ publishes it and a kiosk receives it: the strict parse and
// validation, with embedded files decoded and their SHA-256 checked (the published form) and
// without (a bundle folder's bundle.json), then what the information screens read from it.
#include <nlohmann/json.hpp>

#include "tests/fuzz/fuzz.hpp"
#include "ws/content/bundle.hpp"
#include "ws/content/bundle_files.hpp"

namespace ws::fuzz {
namespace {

void read_like_the_screens(const content::Bundle& b) {
  for (std::size_t i = 0; i < b.pages.size(); ++i) {
    WS_FUZZ_CHECK(content::page_index(b, b.pages[i].id).has_value());
    for (const auto& language : b.languages) {
      auto page = content::resolve_page(b, i, language);
      if (page) WS_FUZZ_CHECK(page->page == &b.pages[i] && page->text != nullptr);
    }
  }
  for (const auto& language : b.languages) {
    for (const auto& key : content::ui_keys()) (void)content::ui_text(b, language, key);
  }
  // A kiosk writes every named file under the bundle's folder: none may leave it.
  for (const auto& path : b.referenced_files()) WS_FUZZ_CHECK(content::is_safe_relative_path(path));
}

}  // namespace

int content_bundle(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  if (auto folder = content::parse_bundle(j, /*require_files=*/false)) read_like_the_screens(*folder);
  auto packed = content::parse_bundle(j, /*require_files=*/true);
  if (!packed) return 0;
  read_like_the_screens(*packed);
  for (const auto& [path, file] : packed->files) {
    WS_FUZZ_CHECK(content::is_safe_relative_path(path));
    WS_FUZZ_CHECK(content::sha256_hex(file.bytes) == file.sha256);
  }
  const auto has = [&](const std::string& path) { return packed->files.count(path) > 0; };
  WS_FUZZ_CHECK(content::check_referenced_files(*packed, has).has_value());
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(content_bundle)
