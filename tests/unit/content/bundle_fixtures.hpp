#pragma once
// Small bundles for tests, and a temporary directory that removes itself.
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"
#include "ws/content/bundle.hpp"
#include "ws/content/bundle_files.hpp"

namespace test_content {

using ws::test::TempDir;

inline nlohmann::json ui_strings(const std::string& prefix) {
  nlohmann::json ui = nlohmann::json::object();
  for (const auto& key : ws::content::ui_keys()) ui[key] = prefix + " " + key;
  return ui;
}

// A valid two-language bundle (English source, Dari machine draft), two topic pages; the
// second page falls back to English in Dari.
inline nlohmann::json small_bundle(int version = 1) {
  return {
      {"format", 1},
      {"bundle", "test-info"},
      {"version", version},
      {"source_language", "en"},
      {"languages", {"en", "prs"}},
      {"translations", {{"prs", {{"status", "machine_draft"}}}}},
      {"ui", {{"en", ui_strings("en")}, {"prs", ui_strings("prs")}}},
      {"pages",
       {{{"id", "what"},
         {"kind", "topic"},
         {"text",
          {{"en",
            {{"title", "What is it? v" + std::to_string(version)},
             {"blocks",
              {{{"type", "paragraph"}, {"text", "Version " + std::to_string(version)}},
               {{"type", "list"}, {"items", {"one", "two"}}, {"ordered", true}},
               {{"type", "qr"}, {"url", "https://example.org/info"}, {"caption", "More"}}}}}},
           {"prs", {{"title", "این چیست؟"}, {"blocks", {{{"type", "paragraph"}, {"text", "متن"}}}}}}}}},
        {{"id", "support"},
         {"kind", "topic"},
         {"text",
          {{"en",
            {{"title", "Support"},
             {"blocks", {{{"type", "image"}, {"src", "images/pic.png"}, {"alt", "A picture"}}}},
             {"audio", "audio/support-en.wav"}}},
           {"prs", {{"fallback", "en"}}}}}}}},
  };
}

// The bundle above with its two files embedded, as HQ publishes it.
inline nlohmann::json packed_small_bundle(int version = 1) {
  nlohmann::json j = small_bundle(version);
  const std::string png = "PNG bytes of version " + std::to_string(version);
  const std::string wav = "WAV bytes of version " + std::to_string(version);
  j["files"] = {
      {"images/pic.png", {{"sha256", ws::content::sha256_hex(png)}, {"data", ws::content::base64_encode(png)}}},
      {"audio/support-en.wav", {{"sha256", ws::content::sha256_hex(wav)}, {"data", ws::content::base64_encode(wav)}}},
  };
  return j;
}

}  // namespace test_content
