#pragma once
// When the kiosk draws a frame, decided without a window so tests can drive it.
//
// The rule: any change (input, a widget still held or settling, a view-model change, an async
// result) draws the next frame and a few after it, because Dear ImGui needs a frame or two to
// settle hover, layout and auto-sized windows. When nothing changes the loop blocks until the
// earliest scheduled deadline (a countdown's next second, an idle lock) or until an event or
// another thread's wake-up arrives. There is no polling timer: a still screen draws nothing.
#include <cstdint>
#include <optional>

namespace ws::kiosk::ui {

// What happened in the frame just drawn.
struct FrameActivity {
  bool input = false;    // an input event was fed to ImGui for this frame
  bool ui_busy = false;  // a button or key is held, or a widget is being dragged
  bool changed = false;  // intents applied, screen switched, view-model or async state moved
  // The earliest monotonic time something on screen changes on its own (countdown, lock).
  std::optional<std::int64_t> deadline_ms;
};

class RedrawPolicy {
 public:
  // Frames drawn after the last change so hover, layout and first-frame sizes settle.
  static constexpr int kSettleFrames = 3;

  void frame_drawn(const FrameActivity& activity);
  // Another thread (e.g. the sync engine) reported a result: draw the next frame.
  void wake() { settle_left_ = kSettleFrames; }

  // How long the loop may block before drawing: 0 = draw now, nullopt = until an event.
  std::optional<std::int64_t> wait_ms(std::int64_t now_ms, bool input_pending) const;

  int frames_drawn() const { return frames_; }

 private:
  int settle_left_ = kSettleFrames;  // the first frames always draw
  std::optional<std::int64_t> deadline_ms_;
  int frames_ = 0;
};

// The earlier of two optional deadlines.
std::optional<std::int64_t> earliest(std::optional<std::int64_t> a, std::optional<std::int64_t> b);

}  // namespace ws::kiosk::ui
