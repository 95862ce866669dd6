// The real kiosk binary in a real window (a private Xvfb), tapped with xdotool as a finger
// would: 100 quick taps (press and release sent back to back) all take effect, each tap's
// effect is drawn within two frames of its release, and with nobody touching it the kiosk
// draws no frame at all. Frames are counted from the kiosk's KIOSK_DEBUG_FRAMES readout and its
// --trace-frames trace (input events, frames with a hash of what they show), never timed.
#include "tests/ui/touch/touch_harness.hpp"

using namespace touch_test;

TEST_CASE("100 quick taps on the topic list: 100 effects, each drawn within two frames of its release, by the frame trace") {
  ws::test::TempDir traces{"ws-trace-"};
  const std::string trace_path = (std::filesystem::path(traces.path()) / "trace.txt").string();
  KioskWindow k({.extra_args = {"--trace-frames", trace_path}});
  k.tap("touch_to_start", "languages");
  k.tap("lang_en", "info");
  auto frames = parse_frames(k.log());
  const Frame on_info = frames.back();
  REQUIRE(on_info.centres.count("topic_what"));
  REQUIRE(on_info.centres.count("topic_who"));
  const std::size_t transitions_before = on_info.transitions;
  const std::size_t frames_before = frames.size();

  // Alternate between two topics: every tap changes the page shown, so every tap is counted.
  std::vector<std::pair<int, int>> taps;
  for (int i = 0; i < 100; ++i) taps.push_back(on_info.centres.at(i % 2 == 0 ? "topic_who" : "topic_what"));
  k.tap_all(taps);
  frames = wait_for(
      k.log(),
      [&](const auto& f) {
        return !f.empty() && f.back().transitions >= transitions_before + 200 && f.back().param == "what";
      },
      "200 button transitions and the last tap's page");

  // The trace (written before each readout line) has every frame the readout has.
  const Trace trace = parse_trace(trace_path);
  REQUIRE(trace.frames.count(on_info.number));
  REQUIRE(trace.frames.count(frames.back().number));
  // Every press and release reached the window as GLFW delivered them, none merged or lost.
  int presses = 0, releases = 0;
  for (const auto& input : trace.inputs) {
    if (input.us <= trace.frames.at(on_info.number).us) continue;
    presses += input.kind == "press" ? 1 : 0;
    releases += input.kind == "release" ? 1 : 0;
  }
  CHECK(presses == 100);
  CHECK(releases == 100);

  // Each page change (the readout names the page) must show in the picture (the trace's hash
  // of the draw data changed) and come at most two frames after the frame that fed the release
  // (the trace's transition count), counted in frames, not milliseconds.
  int changes = 0, drawn = 0, worst = 0;
  std::string shown = on_info.param;
  std::optional<int> release_frame;
  for (std::size_t i = frames_before; i < frames.size(); ++i) {
    const Trace::Shown& f = trace.frames.at(frames[i].number);
    const Trace::Shown& before = trace.frames.at(frames[i - 1].number);
    const std::size_t fed = f.transitions - transitions_before;
    if (fed % 2 == 0 && fed > 0 && f.transitions != before.transitions) release_frame = f.number;
    if (frames[i].param == shown) continue;
    ++changes;
    drawn += f.hash != before.hash ? 1 : 0;
    shown = frames[i].param;
    REQUIRE(release_frame.has_value());
    worst = std::max(worst, f.number - *release_frame);
  }
  MESSAGE("100 taps: " << changes << " page changes, " << drawn << " of them changed the picture, at most " << worst
                       << " frames after the release");
  CHECK(changes == 100);
  CHECK(drawn == 100);
  CHECK(worst <= 2);
  CHECK(frames.back().transitions - transitions_before == 200);
}

TEST_CASE("with nobody touching it the kiosk draws no frame") {
  KioskWindow k;
  // Let the start-up frames settle (bounded): the count stands still over 20 polls in a row.
  std::size_t last = 0;
  int same = 0;
  auto settled = wait_for(
      k.log(),
      [&](const auto& f) {
        same = f.size() == last ? same + 1 : 0;
        last = f.size();
        return same >= 20;
      },
      "a still screen");
  const std::size_t drawn = settled.size();
  // Absence can only be observed over some time: three seconds in which a 1 s timer (the old
  // loop) would have drawn at least twice. This sleep observes; it synchronises nothing.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(parse_frames(k.log()).size() == drawn);
  CHECK(kill(k.pid(), 0) == 0);  // still running, just asleep
}
