#pragma once
// What the migrant screens share while someone is at the kiosk: the content bundle, the
// shaped-text painter, the narration, the appointment request being typed and the idle timer.
// One InfoSession is created by register_info_screens and captured by the screen factories,
// so it lives as long as the registry (and the window) and is never a global.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/core/content/bundle_store.hpp"
#include "kiosk/core/content/narration.hpp"
#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/text/shaped_text.hpp"

namespace ws::kiosk::ui::info {

namespace wc = ws::content;
namespace kc = ws::kiosk::content;

// The appointment request as typed; wiped when the person leaves.
struct AppointmentDraft {
  std::string name;
  std::string phone;
  std::string language;  // kiosk code; empty = the screen's language
  bool consent = false;
  bool sent = false;
  std::string error_key;  // ui key of the message to show, empty if none
};

// After this long without a touch the screens ask "are you still there?"; after the second
// period with no answer everything typed is wiped and the attract screen returns.
struct IdlePolicy {
  std::int64_t prompt_after_ms = 60'000;
  std::int64_t reset_after_prompt_ms = 30'000;
};

class InfoSession {
 public:
  explicit InfoSession(IdlePolicy policy = {});
  ~InfoSession();

  // The bundle to show (loaded on first use from the view's folders; re-checked on the
  // attract screen, so a newly published bundle never replaces a page someone is reading).
  const kc::ActiveBundle* bundle(const AppView& view);
  void refresh_bundle(const AppView& view);
  const std::string& bundle_problem() const { return bundle_problem_; }

  // Created on first use, on the UI thread, once the window's GL context exists.
  text::TextPainter& painter();
  kc::Narrator& narrator() { return narrator_; }
  AppointmentDraft& appointment() { return appointment_; }

  // Call once per frame from every migrant screen except the attract screen. Returns true
  // while the "still there?" prompt is up (the screen then draws only the prompt). When the
  // reset time passes it wipes the session and asks the shell for the attract screen.
  bool watch_idle(Ui& ui);
  std::int64_t idle_reset_in_ms(std::int64_t now_ms) const;
  void confirm_presence(std::int64_t now_ms);
  // Forgets everything the person typed or started (appointment draft, narration).
  void wipe();
  // Marks the start of a frame: frees textures unused for a while.
  void begin_frame();

 private:
  IdlePolicy policy_;
  std::unique_ptr<text::TextPainter> painter_;
  std::unique_ptr<kc::BundleStore> store_;
  std::optional<kc::ActiveBundle> active_;
  std::string bundle_problem_;
  std::string loaded_for_;  // assets_dir + data_dir the bundle was loaded from
  kc::Narrator narrator_;
  AppointmentDraft appointment_;
  std::int64_t last_activity_ms_ = -1;
};

}  // namespace ws::kiosk::ui::info
