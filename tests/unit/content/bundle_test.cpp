// Bundle validation: complete bundles load; broken ones are refused with a message that names
// the page and the field.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "bundle_fixtures.hpp"
#include "ws/content/bundle.hpp"
#include "ws/content/bundle_files.hpp"
#include "ws/content/languages.hpp"

using namespace ws::content;
using test_content::small_bundle;

namespace {
std::string refusal(const nlohmann::json& j, bool require_files = false) {
  auto b = parse_bundle(j, require_files);
  REQUIRE_FALSE(b);
  CHECK(b.error().code == "invalid_bundle");
  return b.error().message;
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("a complete bundle parses, with pages, blocks and fallbacks") {
  auto b = parse_bundle(small_bundle(3));
  REQUIRE(b);
  CHECK(b->id == "test-info");
  CHECK(b->version == 3);
  REQUIRE(b->pages.size() == 2);
  const auto& what = b->pages[0].text.at("en");
  REQUIRE(what.blocks.size() == 3);
  CHECK(what.blocks[1].type == BlockType::List);
  CHECK(what.blocks[1].ordered);
  CHECK(what.blocks[2].url == "https://example.org/info");
  CHECK(b->pages[1].fallback.at("prs") == "en");
  CHECK(b->referenced_files() == std::vector<std::string>{"images/pic.png", "audio/support-en.wav"});
}

TEST_CASE("a missing translation falls back to English and says so; drafts are marked") {
  auto b = parse_bundle(small_bundle());
  REQUIRE(b);
  auto own = resolve_page(*b, 0, "prs");
  REQUIRE(own);
  CHECK(own->language == "prs");
  CHECK_FALSE(own->is_fallback);
  CHECK(own->is_machine_draft);
  auto fallback = resolve_page(*b, 1, "prs");
  REQUIRE(fallback);
  CHECK(fallback->language == "en");
  CHECK(fallback->is_fallback);
  CHECK_FALSE(fallback->is_machine_draft);
  // A language the bundle does not carry at all is shown in the source language.
  auto unknown = resolve_page(*b, 0, "ti");
  REQUIRE(unknown);
  CHECK(unknown->is_fallback);
  CHECK(unknown->language == "en");
  CHECK(ui_text(*b, "prs", "back") == "prs back");
  CHECK(ui_text(*b, "ti", "back") == "en back");
  CHECK_FALSE(resolve_page(*b, 9, "en"));
}

TEST_CASE("a page without text or an explicit fallback for a language is refused, naming page and language") {
  auto j = small_bundle();
  j["pages"][1]["text"].erase("prs");
  const auto msg = refusal(j);
  CHECK(contains(msg, "page 'support'"));
  CHECK(contains(msg, "language 'prs'"));
  CHECK(contains(msg, "fallback"));
}

TEST_CASE("broken fields are refused with the page, language and field named") {
  SUBCASE("empty paragraph") {
    auto j = small_bundle();
    j["pages"][0]["text"]["prs"]["blocks"][0]["text"] = "";
    const auto msg = refusal(j);
    CHECK(contains(msg, "page 'what', language 'prs', field 'blocks.0', field 'text'"));
  }
  SUBCASE("unknown block type") {
    auto j = small_bundle();
    j["pages"][0]["text"]["en"]["blocks"][0]["type"] = "video";
    CHECK(contains(refusal(j), "unknown block type 'video'"));
  }
  SUBCASE("plain http link in a QR code") {
    auto j = small_bundle();
    j["pages"][0]["text"]["en"]["blocks"][2]["url"] = "http://example.org";
    const auto msg = refusal(j);
    CHECK(contains(msg, "page 'what', language 'en'"));
    CHECK(contains(msg, "'url'"));
  }
  SUBCASE("image path leaving the bundle") {
    auto j = small_bundle();
    j["pages"][1]["text"]["en"]["blocks"][0]["src"] = "../../etc/passwd.png";
    CHECK(contains(refusal(j), "field 'src'"));
  }
  SUBCASE("missing title") {
    auto j = small_bundle();
    j["pages"][0]["text"]["en"].erase("title");
    CHECK(contains(refusal(j), "page 'what', language 'en', field 'title'"));
  }
  SUBCASE("a fallback to a language that itself falls back") {
    auto j = small_bundle();
    j["languages"].push_back("ti");
    j["translations"]["ti"] = {{"status", "machine_draft"}};
    j["ui"]["ti"] = test_content::ui_strings("ti");
    j["pages"][0]["text"]["ti"] = {{"fallback", "en"}};
    j["pages"][1]["text"]["ti"] = {{"fallback", "prs"}};
    const auto msg = refusal(j);
    CHECK(contains(msg, "page 'support', language 'ti', field 'fallback'"));
  }
  SUBCASE("unknown keys") {
    auto j = small_bundle();
    j["pages"][0]["text"]["en"]["subtitle"] = "x";
    CHECK(contains(refusal(j), "field 'subtitle': unknown field"));
  }
  SUBCASE("a missing interface string") {
    auto j = small_bundle();
    j["ui"]["prs"].erase("still_there");
    CHECK(contains(refusal(j), "ui 'prs', field 'still_there'"));
  }
  SUBCASE("translation status not stated") {
    auto j = small_bundle();
    j["translations"].erase("prs");
    CHECK(contains(refusal(j), "translation 'prs'"));
  }
  SUBCASE("duplicate page ids") {
    auto j = small_bundle();
    j["pages"][1]["id"] = "what";
    CHECK(contains(refusal(j), "page 'what': id is used twice"));
  }
  SUBCASE("a language the kiosk does not know") {
    auto j = small_bundle();
    j["languages"].push_back("xx");
    CHECK(contains(refusal(j), "field 'languages'"));
  }
  SUBCASE("wrong format") {
    auto j = small_bundle();
    j["format"] = 2;
    CHECK(contains(refusal(j), "field 'format'"));
  }
}

TEST_CASE("published bundles must embed every file, and each must match its digest") {
  auto packed = test_content::packed_small_bundle();
  auto b = parse_bundle(packed, true);
  REQUIRE(b);
  CHECK(b->files.at("images/pic.png").bytes == "PNG bytes of version 1");

  auto missing = packed;
  missing["files"].erase("audio/support-en.wav");
  CHECK(contains(refusal(missing, true), "audio/support-en.wav"));

  auto tampered = packed;
  tampered["files"]["images/pic.png"]["data"] = base64_encode("something else");
  CHECK(contains(refusal(tampered, true), "file 'images/pic.png', field 'sha256'"));

  auto not_base64 = packed;
  not_base64["files"]["images/pic.png"]["data"] = "!!!";
  CHECK(contains(refusal(not_base64, true), "not valid base64"));
}

TEST_CASE("a directory bundle names the page and field of a file that is not there") {
  test_content::TempDir dir;
  auto j = small_bundle();
  REQUIRE(std::system(("mkdir -p " + dir.path() + "/images").c_str()) == 0);
  {
    std::ofstream(dir.path() + "/bundle.json") << j.dump();
    std::ofstream(dir.path() + "/images/pic.png") << "png";
  }
  auto b = load_bundle_directory(dir.path());
  REQUIRE_FALSE(b);
  CHECK(contains(b.error().message, "page 'support', language 'en', field 'audio'"));
  REQUIRE(std::system(("mkdir -p " + dir.path() + "/audio").c_str()) == 0);
  std::ofstream(dir.path() + "/audio/support-en.wav") << "wav";
  auto ok = load_bundle_directory(dir.path());
  REQUIRE(ok);
  auto packed = pack_bundle_directory(dir.path());
  REQUIRE(packed);
  auto reparsed = parse_bundle(*packed, true);
  REQUIRE(reparsed);
  CHECK(reparsed->files.at("audio/support-en.wav").bytes == "wav");
}

TEST_CASE("language table: direction and speech come from the language") {
  REQUIRE(supported_languages().size() == 8);
  for (const char* rtl : {"prs", "ps", "ar"}) CHECK(find_language(rtl)->rtl);
  for (const char* ltr : {"en", "nb", "ti", "so", "uk"}) CHECK_FALSE(find_language(ltr)->rtl);
  for (const char* none : {"ps", "ti", "so"}) CHECK(find_language(none)->espeak_voice.empty());
  CHECK(find_language("prs")->espeak_voice == "fa");
  CHECK(find_language("ti")->native_name == "ትግርኛ");
  CHECK(find_language("xx") == nullptr);
}

TEST_CASE("paths must stay inside the bundle") {
  CHECK(is_safe_relative_path("images/a.png"));
  CHECK_FALSE(is_safe_relative_path("/etc/a.png"));
  CHECK_FALSE(is_safe_relative_path("images/../../a.png"));
  CHECK_FALSE(is_safe_relative_path("images//a.png"));
  CHECK_FALSE(is_safe_relative_path("images/a b.png"));
  CHECK_FALSE(is_safe_relative_path(""));
}
