// The redraw rule without a window: a still screen sleeps (until its next deadline or for
// ever), any change draws the next frame and a few settling frames after it, and a quick tap
// (press and release in one event poll) reaches ImGui as two frames.
#include <doctest/doctest.h>

#include "kiosk/core/vm/countdown.hpp"
#include "kiosk/ui/input_queue.hpp"
#include "kiosk/ui/redraw_policy.hpp"

using ws::kiosk::ui::FrameActivity;
using ws::kiosk::ui::InputQueue;
using ws::kiosk::ui::RedrawPolicy;

namespace {

// Draws frames with nothing happening until the policy would sleep; returns how many it drew.
int settle(RedrawPolicy& p, std::int64_t now, std::optional<std::int64_t> deadline = std::nullopt) {
  int drawn = 0;
  while (p.wait_ms(now, false) == std::optional<std::int64_t>(0) && drawn < 100) {
    p.frame_drawn(FrameActivity{false, false, false, deadline});
    ++drawn;
  }
  return drawn;
}

}  // namespace

TEST_CASE("no input pending and nothing changing: the loop sleeps until an event") {
  RedrawPolicy p;
  CHECK(p.wait_ms(0, false) == 0);  // the first frames always draw
  CHECK(settle(p, 0) == RedrawPolicy::kSettleFrames);
  CHECK_FALSE(p.wait_ms(0, false).has_value());  // no deadline: block in glfwWaitEvents
  CHECK_FALSE(p.wait_ms(1'000'000, false).has_value());
}

TEST_CASE("a scheduled deadline bounds the sleep, and a passed one draws at once") {
  RedrawPolicy p;
  settle(p, 0, 5'000);
  CHECK(p.wait_ms(1'000, false) == 4'000);
  CHECK(p.wait_ms(5'000, false) == 0);
  CHECK(p.wait_ms(9'000, false) == 0);
}

TEST_CASE("any change draws the next frame and then settles") {
  for (int kind = 0; kind < 3; ++kind) {
    RedrawPolicy p;
    settle(p, 0);
    REQUIRE_FALSE(p.wait_ms(0, false).has_value());
    CHECK(p.wait_ms(0, true) == 0);  // input waiting in the queue: draw now
    FrameActivity a{kind == 0, kind == 1, kind == 2, std::nullopt};
    p.frame_drawn(a);
    CHECK(p.wait_ms(0, false) == 0);
    CHECK(settle(p, 0) == RedrawPolicy::kSettleFrames);
    CHECK_FALSE(p.wait_ms(0, false).has_value());
  }
}

TEST_CASE("a wake from another thread (a finished sync round) draws the next frame") {
  RedrawPolicy p;
  settle(p, 0);
  p.wake();
  CHECK(p.wait_ms(0, false) == 0);
}

TEST_CASE("a held button keeps frames coming until it is released") {
  RedrawPolicy p;
  settle(p, 0);
  for (int i = 0; i < 20; ++i) {
    p.frame_drawn(FrameActivity{false, true, false, std::nullopt});
    CHECK(p.wait_ms(0, false) == 0);
  }
  CHECK(settle(p, 0) == RedrawPolicy::kSettleFrames);
}

TEST_CASE("countdowns wake exactly when their shown second changes") {
  using ws::kiosk::vm::next_whole_second;
  CHECK(next_whole_second(0, 30'000) == 1'000);     // 30 s shown now, 29 s at 1 000
  CHECK(next_whole_second(250, 30'000) == 1'000);   // ceil(29.75) = 30 until 1 000
  CHECK(next_whole_second(1'000, 30'000) == 2'000);
  CHECK(next_whole_second(29'999, 30'000) == 30'000);
  CHECK(next_whole_second(30'000, 30'000) == 30'000);  // over: now
}

TEST_CASE("a press and release in one event poll reach ImGui as two frames") {
  InputQueue q;
  q.push_move(100, 200);
  q.push_button(0, true);
  q.push_button(0, false);
  REQUIRE(q.pending());
  auto f1 = q.next_frame();
  CHECK(f1.fed);
  CHECK(f1.has_pos);
  CHECK(f1.x == 100);
  CHECK(f1.y == 200);
  CHECK(f1.down[0]);
  CHECK(q.pending());  // the release waits for the next frame
  auto f2 = q.next_frame();
  CHECK_FALSE(f2.down[0]);
  CHECK(f2.x == 100);
  CHECK_FALSE(q.pending());
  auto f3 = q.next_frame();
  CHECK_FALSE(f3.fed);
  CHECK(q.transitions() == 2);
}

TEST_CASE("100 quick taps in one poll are 200 transitions, each press at its own position") {
  InputQueue q;
  for (int i = 0; i < 100; ++i) {
    q.push_move(static_cast<float>(i), 10);
    q.push_button(0, true);
    q.push_button(0, false);
  }
  int presses = 0, frames = 0;
  bool was_down = false;
  while (q.pending()) {
    auto f = q.next_frame();
    ++frames;
    if (f.down[0] && !was_down) {
      CHECK(f.x == static_cast<float>(presses));
      ++presses;
    }
    was_down = f.down[0];
  }
  CHECK(presses == 100);
  CHECK(frames == 200);
  CHECK(q.transitions() == 200);
}

TEST_CASE("moves collapse, a leave hides the pointer, and a release without a press is dropped") {
  InputQueue q;
  q.push_button(0, false);  // released before the window saw the press
  q.push_move(1, 1);
  q.push_move(5, 6);
  auto f = q.next_frame();
  CHECK(f.x == 5);
  CHECK(f.y == 6);
  CHECK(q.transitions() == 0);
  q.push_leave();
  CHECK_FALSE(q.next_frame().has_pos);
}
