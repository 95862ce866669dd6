#include "ws/forms/registry.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "ws/json_view.hpp"

namespace ws::forms {
namespace {

constexpr std::uintmax_t kMaxDefinitionFileBytes = 2 * 1024 * 1024;

Result<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail("io_error", "cannot read: " + ec.message());
  if (size > kMaxDefinitionFileBytes) return fail("invalid_form", "file larger than 2 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("io_error", "cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto j = nlohmann::json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail("invalid_json", "not valid JSON");
  return j;
}

}  // namespace

Status FormRegistry::add(FormDefinition def) {
  auto& versions = forms_[def.id];
  if (auto it = versions.find(def.version); it != versions.end()) {
    if (it->second.source == def.source) return {};
    return fail("form_version_conflict", "form '" + def.id + "' version " + std::to_string(def.version) +
                                             " is already registered with different content; publish a new version");
  }
  const int version = def.version;
  versions.emplace(version, std::move(def));
  return {};
}

Status FormRegistry::add_json(const nlohmann::json& j) {
  auto def = parse_definition(j);
  if (!def) return fail(def.error());
  return add(std::move(*def));
}

Status FormRegistry::load_directory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  if (ec) return fail("io_error", "cannot list form directory '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  std::string problems;
  for (const auto& path : files) {
    auto j = read_json_file(path);
    Status added = j ? add_json(*j) : Status(fail(j.error()));
    if (!added) problems += (problems.empty() ? "" : "; ") + path.filename().string() + ": " + added.error().message;
  }
  if (!problems.empty()) return fail("invalid_form", problems);
  return {};
}

const FormDefinition* FormRegistry::find(const std::string& form_id, std::optional<int> version) const {
  auto it = forms_.find(form_id);
  if (it == forms_.end() || it->second.empty()) return nullptr;
  if (!version) return &it->second.rbegin()->second;
  auto v = it->second.find(*version);
  return v == it->second.end() ? nullptr : &v->second;
}

std::vector<std::string> FormRegistry::form_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, _] : forms_) out.push_back(id);
  return out;
}

std::vector<int> FormRegistry::versions(const std::string& form_id) const {
  std::vector<int> out;
  if (auto it = forms_.find(form_id); it != forms_.end())
    for (const auto& [v, _] : it->second) out.push_back(v);
  return out;
}

std::size_t FormRegistry::size() const {
  std::size_t n = 0;
  for (const auto& [_, versions] : forms_) n += versions.size();
  return n;
}

namespace {

template <typename Answers>
std::vector<FieldError> validate_as(const FormRegistry& registry, const std::string& kind, int schema_version,
                                    const Answers& payload, const ValidationOptions& options) {
  const FormDefinition* def = registry.find(kind, schema_version);
  if (!def)
    return {{"", "unknown_form", "no form definition '" + kind.substr(0, 64) + "' version " + std::to_string(schema_version)}};
  if constexpr (std::is_same_v<Answers, json_view::Dom>) return validate_dom(*def, payload, options);
  else return validate(*def, payload, options);
}

}  // namespace

std::vector<FieldError> validate_record(const FormRegistry& registry, const std::string& kind, int schema_version,
                                        const nlohmann::json& payload, const ValidationOptions& options) {
  return validate_as(registry, kind, schema_version, payload, options);
}

std::vector<FieldError> validate_record_dom(const FormRegistry& registry, const std::string& kind, int schema_version,
                                            const json_view::Dom& payload, const ValidationOptions& options) {
  return validate_as(registry, kind, schema_version, payload, options);
}

}  // namespace ws::forms
