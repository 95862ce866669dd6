// The frame trace behind `kiosk --trace-frames` (bench/touch reads it): its line format, a
// draw-data hash that tells a changed picture from an unchanged one, and the option itself.
#include <doctest/doctest.h>
#include <imgui.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kiosk/ui/frame_trace.hpp"
#include "kiosk/ui/options.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws::kiosk::ui;

namespace {

// One headless frame drawing `text` (no window, no GL); returns the hash of what it drew.
std::uint64_t frame_showing(const char* text, std::uint64_t uploads = 0) {
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::Begin("##host", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted(text);
  ImGui::End();
  ImGui::Render();
  return draw_data_hash(ImGui::GetDrawData(), uploads);
}

}  // namespace

TEST_CASE("the draw-data hash is equal for the same picture and differs when anything drawn changes") {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(800, 600);
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  (void)frame_showing("a");  // the first frame sizes the window
  const std::uint64_t a = frame_showing("a");
  CHECK(frame_showing("a") == a);
  CHECK(frame_showing("b") != a);
  CHECK(frame_showing("a", 1) != a);  // a text texture uploaded: its pixels are not in the draw data
  ImGui::DestroyContext();
}

TEST_CASE("the trace: inputs by kind only, frames with time, hash and transitions, and sleeps") {
  ws::test::TempDir dir;
  const std::string path = (std::filesystem::path(dir.path()) / "trace.txt").string();
  {
    auto trace = FrameTrace::open(path);
    REQUIRE(trace);
    (*trace)->input("press", 0);
    (*trace)->input("char");
    (*trace)->frame(7, 123456, 0xabcdefull, 2);
    (*trace)->sleep();
  }
  std::ifstream in(path);
  std::string header, press, chr, frame, sleep;
  std::getline(in, header);
  std::getline(in, press);
  std::getline(in, chr);
  std::getline(in, frame);
  std::getline(in, sleep);
  CHECK(header.rfind("# waystation frame trace 1", 0) == 0);
  std::istringstream p(press);
  std::string word, kind;
  long long t = 0;
  int button = -1;
  p >> word >> t >> kind >> button;
  CHECK(word == "input");
  CHECK(t > 0);
  CHECK(kind == "press");
  CHECK(button == 0);
  CHECK(chr.substr(chr.rfind(' ') + 1) == "char");  // which character never appears
  CHECK(frame == "frame 7 123456 0000000000abcdef 2");
  CHECK(sleep.rfind("sleep ", 0) == 0);
  CHECK_FALSE(FrameTrace::open((std::filesystem::path(dir.path()) / "no" / "such" / "dir").string()));
}

TEST_CASE("--trace-frames takes a file for the window and is refused in screenshot mode") {
  auto traced = parse_options({"--data-dir", "d", "--trace-frames", "t.txt"});
  REQUIRE(traced);
  CHECK(traced->trace_frames == "t.txt");
  CHECK_FALSE(parse_options({"--trace-frames"}));
  CHECK_FALSE(parse_options({"--screenshot", "x.png", "--screen", "attract", "--trace-frames", "t.txt"}));
}
