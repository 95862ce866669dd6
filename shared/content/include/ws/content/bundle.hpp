#pragma once
// Information bundles for migrants: versioned pages in every kiosk language, published by HQ
// as the payload of a `content` record and validated the same way on server and kiosk.
//
// Bundle JSON (format 1), strict: unknown keys are refused.
//   { "format": 1, "bundle": "avrr-info", "version": 3, "source_language": "en",
//     "languages": ["en", "nb", ...],
//     "translations": { "nb": {"status": "machine_draft"}, ... },   // every non-source language
//     "ui": { "<lang>": { "<key>": "text", ... } },                 // every language, every ui key
//     "pages": [ { "id": "what", "kind": "topic" | "story",
//                  "text": { "<lang>": { "title": "...", "blocks": [...], "audio": "audio/x.wav" },
//                            "<lang>": { "fallback": "en" } } } ],
//     "files": { "images/x.png": { "sha256": "<hex>", "data": "<base64>" } } }   // published form
// Blocks: {"type":"heading"|"paragraph"|"note","text":...}, {"type":"list","items":[...],"ordered":true?},
//         {"type":"image","src":"images/x.png","alt":...}, {"type":"qr","url":"https://...","caption":...}
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/result.hpp"

namespace ws::content {

inline constexpr int kBundleFormat = 1;

// Interface strings every language must carry (attract screen, picker, navigation, idle
// prompt, appointment request).
const std::vector<std::string>& ui_keys();

enum class BlockType { Heading, Paragraph, Note, List, Image, Qr };
enum class PageKind { Topic, Story };
enum class TranslationStatus { Source, Reviewed, MachineDraft };

struct Block {
  BlockType type = BlockType::Paragraph;
  std::string text;                // heading/paragraph/note text; image alt; QR caption
  std::vector<std::string> items;  // list
  bool ordered = false;            // list: numbered steps rather than bullets
  std::string src;                 // image file in the bundle
  std::string url;                 // QR target
};

struct PageText {
  std::string title;
  std::vector<Block> blocks;
  std::string audio;  // recorded narration in the bundle (WAV), optional
};

struct Page {
  std::string id;
  PageKind kind = PageKind::Topic;
  std::map<std::string, PageText> text;          // languages with their own text
  std::map<std::string, std::string> fallback;   // language -> language whose text is shown
};

struct BundleFile {
  std::string sha256;  // hex
  std::string bytes;
};

struct Bundle {
  std::string id;
  int version = 0;
  std::string source_language;
  std::vector<std::string> languages;
  std::map<std::string, TranslationStatus> translations;
  std::map<std::string, std::map<std::string, std::string>> ui;
  std::vector<Page> pages;
  std::map<std::string, BundleFile> files;  // only in the published (packed) form

  // Every file the pages name (images, narrations), without duplicates.
  std::vector<std::string> referenced_files() const;
};

// Strict parse and validation. A refusal names the place: "page 'support', language 'ar',
// field 'blocks.2.text': must be a non-empty string". With `require_files`, every referenced
// file must be embedded (the published form); otherwise files are checked by the loader.
Result<Bundle> parse_bundle(const nlohmann::json& j, bool require_files = false);
// Every problem parse_bundle would find (at most 100): each page and each missing file on its
// own, after the bundle's head (format, id, languages, translations, ui) passes. Empty: valid.
std::vector<Error> bundle_problems(const nlohmann::json& j, bool require_files = false);

// A page as shown in one language: its own text, or the fallback language's with a note.
struct ResolvedPage {
  const Page* page = nullptr;
  const PageText* text = nullptr;
  std::string language;  // the language of `text`
  bool is_fallback = false;
  bool is_machine_draft = false;
};
std::optional<ResolvedPage> resolve_page(const Bundle& b, std::size_t index, const std::string& language);
std::optional<std::size_t> page_index(const Bundle& b, const std::string& page_id);

// An interface string in `language`, or the source language's when that language is absent.
const std::string& ui_text(const Bundle& b, const std::string& language, const std::string& key);

bool is_safe_relative_path(const std::string& path);

}  // namespace ws::content
