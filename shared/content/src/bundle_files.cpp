#include "ws/content/bundle_files.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace ws::content {
namespace {
constexpr std::size_t kMaxBundleJson = 4 * 1024 * 1024;
constexpr std::size_t kMaxFileBytes = 8 * 1024 * 1024;

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return fail("invalid_base64", "not valid base64");
  out.resize(len);
  return out;
}

// Declared in bundle_parse.cpp's translation unit: turns the embedded base64 into bytes.
Status decode_files(Bundle& b) {
  if (sodium_init() < 0) return fail("crypto_unavailable", "libsodium failed to initialise");
  for (auto& [path, file] : b.files) {
    auto bytes = base64_decode(file.bytes);
    if (!bytes) return fail("invalid_bundle", "file '" + path + "', field 'data': not valid base64");
    if (bytes->size() > kMaxFileBytes) return fail("invalid_bundle", "file '" + path + "': larger than 8 MiB");
    if (sha256_hex(*bytes) != file.sha256)
      return fail("invalid_bundle", "file '" + path + "', field 'sha256': does not match the data");
    file.bytes = std::move(*bytes);
  }
  return ok();
}

Status check_referenced_files(const Bundle& b, const std::function<bool(const std::string&)>& exists) {
  for (const auto& page : b.pages) {
    for (const auto& [lang, text] : page.text) {
      const std::string ctx = "page '" + page.id + "', language '" + lang + "', field '";
      for (std::size_t i = 0; i < text.blocks.size(); ++i) {
        const auto& block = text.blocks[i];
        if (block.type == BlockType::Image && !exists(block.src))
          return fail("invalid_bundle", ctx + "blocks." + std::to_string(i) + ".src': file '" + block.src +
                                            "' is not in the bundle");
      }
      if (!text.audio.empty() && !exists(text.audio))
        return fail("invalid_bundle", ctx + "audio': file '" + text.audio + "' is not in the bundle");
    }
  }
  return ok();
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("not_found", "cannot open " + path);
  std::string data;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) return fail("too_large", path + " is too large");
  }
  return data;
}

Result<Bundle> load_bundle_directory(const std::string& dir) {
  auto text = read_file(dir + "/" + kBundleFileName, kMaxBundleJson);
  if (!text) return fail(text.error());
  auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return fail("invalid_bundle", std::string(kBundleFileName) + " is not valid JSON");
  auto bundle = parse_bundle(json);
  if (!bundle) return bundle;
  if (auto st = check_referenced_files(*bundle, [&](const std::string& p) {
        return bundle->files.count(p) > 0 || is_regular_file(dir + "/" + p);
      });
      !st)
    return fail(st.error());
  return bundle;
}

Result<nlohmann::json> pack_bundle_directory(const std::string& dir) {
  auto bundle = load_bundle_directory(dir);
  if (!bundle) return fail(bundle.error());
  auto text = read_file(dir + "/" + kBundleFileName, kMaxBundleJson);
  if (!text) return fail(text.error());
  auto json = nlohmann::json::parse(*text, nullptr, false);
  nlohmann::json files = nlohmann::json::object();
  for (const auto& path : bundle->referenced_files()) {
    auto bytes = read_file(dir + "/" + path, kMaxFileBytes);
    if (!bytes) return fail(bytes.error());
    files[path] = {{"sha256", sha256_hex(*bytes)}, {"data", base64_encode(*bytes)}};
  }
  json["files"] = std::move(files);
  return json;
}

}  // namespace ws::content
