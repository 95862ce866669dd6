// Reading pages aloud: which narration a page gets, and playback as a child process that is
// fed the text and can be stopped.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "bundle_fixtures.hpp"
#include "kiosk/core/content/narration.hpp"

using namespace ws::kiosk::content;

namespace {
bool everything(const std::string&) { return true; }
bool nothing(const std::string&) { return false; }
bool only_espeak(const std::string& p) { return p == "espeak-ng"; }

// Polls until the narrator is idle, with a bounded deadline.
bool wait_idle(const Narrator& n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (n.playing()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}
}  // namespace

TEST_CASE("a recorded narration is preferred, synthesised speech only where a voice exists") {
  NarrationTools tools;
  auto recorded = plan_narration(tools, "/b/audio/what-en.wav", "en", "text", &everything);
  CHECK(recorded.kind == NarrationKind::Recorded);
  CHECK(recorded.command.argv == std::vector<std::string>{"aplay", "-q", "/b/audio/what-en.wav"});

  auto dari = plan_narration(tools, "", "fa", "متن صفحه", &only_espeak);
  CHECK(dari.kind == NarrationKind::Synthesized);
  CHECK(dari.command.argv.at(2) == "fa");
  CHECK(dari.command.stdin_text == "متن صفحه");  // text goes on stdin, never on the command line

  // Pashto, Tigrinya and Somali have no espeak-ng voice: without a recording, no button.
  CHECK(plan_narration(tools, "", "", "متن", &everything).kind == NarrationKind::None);
  // Nothing installed: no button either.
  CHECK(plan_narration(tools, "/b/a.wav", "en", "text", &nothing).kind == NarrationKind::None);
}

TEST_CASE("the narrator feeds the text to its child and reports the exit") {
  test_content::TempDir dir;
  const std::string out = dir.path() + "/spoken.txt";
  Narrator n;
  REQUIRE(n.play({{"/bin/sh", "-c", "cat > \"$0\"", out}, "Сторінка українською"}));
  REQUIRE(wait_idle(n));
  CHECK(n.last_exit() == 0);
  std::ifstream in(out);
  std::string spoken((std::istreambuf_iterator<char>(in)), {});
  CHECK(spoken == "Сторінка українською");
}

TEST_CASE("stop ends playback at once, and a new page replaces the old narration") {
  Narrator n;
  REQUIRE(n.play({{"/bin/sh", "-c", "sleep 30"}, ""}));
  CHECK(n.playing());
  n.stop();
  CHECK_FALSE(n.playing());
  REQUIRE(n.last_exit().has_value());
  CHECK(*n.last_exit() != 0);
  REQUIRE(n.play({{"/bin/sh", "-c", "exit 3"}, ""}));
  REQUIRE(wait_idle(n));
  CHECK(n.last_exit() == 3);
  CHECK_FALSE(n.play({{}, ""}));
  CHECK_FALSE(n.play({{"/nonexistent/player"}, ""}));
}
