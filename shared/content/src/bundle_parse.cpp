// Strict parsing of bundle JSON. Every refusal names where: the page, the language and the
// field, so that whoever edits a bundle at HQ can find the mistake.
#include <algorithm>
#include <set>

#include "ws/content/bundle.hpp"
#include "ws/content/languages.hpp"

namespace ws::content {
namespace {

constexpr std::size_t kMaxTextChars = 4000;
constexpr std::size_t kMaxListItems = 50;
constexpr std::size_t kMaxBlocks = 100;
constexpr std::size_t kMaxPages = 100;
constexpr std::size_t kMaxUrl = 512;
constexpr std::size_t kMaxFileBytes = 8 * 1024 * 1024;

Unexpected refuse(const std::string& where, const std::string& what) {
  return fail("invalid_bundle", where + ": " + what);
}

std::string field(const std::string& ctx, const std::string& name) {
  return ctx.empty() ? "field '" + name + "'" : ctx + ", field '" + name + "'";
}

Status only_keys(const nlohmann::json& obj, std::initializer_list<const char*> allowed, const std::string& ctx) {
  for (const auto& [key, _] : obj.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) return refuse(field(ctx, key), "unknown field");
  }
  return ok();
}

Result<std::string> text_of(const nlohmann::json& obj, const char* key, const std::string& ctx,
                            std::size_t max_chars = kMaxTextChars) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return refuse(field(ctx, key), "must be a non-empty string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_chars * 4) return refuse(field(ctx, key), "is too long");
  return s;
}

bool id_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }
bool valid_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!id_char(c)) return false;
  return true;
}

Result<Block> parse_block(const nlohmann::json& j, const std::string& ctx) {
  if (!j.is_object()) return refuse(ctx, "a block must be an object");
  auto type = text_of(j, "type", ctx, 16);
  if (!type) return fail(type.error());
  Block b;
  const std::string& t = *type;
  if (t == "heading" || t == "paragraph" || t == "note") {
    b.type = t == "heading" ? BlockType::Heading : t == "paragraph" ? BlockType::Paragraph : BlockType::Note;
    if (auto st = only_keys(j, {"type", "text"}, ctx); !st) return fail(st.error());
    auto text = text_of(j, "text", ctx);
    if (!text) return fail(text.error());
    b.text = *text;
  } else if (t == "list") {
    b.type = BlockType::List;
    if (auto st = only_keys(j, {"type", "items", "ordered"}, ctx); !st) return fail(st.error());
    if (auto o = j.find("ordered"); o != j.end()) {
      if (!o->is_boolean()) return refuse(field(ctx, "ordered"), "must be true or false");
      b.ordered = o->get<bool>();
    }
    auto it = j.find("items");
    if (it == j.end() || !it->is_array() || it->empty() || it->size() > kMaxListItems)
      return refuse(field(ctx, "items"), "must be a list of 1-50 strings");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& item = (*it)[i];
      if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
          item.get_ref<const std::string&>().size() > kMaxTextChars * 4)
        return refuse(field(ctx, "items." + std::to_string(i)), "must be a non-empty string");
      b.items.push_back(item.get<std::string>());
    }
  } else if (t == "image") {
    b.type = BlockType::Image;
    if (auto st = only_keys(j, {"type", "src", "alt"}, ctx); !st) return fail(st.error());
    auto src = text_of(j, "src", ctx, 200);
    if (!src) return fail(src.error());
    if (!is_safe_relative_path(*src) || src->size() < 5 || src->substr(src->size() - 4) != ".png")
      return refuse(field(ctx, "src"), "must be a .png path inside the bundle");
    auto alt = text_of(j, "alt", ctx);
    if (!alt) return fail(alt.error());
    b.src = *src;
    b.text = *alt;
  } else if (t == "qr") {
    b.type = BlockType::Qr;
    if (auto st = only_keys(j, {"type", "url", "caption"}, ctx); !st) return fail(st.error());
    auto url = text_of(j, "url", ctx, kMaxUrl);
    if (!url) return fail(url.error());
    if (url->rfind("https://", 0) != 0 || url->size() > kMaxUrl)
      return refuse(field(ctx, "url"), "must be an https:// link of at most 512 characters");
    auto caption = text_of(j, "caption", ctx);
    if (!caption) return fail(caption.error());
    b.url = *url;
    b.text = *caption;
  } else {
    return refuse(field(ctx, "type"), "unknown block type '" + t + "'");
  }
  return b;
}

