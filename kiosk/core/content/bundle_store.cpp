#include "kiosk/core/content/bundle_store.hpp"

#include <cstdio>

#include "kiosk/core/content/durable_fs.hpp"
#include "ws/content/bundle_files.hpp"
#include "ws/ids.hpp"

namespace ws::kiosk::content {
namespace {

namespace wc = ws::content;

struct Candidate {
  std::shared_ptr<const wc::Bundle> bundle;
  std::string root;
  std::string error;
};

Candidate load_candidate(const std::string& root) {
  Candidate c;
  c.root = root;
  auto b = wc::load_bundle_directory(root);
  if (b) c.bundle = std::make_shared<const wc::Bundle>(std::move(*b));
  else c.error = b.error().message;
  return c;
}

std::string basename_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

BundleStore::BundleStore(std::string content_dir, std::string builtin_dir)
    : content_dir_(std::move(content_dir)), builtin_dir_(std::move(builtin_dir)) {}

Result<ActiveBundle> BundleStore::load_active() const {
  ActiveBundle out;
  std::string problem;
  auto try_link = [&](const char* link, ActiveBundle::Source source) -> bool {
    const std::string target = read_symlink(content_dir_ + "/" + link);
    if (target.empty()) return false;
    Candidate c = load_candidate(content_dir_ + "/" + target);
    if (!c.bundle) {
      if (problem.empty()) problem = std::string("the ") + link + " bundle is unusable: " + c.error;
      return false;
    }
    out.bundle = c.bundle;
    out.root = c.root;
    out.source = source;
    return true;
  };
  if (!try_link("current", ActiveBundle::Source::Installed)) try_link("previous", ActiveBundle::Source::Previous);

  // The kiosk's own bundle wins when nothing installed works, or when a kiosk update shipped a
  // newer version of the same bundle than the one last published through sync.
  Candidate builtin = load_candidate(builtin_dir_);
  if (builtin.bundle &&
      (!out.bundle || (builtin.bundle->id == out.bundle->id && builtin.bundle->version > out.bundle->version))) {
    out.bundle = builtin.bundle;
    out.root = builtin.root;
    out.source = ActiveBundle::Source::BuiltIn;
  }
  if (!out.bundle) {
    return fail("no_content", problem.empty() ? "no content bundle: " + builtin.error
                                              : problem + "; the built-in bundle too: " + builtin.error);
  }
  out.problem = problem;
  return out;
}

Result<InstallOutcome> BundleStore::install(const nlohmann::json& packed) {
  std::lock_guard lock(install_mutex_);
  auto parsed = wc::parse_bundle(packed, /*require_files=*/true);
  if (!parsed) return fail(parsed.error());
  const wc::Bundle& bundle = *parsed;

  const std::string current_target = read_symlink(content_dir_ + "/current");
  if (!current_target.empty()) {
    Candidate current = load_candidate(content_dir_ + "/" + current_target);
    if (current.bundle && current.bundle->id == bundle.id) {
      if (bundle.version == current.bundle->version) return InstallOutcome::AlreadyActive;
      if (bundle.version < current.bundle->version)
        return fail("stale_bundle", "bundle '" + bundle.id + "' version " + std::to_string(bundle.version) +
                                        " is older than the active version " +
                                        std::to_string(current.bundle->version));
    }
  }

  const std::string versions = content_dir_ + "/versions";
  if (auto st = make_directories(versions); !st) return fail(st.error());
  const std::string uuid = new_uuid_v7();
  const std::string staging = versions + "/.staging-" + uuid;
  if (auto st = make_directories(staging); !st) return fail(st.error());
  step("staging_created");

  nlohmann::json document = packed;
  document.erase("files");  // on disk the files sit beside bundle.json
  for (const auto& [path, file] : bundle.files) {
    if (auto st = write_file_durably(staging + "/" + path, file.bytes); !st) {
      (void)remove_tree(staging);
      return fail(st.error());
    }
    step("file_written");
  }
  if (auto st = write_file_durably(staging + "/" + wc::kBundleFileName, document.dump()); !st) {
    (void)remove_tree(staging);
    return fail(st.error());
  }
  step("bundle_json_written");

  // Read back what is on disk before publishing it: what the screens will load is what we check.
  Candidate written = load_candidate(staging);
  if (!written.bundle || written.bundle->id != bundle.id || written.bundle->version != bundle.version) {
    (void)remove_tree(staging);
    return fail("install_failed", "the written bundle does not read back: " + written.error);
  }
  for (const auto& dir : {staging, staging + "/images", staging + "/audio"}) (void)fsync_directory(dir);
  step("verified");

  const std::string name = bundle.id + "-v" + std::to_string(bundle.version) + "-" + uuid;
  if (::rename(staging.c_str(), (versions + "/" + name).c_str()) != 0) {
    (void)remove_tree(staging);
    return fail("io_error", "cannot move the staged bundle into place");
  }
  if (auto st = fsync_directory(versions); !st) return fail(st.error());
  step("renamed");

  if (!current_target.empty()) {
    if (auto st = replace_symlink(content_dir_ + "/previous", current_target); !st) return fail(st.error());
    step("previous_linked");
  }
  if (auto st = replace_symlink(content_dir_ + "/current", "versions/" + name); !st) return fail(st.error());
  step("switched");

  collect_garbage();
  step("collected");
  return InstallOutcome::Installed;
}

void BundleStore::collect_garbage() const {
  const std::string keep_current = basename_of(read_symlink(content_dir_ + "/current"));
  const std::string keep_previous = basename_of(read_symlink(content_dir_ + "/previous"));
  const std::string versions = content_dir_ + "/versions";
  for (const auto& name : list_directory(versions)) {
    if (name == keep_current || name == keep_previous) continue;
    (void)remove_tree(versions + "/" + name);
  }
  // Leftover temporary links from a crash between symlink() and rename().
  for (const auto& name : list_directory(content_dir_))
    if (name.rfind("current.tmp-", 0) == 0 || name.rfind("previous.tmp-", 0) == 0)
      (void)remove_tree(content_dir_ + "/" + name);
}

}  // namespace ws::kiosk::content
