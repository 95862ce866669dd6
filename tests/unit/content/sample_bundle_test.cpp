// The sample bundle shipped in assets/content: complete in every kiosk language (or an
// explicit English fallback), honest about drafts, and small enough to publish through sync.
#include <doctest/doctest.h>

#include "ws/content/bundle.hpp"
#include "ws/content/bundle_files.hpp"
#include "ws/content/languages.hpp"

using namespace ws::content;

namespace {
const std::string kSampleDir = std::string(WS_SOURCE_ASSETS_DIR) + "/content/avrr-info";
}

TEST_CASE("the sample bundle validates with its files") {
  auto b = load_bundle_directory(kSampleDir);
  REQUIRE_MESSAGE(b, (b ? "" : b.error().message));
  CHECK(b->languages.size() == supported_languages().size());
  CHECK(b->pages.size() >= 7);
  CHECK(b->pages.front().id == "what");
}

TEST_CASE("every page reads in every language, own text or a marked English fallback") {
  auto b = load_bundle_directory(kSampleDir);
  REQUIRE(b);
  for (const auto& lang : supported_languages()) {
    for (std::size_t i = 0; i < b->pages.size(); ++i) {
      CAPTURE(lang.code);
      CAPTURE(b->pages[i].id);
      auto page = resolve_page(*b, i, std::string(lang.code));
      REQUIRE(page);
      CHECK(!page->text->title.empty());
      if (page->is_fallback) CHECK(page->language == "en");
      // Every translation in the sample is machine-made and must say so.
      if (page->language != "en") CHECK(page->is_machine_draft);
    }
  }
}

TEST_CASE("the sample makes no promises: amounts, rules and deadlines are left to the programme") {
  auto b = load_bundle_directory(kSampleDir);
  REQUIRE(b);
  auto page = resolve_page(*b, *page_index(*b, "support"), "en");
  REQUIRE(page);
  bool says_set_by_programme = false;
  for (const auto& block : page->text->blocks)
    if (block.type == BlockType::Note && block.text.find("set by the programme") != std::string::npos)
      says_set_by_programme = true;
  CHECK(says_set_by_programme);
  // No currency figures anywhere in the English text.
  for (const auto& p : b->pages)
    for (const auto& block : p.text.at("en").blocks)
      for (const char* currency : {"NOK", "kr ", "USD", "EUR", "$", "€"}) CHECK(block.text.find(currency) == std::string::npos);
}

TEST_CASE("the packed sample fits in one synced record") {
  auto packed = pack_bundle_directory(kSampleDir);
  REQUIRE(packed);
  CHECK(packed->dump().size() < 256 * 1024);  // EnvelopeLimits::max_payload_bytes default
  CHECK(parse_bundle(*packed, true));
}