Result<PageText> parse_page_text(const nlohmann::json& j, const std::string& ctx) {
  if (auto st = only_keys(j, {"title", "blocks", "audio"}, ctx); !st) return fail(st.error());
  PageText pt;
  auto title = text_of(j, "title", ctx, 200);
  if (!title) return fail(title.error());
  pt.title = *title;
  auto blocks = j.find("blocks");
  if (blocks == j.end() || !blocks->is_array() || blocks->empty() || blocks->size() > kMaxBlocks)
    return refuse(field(ctx, "blocks"), "must be a list of 1-100 blocks");
  for (std::size_t i = 0; i < blocks->size(); ++i) {
    auto b = parse_block((*blocks)[i], field(ctx, "blocks." + std::to_string(i)));
    if (!b) return fail(b.error());
    pt.blocks.push_back(std::move(*b));
  }
  if (auto audio = j.find("audio"); audio != j.end()) {
    if (!audio->is_string() || !is_safe_relative_path(audio->get<std::string>()) ||
        audio->get_ref<const std::string&>().size() < 5 ||
        audio->get_ref<const std::string&>().substr(audio->get_ref<const std::string&>().size() - 4) != ".wav")
      return refuse(field(ctx, "audio"), "must be a .wav path inside the bundle");
    pt.audio = audio->get<std::string>();
  }
  return pt;
}

Status parse_page(const nlohmann::json& j, std::size_t index, const Bundle& b, std::set<std::string>& ids,
                  Page& page) {
  const std::string at = "pages." + std::to_string(index);
  if (!j.is_object()) return refuse(at, "a page must be an object");
  auto id = j.find("id");
  if (id == j.end() || !id->is_string() || !valid_id(id->get<std::string>()))
    return refuse(at + ", field 'id'", "must be an id of a-z, 0-9, '-' or '_'");
  page.id = id->get<std::string>();
  if (!ids.insert(page.id).second) return refuse("page '" + page.id + "'", "id is used twice");
  const std::string ctx = "page '" + page.id + "'";
  if (auto st = only_keys(j, {"id", "kind", "text"}, ctx); !st) return st;
  auto kind = text_of(j, "kind", ctx, 16);
  if (!kind) return fail(kind.error());
  if (*kind == "topic") page.kind = PageKind::Topic;
  else if (*kind == "story") page.kind = PageKind::Story;
  else return refuse(field(ctx, "kind"), "must be 'topic' or 'story'");

  auto text = j.find("text");
  if (text == j.end() || !text->is_object()) return refuse(field(ctx, "text"), "must be an object of languages");
  for (const auto& [lang, value] : text->items()) {
    const std::string lctx = ctx + ", language '" + lang + "'";
    if (std::find(b.languages.begin(), b.languages.end(), lang) == b.languages.end())
      return refuse(lctx, "language is not in the bundle's 'languages'");
    if (!value.is_object()) return refuse(lctx, "must be an object");
    if (value.contains("fallback")) {
      if (auto st = only_keys(value, {"fallback"}, lctx); !st) return st;
      const auto& fb = value["fallback"];
      if (!fb.is_string() || fb.get<std::string>() == lang)
        return refuse(field(lctx, "fallback"), "must name another language");
      page.fallback[lang] = fb.get<std::string>();
      continue;
    }
    auto pt = parse_page_text(value, lctx);
    if (!pt) return fail(pt.error());
    page.text.emplace(lang, std::move(*pt));
  }
  if (!page.text.count(b.source_language))
    return refuse(ctx + ", language '" + b.source_language + "'", "the source language must have its own text");
  for (const auto& lang : b.languages) {
    if (page.text.count(lang)) continue;
    auto fb = page.fallback.find(lang);
    if (fb == page.fallback.end())
      return refuse(ctx + ", language '" + lang + "'",
                    "missing: give the text or an explicit {\"fallback\": \"" + b.source_language + "\"}");
    // One step only: a fallback must lead to real text, never to another fallback.
    if (!page.text.count(fb->second))
      return refuse(field(ctx + ", language '" + lang + "'", "fallback"),
                    "'" + fb->second + "' has no text of its own on this page");
  }
  return ok();
}

