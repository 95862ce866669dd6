#include "sync-server/core/stored_versions.hpp"

#include <vector>

#include <nlohmann/json.hpp>

#include "ws/envelope.hpp"

namespace ws::server {
namespace {

using nlohmann::json;

// Collects an object's top-level keys without building its values: a protocol 1 pull page
// of 1000 records would otherwise parse every payload only to read its field names.
class TopLevelKeys : public nlohmann::json_sax<json> {
 public:
  std::vector<std::string> keys;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth_ > 0; }
  bool end_object() override { return --depth_ >= 0; }
  bool start_array(std::size_t) override { return ++depth_ > 0; }
  bool end_array() override { return --depth_ >= 0; }
  bool key(string_t& k) override {
    if (depth_ == 1) keys.push_back(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  int depth_ = 0;
};

}  // namespace

Result<FieldVersions> parse_stored_versions(std::string_view text) {
  auto fv = json::parse(text, nullptr, false);
  if (fv.is_discarded() || !fv.is_object()) return fail("corrupt", "stored record has unreadable field versions");
  FieldVersions out;
  for (const auto& [field, v] : fv.items()) {
    auto parsed = Version::parse(v.is_string() ? v.get_ref<const std::string&>() : std::string());
    if (!parsed) return fail("corrupt", "stored record has a bad field version");
    out.emplace(field, std::move(*parsed));
  }
  return out;
}

Status add_implied_versions(FieldVersions& versions, std::string_view payload, const Version& version) {
  if (payload.empty() || payload.front() != '{') return fail("corrupt", "stored record has an unreadable payload");
  TopLevelKeys sax;
  if (!json::sax_parse(payload, &sax)) return fail("corrupt", "stored record has an unreadable payload");
  for (auto& key : sax.keys) versions.try_emplace(std::move(key), version);
  return ok();
}

Result<std::string> full_versions_text(std::string_view payload, std::string_view stored, std::string_view version) {
  auto record_version = Version::parse(std::string(version));
  if (!record_version) return fail("corrupt", "stored record has a bad version");
  auto versions = parse_stored_versions(stored);
  if (!versions) return fail(versions.error());
  if (auto s = add_implied_versions(*versions, payload, *record_version); !s) return fail(s.error());
  return field_versions_json(*versions);
}

}  // namespace ws::server
