#pragma once
// `kiosk --trace-frames FILE`: one line per input event as GLFW delivers it and one per frame
// presented, so tap-to-photon can be measured from outside (bench/touch) and frame counts
// checked by tests. Times are CLOCK_MONOTONIC (std::chrono::steady_clock) microseconds.
//
//   input T press|release BUTTON      a pointer button; also: input T move, key, char, scroll
//   frame N T HASH TRANSITIONS        frame N shown at T (after SwapBuffers and glFinish);
//                                     HASH of its draw data; button transitions fed so far
//   sleep T                           the loop blocks: nothing left to draw
//   saved T                           a form's save returned: its commit is durable
//                                     (synchronous=FULL), written by FrameTrace::saved()
//
// Kinds only: never a key, a character or a position, which could spell what someone typed.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "ws/result.hpp"

struct ImDrawData;

namespace ws::kiosk::ui {

class FrameTrace {
 public:
  static Result<std::unique_ptr<FrameTrace>> open(const std::string& path);
  ~FrameTrace();
  FrameTrace(const FrameTrace&) = delete;
  FrameTrace& operator=(const FrameTrace&) = delete;

  static std::int64_t now_us();
  void input(const char* kind, int button = -1);
  void frame(int number, std::int64_t shown_us, std::uint64_t hash, std::size_t transitions);
  void sleep();
  // Marks a durable save in the trace that is open, if any: the Shell's save runs far from
  // the window loop that owns the trace, and without --trace-frames this does nothing.
  static void saved();

 private:
  explicit FrameTrace(std::FILE* file) : file_(file) {}
  std::FILE* file_;
  static FrameTrace* open_;  // the one trace of this process (the window's), or nullptr
};

// What the frame shows: vertices, indices, clip rectangles and textures of every draw command,
// mixed with `extra` (e.g. how many text textures were uploaded, whose pixels the draw data
// does not carry). Equal hashes: the same picture.
std::uint64_t draw_data_hash(const ImDrawData* data, std::uint64_t extra);

}  // namespace ws::kiosk::ui
