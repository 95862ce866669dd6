#pragma once
// Bundles on disk and in transit. On disk a bundle is a directory: bundle.json plus the files
// its pages name (images/…, audio/…). Published through sync it is one JSON document with
// those files embedded (base64 + SHA-256), so that a kiosk receives all of it or nothing.
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ws/content/bundle.hpp"
#include "ws/result.hpp"

namespace ws::content {

inline constexpr const char* kBundleFileName = "bundle.json";

std::string sha256_hex(std::string_view bytes);
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

// Every file a page names must exist; the refusal names page, language and field.
Status check_referenced_files(const Bundle& b, const std::function<bool(const std::string& path)>& exists);

// Reads <dir>/bundle.json, validates it and checks that the files it names are in <dir>.
Result<Bundle> load_bundle_directory(const std::string& dir);

// The published form of a bundle directory: bundle.json with every referenced file embedded.
Result<nlohmann::json> pack_bundle_directory(const std::string& dir);

Result<std::string> read_file(const std::string& path, std::size_t max_bytes);

}  // namespace ws::content
