#pragma once
// Pointer events in the order the window system sent them, handed to Dear ImGui at most one
// button transition per frame. Dear ImGui 1.86 samples the button state once per frame, so a
// press and release that arrive in the same event poll (a quick tap) would otherwise collapse
// into nothing or leave the button looking held; newer Dear ImGui queues input the same way.
#include <array>
#include <cstddef>
#include <deque>

namespace ws::kiosk::ui {

class InputQueue {
 public:
  static constexpr std::size_t kButtons = 5;

  void push_move(float x, float y);
  void push_button(int button, bool down);
  // The pointer left the window: ImGui then sees no position (nothing hovered).
  void push_leave();

  // What ImGui sees this frame: every move up to and including the next button transition is
  // applied; later events wait for the next frame.
  struct Frame {
    bool has_pos = false;
    float x = 0.0f, y = 0.0f;
    std::array<bool, kButtons> down{};
    bool fed = false;  // at least one event was applied
  };
  Frame next_frame();
  bool pending() const { return !events_.empty(); }
  // Button transitions applied so far (a tap is two).
  std::size_t transitions() const { return transitions_; }

 private:
  struct Event {
    enum class Kind { Move, Button, Leave } kind = Kind::Move;
    float x = 0.0f, y = 0.0f;
    int button = 0;
    bool down = false;
  };
  std::deque<Event> events_;
  Frame state_;
  std::size_t transitions_ = 0;
};

}  // namespace ws::kiosk::ui
