// The durable-save line of `kiosk --trace-frames` (bench/touch/save.sh reads it): a time and an
// event name only, written to the trace that is open and to none when tracing is off.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kiosk/ui/frame_trace.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws::kiosk::ui;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a durable save is traced as 'saved T' after the frames before it, only while a trace is open") {
  ws::test::TempDir dir;
  const std::string path = (std::filesystem::path(dir.path()) / "trace.txt").string();
  FrameTrace::saved();  // no trace open: nothing to write to, and no harm
  {
    auto trace = FrameTrace::open(path);
    REQUIRE(trace);
    (*trace)->frame(1, 100, 0x1ull, 0);
    FrameTrace::saved();
  }
  FrameTrace::saved();  // the trace has closed: nothing more is written
  std::istringstream lines(read_all(path));
  std::string header, frame, saved, extra;
  std::getline(lines, header);
  std::getline(lines, frame);
  std::getline(lines, saved);
  const bool more = static_cast<bool>(std::getline(lines, extra));
  CHECK_FALSE(more);
  CHECK(frame.rfind("frame 1 ", 0) == 0);
  std::istringstream s(saved);
  std::string word, rest;
  long long t = 0;
  s >> word >> t;
  CHECK(word == "saved");
  CHECK(t > 0);
  const bool anything_else = static_cast<bool>(s >> rest);
  CHECK_FALSE(anything_else);  // a time and the event name: nothing about what was saved
}
