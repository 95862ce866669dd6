#include "kiosk/ui/redraw_policy.hpp"

#include <algorithm>

namespace ws::kiosk::ui {

void RedrawPolicy::frame_drawn(const FrameActivity& activity) {
  ++frames_;
  if (activity.input || activity.ui_busy || activity.changed) settle_left_ = kSettleFrames;
  else if (settle_left_ > 0) --settle_left_;
  deadline_ms_ = activity.deadline_ms;
}

std::optional<std::int64_t> RedrawPolicy::wait_ms(std::int64_t now_ms, bool input_pending) const {
  if (input_pending || settle_left_ > 0) return 0;
  if (!deadline_ms_) return std::nullopt;
  return std::max<std::int64_t>(0, *deadline_ms_ - now_ms);
}

std::optional<std::int64_t> earliest(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace ws::kiosk::ui