Status parse_files(const nlohmann::json& j, Bundle& b) {
  if (!j.is_object()) return refuse("field 'files'", "must be an object of paths");
  for (const auto& [path, entry] : j.items()) {
    const std::string ctx = "file '" + path + "'";
    if (!is_safe_relative_path(path)) return refuse(ctx, "path must stay inside the bundle");
    if (!entry.is_object()) return refuse(ctx, "must be an object");
    if (auto st = only_keys(entry, {"sha256", "data"}, ctx); !st) return st;
    auto sha = text_of(entry, "sha256", ctx, 64);
    if (!sha) return fail(sha.error());
    auto data = text_of(entry, "data", ctx, kMaxFileBytes * 2);
    if (!data) return fail(data.error());
    BundleFile f;
    f.sha256 = *sha;
    f.bytes = *data;  // still base64 here; decoded and checked by the caller
    b.files.emplace(path, std::move(f));
  }
  return ok();
}

}  // namespace

Status decode_files(Bundle& b);  // bundle_files.cpp

const std::vector<std::string>& ui_keys() {
  static const std::vector<std::string> kKeys = {
      "touch_to_start",  "choose_language",   "general_information", "topics",
      "back",            "next",              "home",                "change_language",
      "listen",          "stop_listening",    "still_there",         "still_there_yes",
      "translation_draft", "fallback_note",   "scan_qr",             "appointment_button",
      "appointment_title", "appointment_intro", "appointment_name",  "appointment_language",
      "appointment_phone", "appointment_consent", "appointment_send", "appointment_sent",
      "appointment_failed", "appointment_name_missing", "appointment_consent_missing", "cancel",
  };
  return kKeys;
}

bool is_safe_relative_path(const std::string& path) {
  if (path.empty() || path.size() > 200 || path.front() == '/' || path.back() == '/') return false;
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == '/';
    if (!ok) return false;
  }
  // No "." or ".." segments and no empty ones.
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  return true;
}

namespace {

constexpr std::size_t kMaxProblems = 100;  // a hostile upload cannot make the list endless

// With `all`, a problem confined to one page or one file is kept and the next one checked; the
// bundle's head (format, id, languages, ui) still ends the parse at its first problem.
Status go_on(Status s, std::vector<Error>* all) {
  if (s || !all || all->size() >= kMaxProblems) return s;
  all->push_back(s.error());
  return ok();
}

Result<Bundle> parse(const nlohmann::json& j, bool require_files, std::vector<Error>* all) {
  if (!j.is_object()) return refuse("bundle", "must be a JSON object");
  if (auto st = only_keys(j, {"format", "bundle", "version", "source_language", "languages", "translations", "ui",
                              "pages", "files"},
                          "");
      !st)
    return fail(st.error());
  Bundle b;
  if (!j.contains("format") || !j["format"].is_number_integer() || j["format"].get<int>() != kBundleFormat)
    return refuse("field 'format'", "must be 1");
  if (!j.contains("bundle") || !j["bundle"].is_string() || !valid_id(j["bundle"].get<std::string>()))
    return refuse("field 'bundle'", "must be an id of a-z, 0-9, '-' or '_'");
  b.id = j["bundle"].get<std::string>();
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<long long>() < 1 ||
      j["version"].get<long long>() > 1000000000)
    return refuse("field 'version'", "must be a positive integer");
  b.version = j["version"].get<int>();

  const auto& langs = j.contains("languages") ? j["languages"] : nlohmann::json();
  if (!langs.is_array() || langs.empty()) return refuse("field 'languages'", "must be a non-empty list");
  for (const auto& l : langs) {
    if (!l.is_string() || !find_language(l.get<std::string>()))
      return refuse("field 'languages'", "'" + l.dump() + "' is not a kiosk language");
    if (std::find(b.languages.begin(), b.languages.end(), l.get<std::string>()) != b.languages.end())
      return refuse("field 'languages'", l.get<std::string>() + " is listed twice");
    b.languages.push_back(l.get<std::string>());
  }
  if (!j.contains("source_language") || !j["source_language"].is_string() ||
      std::find(b.languages.begin(), b.languages.end(), j["source_language"].get<std::string>()) == b.languages.end())
    return refuse("field 'source_language'", "must be one of the bundle's languages");
  b.source_language = j["source_language"].get<std::string>();

