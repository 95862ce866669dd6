#include "kiosk/ui/input_queue.hpp"

namespace ws::kiosk::ui {

void InputQueue::push_move(float x, float y) {
  // Consecutive moves collapse: only where the pointer ends up before a transition matters.
  if (!events_.empty() && events_.back().kind == Event::Kind::Move) {
    events_.back().x = x;
    events_.back().y = y;
    return;
  }
  events_.push_back(Event{Event::Kind::Move, x, y, 0, false});
}

void InputQueue::push_button(int button, bool down) {
  if (button < 0 || static_cast<std::size_t>(button) >= kButtons) return;
  events_.push_back(Event{Event::Kind::Button, 0.0f, 0.0f, button, down});
}

void InputQueue::push_leave() { events_.push_back(Event{Event::Kind::Leave, 0.0f, 0.0f, 0, false}); }

InputQueue::Frame InputQueue::next_frame() {
  state_.fed = false;
  while (!events_.empty()) {
    const Event e = events_.front();
    if (e.kind == Event::Kind::Button && state_.down[static_cast<std::size_t>(e.button)] == e.down) {
      events_.pop_front();  // no transition (e.g. a release whose press was before the window opened)
      continue;
    }
    events_.pop_front();
    state_.fed = true;
    if (e.kind == Event::Kind::Move) {
      state_.has_pos = true;
      state_.x = e.x;
      state_.y = e.y;
    } else if (e.kind == Event::Kind::Leave) {
      // A held button keeps its position (a drag that leaves the window still ends over it).
      bool held = false;
      for (bool d : state_.down) held = held || d;
      if (!held) state_.has_pos = false;
    } else {
      state_.down[static_cast<std::size_t>(e.button)] = e.down;
      ++transitions_;
      break;  // one transition per frame: the next one waits for the next frame
    }
  }
  return state_;
}

}  // namespace ws::kiosk::ui
