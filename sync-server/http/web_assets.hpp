#pragma once
// The HQ page's files (sync-server/web/), embedded in the binary at build time by
// sync-server/embed_web.cmake. The table is generated; lookups are here.
#include <span>
#include <string_view>

namespace ws::server {

struct WebAsset {
  std::string_view path;          // relative to sync-server/web/, e.g. "views/cases.js"
  std::string_view content_type;  // with charset for text
  std::string_view etag;          // quoted, from the file's SHA-256
  std::string_view bytes;
};

// Every embedded file, sorted by path (generated).
std::span<const WebAsset> web_assets();

// The file at `path`, or nullptr.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace ws::server
