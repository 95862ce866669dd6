#pragma once
// Content bundles on the kiosk: installs published bundles and switches between them
// atomically, and picks the bundle to show with fallback (newest good install, then the one
// before it, then the bundle shipped with the kiosk).
//
// Layout under <data-dir>/content:
//   versions/<bundle>-v<version>-<uuid>/   a complete, verified bundle (bundle.json + files)
//   versions/.staging-<uuid>/              being written; removed if a crash leaves it behind
//   current  -> versions/...               the bundle to show (symlink, switched by rename)
//   previous -> versions/...               the last good one before it
// A switch is a rename of a symlink, so a crash (kill -9, power cut) at any moment leaves the
// old bundle or the new one, never a mix of both.
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "ws/content/bundle.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::content {

struct ActiveBundle {
  enum class Source { Installed, Previous, BuiltIn };
  std::shared_ptr<const ws::content::Bundle> bundle;
  std::string root;  // the directory holding bundle.json and the files its pages name
  Source source = Source::BuiltIn;
  // Why a newer bundle is not the one shown (for the operator's status line); empty if none.
  std::string problem;
};

enum class InstallOutcome { Installed, AlreadyActive };

class BundleStore {
 public:
  BundleStore(std::string content_dir, std::string builtin_dir);

  Result<ActiveBundle> load_active() const;

  // Installs a published bundle (the packed JSON of a `content` record, files embedded) and
  // makes it current. A bundle that does not validate is refused and nothing changes; an
  // older version of the bundle already shown is refused; the same version is a no-op.
  Result<InstallOutcome> install(const nlohmann::json& packed);

  // Tests inject crashes here: called after each durable step with the step's name.
  void set_step_hook(std::function<void(const std::string& step)> hook) { step_hook_ = std::move(hook); }

  const std::string& content_dir() const { return content_dir_; }

 private:
  void step(const std::string& name) const {
    if (step_hook_) step_hook_(name);
  }
  void collect_garbage() const;

  std::string content_dir_;
  std::string builtin_dir_;
  std::function<void(const std::string&)> step_hook_;
  mutable std::mutex install_mutex_;
};

}  // namespace ws::kiosk::content
