#include "kiosk/ui/screens/info/info_session.hpp"

#include <imgui.h>

#include "kiosk/core/vm/countdown.hpp"
#include "kiosk/ui/text/gl_texture_sink.hpp"

namespace ws::kiosk::ui::info {
namespace {

bool user_input_this_frame() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f || io.MouseWheel != 0.0f) return true;
  if (!io.InputQueueCharacters.empty()) return true;
  for (bool down : io.MouseDown)
    if (down) return true;
  for (bool down : io.KeysDown)
    if (down) return true;
  return false;
}

std::string content_dir_of(const AppView& view) {
  return view.data_dir.empty() ? std::string() : view.data_dir + "/content";
}

}  // namespace

InfoSession::InfoSession(IdlePolicy policy) : policy_(policy) {}

InfoSession::~InfoSession() { narrator_.stop(); }

text::TextPainter& InfoSession::painter() {
  if (!painter_) painter_ = std::make_unique<text::TextPainter>(text::make_texture_sink());
  return *painter_;
}

void InfoSession::begin_frame() { painter().end_frame(); }

const kc::ActiveBundle* InfoSession::bundle(const AppView& view) {
  const std::string key = view.assets_dir + "\n" + view.data_dir;
  if (!active_ || key != loaded_for_) refresh_bundle(view);
  return active_ ? &*active_ : nullptr;
}

void InfoSession::refresh_bundle(const AppView& view) {
  loaded_for_ = view.assets_dir + "\n" + view.data_dir;
  // Without a data folder (screenshots, tests) only the built-in bundle is looked at; the
  // content folder name then points nowhere that exists.
  const std::string content_dir = content_dir_of(view);
  store_ = std::make_unique<kc::BundleStore>(content_dir.empty() ? std::string("/nonexistent") : content_dir,
                                                  view.assets_dir + "/content/avrr-info");
  auto loaded = store_->load_active();
  if (loaded) {
    active_ = std::move(*loaded);
    bundle_problem_ = active_->problem;
  } else {
    active_.reset();
    bundle_problem_ = loaded.error().message;
  }
}

bool InfoSession::watch_idle(Ui& ui) {
  const std::int64_t now = ui.view.now_ms;
  if (last_activity_ms_ < 0 || user_input_this_frame()) {
    // Input while the prompt is up does not count: only the "yes" button keeps the session,
    // so a person walking past and brushing the screen does not keep someone's answers up.
    if (last_activity_ms_ < 0 || now - last_activity_ms_ < policy_.prompt_after_ms) last_activity_ms_ = now;
  }
  const std::int64_t idle = now - last_activity_ms_;
  const std::int64_t reset_at = last_activity_ms_ + policy_.prompt_after_ms + policy_.reset_after_prompt_ms;
  if (idle < policy_.prompt_after_ms) {
    ui.intents.redraw_at(last_activity_ms_ + policy_.prompt_after_ms);  // the prompt appears then
    return false;
  }
  if (idle >= policy_.prompt_after_ms + policy_.reset_after_prompt_ms) {
    wipe();
    last_activity_ms_ = -1;
    ui.emit(SetLanguage{"en"});
    ui.emit(Navigate{"attract", ""});
    return true;
  }
  ui.intents.redraw_at(vm::next_whole_second(now, reset_at));  // the prompt counts down each second
  return true;
}

std::int64_t InfoSession::idle_reset_in_ms(std::int64_t now_ms) const {
  if (last_activity_ms_ < 0) return policy_.prompt_after_ms + policy_.reset_after_prompt_ms;
  return std::max<std::int64_t>(0, last_activity_ms_ + policy_.prompt_after_ms + policy_.reset_after_prompt_ms - now_ms);
}

void InfoSession::confirm_presence(std::int64_t now_ms) { last_activity_ms_ = now_ms; }

void InfoSession::wipe() {
  narrator_.stop();
  appointment_ = AppointmentDraft{};
}

}  // namespace ws::kiosk::ui::info