  const auto& tr = j.contains("translations") ? j["translations"] : nlohmann::json::object();
  if (!tr.is_object()) return refuse("field 'translations'", "must be an object");
  for (const auto& lang : b.languages) {
    if (lang == b.source_language) {
      b.translations[lang] = TranslationStatus::Source;
      continue;
    }
    const std::string ctx = "translation '" + lang + "'";
    auto it = tr.find(lang);
    if (it == tr.end() || !it->is_object())
      return refuse(ctx, "missing: say whether it is 'reviewed' or a 'machine_draft'");
    if (auto st = only_keys(*it, {"status"}, ctx); !st) return fail(st.error());
    auto status = text_of(*it, "status", ctx, 32);
    if (!status) return fail(status.error());
    if (*status == "reviewed") b.translations[lang] = TranslationStatus::Reviewed;
    else if (*status == "machine_draft") b.translations[lang] = TranslationStatus::MachineDraft;
    else return refuse(field(ctx, "status"), "must be 'reviewed' or 'machine_draft'");
  }
  for (const auto& [lang, _] : tr.items())
    if (!b.translations.count(lang)) return refuse("translation '" + lang + "'", "language is not in the bundle");

  const auto& ui = j.contains("ui") ? j["ui"] : nlohmann::json();
  if (!ui.is_object()) return refuse("field 'ui'", "must be an object of languages");
  for (const auto& lang : b.languages) {
    const std::string ctx = "ui '" + lang + "'";
    auto it = ui.find(lang);
    if (it == ui.end() || !it->is_object()) return refuse(ctx, "missing");
    auto& strings = b.ui[lang];
    for (const auto& key : ui_keys()) {
      auto s = text_of(*it, key.c_str(), ctx, 400);
      if (!s) return fail(s.error());
      strings[key] = *s;
    }
    for (const auto& [key, _] : it->items())
      if (!strings.count(key)) return refuse(field(ctx, key), "unknown field");
  }
  for (const auto& [lang, _] : ui.items())
    if (!b.ui.count(lang)) return refuse("ui '" + lang + "'", "language is not in the bundle");

  const auto& pages = j.contains("pages") ? j["pages"] : nlohmann::json();
  if (!pages.is_array() || pages.empty() || pages.size() > kMaxPages)
    return refuse("field 'pages'", "must be a list of 1-100 pages");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    Page page;
    if (auto st = parse_page(pages[i], i, b, ids, page); !st) {
      if (auto kept = go_on(st, all); !kept) return fail(kept.error());
      continue;
    }
    b.pages.push_back(std::move(page));
  }
  if (!b.pages.empty() && b.pages.front().kind != PageKind::Topic) {
    if (auto st = go_on(refuse("page '" + b.pages.front().id + "'", "the first page must be a topic"), all); !st)
      return fail(st.error());
  }

  if (j.contains("files")) {
    if (auto st = parse_files(j["files"], b); !st) return fail(st.error());
    if (auto st = decode_files(b); !st) return fail(st.error());
  }
  if (require_files) {
    for (const auto& path : b.referenced_files())
      if (!b.files.count(path))
        if (auto st = go_on(refuse("file '" + path + "'", "is named by a page but not in 'files'"), all); !st)
          return fail(st.error());
  }
  if (all && !all->empty()) return fail(all->front());
  return b;
}

}  // namespace

Result<Bundle> parse_bundle(const nlohmann::json& j, bool require_files) { return parse(j, require_files, nullptr); }

std::vector<Error> bundle_problems(const nlohmann::json& j, bool require_files) {
  std::vector<Error> all;
  auto parsed = parse(j, require_files, &all);
  // A problem that stopped the parse is not in the list yet.
  if (!parsed && std::none_of(all.begin(), all.end(), [&](const Error& e) { return e.message == parsed.error().message; }))
    all.push_back(parsed.error());
  return all;
}

}  // namespace ws::content
