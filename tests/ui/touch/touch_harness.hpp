#pragma once
// The real kiosk binary in a private Xvfb, tapped with xdotool, and its KIOSK_DEBUG_FRAMES
// readout parsed into frames and widget centres: shared by the real-window tests.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "kiosk/ui/xvfb.hpp"
#include "tests/support/temp_dir.hpp"

namespace touch_test {

using Clock = std::chrono::steady_clock;

inline bool on_path(const char* tool) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  return false;
}

// A child with stdout to a file; killed and reaped whatever happens.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::string& out_path, std::vector<std::string> env = {}) {
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) dup2(fd, STDOUT_FILENO);
      const int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, STDERR_FILENO);
      for (auto& e : env) putenv(e.data());
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  // Exit code once it has exited by itself within `limit` (killed otherwise: -1).
  int wait(std::chrono::seconds limit) {
    const auto end = Clock::now() + limit;
    int status = 0;
    while (Clock::now() < end) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    return -1;
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    const auto end = Clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (Clock::now() >= end) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

struct Frame {
  int number = 0;
  std::size_t transitions = 0;
  std::string screen, param;
  std::map<std::string, std::pair<int, int>> centres;  // widget id -> centre
};

inline std::vector<Frame> parse_frames(const std::string& path) {
  std::ifstream in(path);
  std::vector<Frame> frames;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string word;
    l >> word;
    if (word == "frame") {
      Frame f;
      std::string t, s, p;
      l >> f.number >> t >> f.transitions >> s >> f.screen >> p >> f.param;
      if (l) frames.push_back(std::move(f));
    } else if (word == "item" && !frames.empty()) {
      std::string label;
      float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      if (l >> label >> x0 >> y0 >> x1 >> y1)
        frames.back().centres[label] = {static_cast<int>((x0 + x1) / 2), static_cast<int>((y0 + y1) / 2)};
    }
  }
  return frames;
}

// Polls the kiosk's readout until `done` holds (bounded generously for a slow machine).
inline std::vector<Frame> wait_for(const std::string& path, const std::function<bool(const std::vector<Frame>&)>& done,
                            const char* what, std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto end = Clock::now() + limit;
  std::vector<Frame> frames;
  while (Clock::now() < end) {
    frames = parse_frames(path);
    if (done(frames)) return frames;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the kiosk never reached: " << what);
  return frames;
}

class KioskWindow {
 public:
  KioskWindow() {
    if (!ws::kiosk::ui::xvfb_available() || !on_path("xdotool")) {
      MESSAGE("Xvfb or xdotool is not installed (scripts/setup installs them): skipped");
      std::exit(77);  // CTest SKIP_RETURN_CODE
    }
    auto display = ws::kiosk::ui::VirtualDisplay::start(1920, 1080);  // also sets DISPLAY
    REQUIRE_MESSAGE(display, (display ? "" : display.error().message));
    display_.emplace(std::move(*display));
    out_ = (std::filesystem::path(dir_.path()) / "frames.log").string();
    kiosk_.emplace(std::vector<std::string>{WS_KIOSK_BINARY, "--data-dir", (std::filesystem::path(dir_.path()) / "data").string()}, out_,
                   std::vector<std::string>{"KIOSK_DEBUG_FRAMES=1"});
    wait_for(out_, [](const auto& f) { return !f.empty() && f.back().centres.count("touch_to_start"); },
             "the attract screen");
    xdotool({"search", "--sync", "--name", "^Waystation$"});
  }

  const std::string& log() const { return out_; }
  pid_t pid() const { return kiosk_->pid(); }
  std::string data_dir() const { return (std::filesystem::path(dir_.path()) / "data").string(); }
  std::string scratch() const { return dir_.path(); }
  // Ends the kiosk (SIGTERM: it signs out and closes its store) before the folder is read.
  void stop() { kiosk_.reset(); }

  // Runs xdotool with these arguments; the window's id is found once and reused.
  std::string xdotool(std::vector<std::string> args) {
    std::vector<std::string> argv{"xdotool"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = (std::filesystem::path(dir_.path()) / "xdotool.out").string();
    Child tool(argv, out);
    REQUIRE(tool.wait(std::chrono::seconds(120)) == 0);
    std::ifstream in(out);
    std::string first;
    std::getline(in, first);
    if (window_.empty() && !first.empty()) window_ = first;
    return first;
  }

  // The press and release of each tap are sent back to back, as a quick finger does.
  void tap_all(const std::vector<std::pair<int, int>>& points) {
    std::vector<std::string> args;
    for (const auto& [x, y] : points) {
      for (const char* a : {"mousemove", "--window"}) args.push_back(a);
      args.push_back(window_);
      args.push_back(std::to_string(x));
      args.push_back(std::to_string(y));
      args.push_back("click");
      args.push_back("1");
    }
    xdotool(args);
  }

  // Taps a widget on the last drawn frame and waits until `screen` is drawn.
  void tap(const std::string& label, const std::string& screen) {
    auto frames = parse_frames(out_);
    REQUIRE(!frames.empty());
    REQUIRE_MESSAGE(frames.back().centres.count(label), "no widget " << label << " on " << frames.back().screen);
    tap_all({frames.back().centres.at(label)});
    wait_for(out_, [&](const auto& f) { return !f.empty() && f.back().screen == screen && !f.back().centres.empty(); },
             screen.c_str());
  }

 private:
  ws::test::TempDir dir_{"ws-touch-"};
  std::optional<ws::kiosk::ui::VirtualDisplay> display_;
  std::string out_;
  std::optional<Child> kiosk_;
  std::string window_;
};

}  // namespace touch_test
