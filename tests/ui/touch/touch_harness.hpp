#pragma once
// The real kiosk binary in a private Xvfb, tapped with xdotool, and its KIOSK_DEBUG_FRAMES
// readout parsed into frames and widget centres: shared by the real-window tests.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
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
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test killed on its timeout takes its kiosk along
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
    // A bound, not a wait: the kiosk's orderly exit is quick, but a sanitizer build then runs
    // LSan's exit check, which a SIGKILL would skip.
    const auto end = Clock::now() + std::chrono::seconds(60);
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

// `kiosk --trace-frames FILE` read back (kiosk/ui/frame_trace.hpp).
struct Trace {
  struct Input {
    std::int64_t us = 0;
    std::string kind;  // press, release, move, key, char, scroll
  };
  struct Shown {
    int number = 0;
    std::int64_t us = 0;
    std::string hash;
    std::size_t transitions = 0;
  };
  std::vector<Input> inputs;
  std::map<int, Shown> frames;  // by frame number, the same as the readout's
};

inline Trace parse_trace(const std::string& path) {
  std::ifstream in(path);
  Trace t;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string word;
    l >> word;
    if (word == "input") {
      Trace::Input i;
      if (l >> i.us >> i.kind) t.inputs.push_back(i);
    } else if (word == "frame") {
      Trace::Shown f;
      if (l >> f.number >> f.us >> f.hash >> f.transitions) t.frames[f.number] = f;
    }
  }
  return t;
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

// How a real-window test starts the kiosk.
struct WindowSetup {
  std::string data_dir{};               // empty: a fresh folder of its own (not enrolled)
  int width = 1920, height = 1080;      // the private Xvfb screen and the window
  std::vector<std::string> extra_args{};  // e.g. {"--trace-frames", FILE}
};

inline void skip_without_display_tools() {
  if (!ws::kiosk::ui::xvfb_available() || !on_path("xdotool")) {
    MESSAGE("Xvfb or xdotool is not installed (scripts/setup installs them): skipped");
    std::exit(77);  // CTest SKIP_RETURN_CODE
  }
}

class KioskWindow {
 public:
  explicit KioskWindow(WindowSetup setup = {}) : setup_(std::move(setup)) {
    skip_without_display_tools();
    auto display = ws::kiosk::ui::VirtualDisplay::start(setup_.width, setup_.height);  // also sets DISPLAY
    REQUIRE_MESSAGE(display, (display ? "" : display.error().message));
    display_.emplace(std::move(*display));
    out_ = (std::filesystem::path(dir_.path()) / "frames.log").string();
    if (setup_.data_dir.empty()) setup_.data_dir = (std::filesystem::path(dir_.path()) / "data").string();
    std::vector<std::string> argv{WS_KIOSK_BINARY, "--data-dir", setup_.data_dir, "--width", std::to_string(setup_.width),
                                  "--height", std::to_string(setup_.height)};
    argv.insert(argv.end(), setup_.extra_args.begin(), setup_.extra_args.end());
    kiosk_.emplace(argv, out_, std::vector<std::string>{"KIOSK_DEBUG_FRAMES=1"});
    wait_for(out_, [](const auto& f) { return !f.empty() && f.back().centres.count("touch_to_start"); },
             "the attract screen");
    xdotool({"search", "--sync", "--name", "^Waystation$"});
  }

  const std::string& log() const { return out_; }
  pid_t pid() const { return kiosk_->pid(); }
  std::string data_dir() const { return setup_.data_dir; }
  std::string scratch() const { return dir_.path(); }
  // Ends the kiosk (SIGTERM: it signs out and closes its store) before the folder is read.
  void stop() { kiosk_.reset(); }
  // The kiosk's exit code once it has exited by itself within `limit` (-1: killed by a signal,
  // or still running at the limit and then stopped).
  int wait_exit(std::chrono::seconds limit) { return kiosk_->wait(limit); }

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

  // Taps a widget of the last frame and waits until the kiosk has fed both transitions and drawn
  // the frame after them (the tap's effect and, e.g., the keyboard's next state).
  void tap_and_settle(const std::string& id) {
    INFO("tapping " << id);
    auto frames = parse_frames(out_);
    REQUIRE(!frames.empty());
    const Frame last = frames.back();
    REQUIRE_MESSAGE(last.centres.count(id), "no widget " << id << " on " << last.screen);
    tap_all({last.centres.at(id)});
    wait_for(
        out_,
        [&](const auto& f) {
          int after = 0;
          for (const auto& frame : f) after += frame.transitions >= last.transitions + 2 ? 1 : 0;
          return after >= 2;
        },
        id.c_str());
  }
  void tap_each(const std::vector<std::string>& ids) {
    for (const auto& id : ids) tap_and_settle(id);
  }

  Frame last_frame() const {
    auto frames = parse_frames(out_);
    REQUIRE(!frames.empty());
    return frames.back();
  }

 private:
  WindowSetup setup_;
  ws::test::TempDir dir_{"ws-touch-"};
  std::optional<ws::kiosk::ui::VirtualDisplay> display_;
  std::string out_;
  std::optional<Child> kiosk_;
  std::string window_;
};

// The on-screen keyboard's key for each character of an ASCII or Arabic-script word:
// "kb_u" and the code point (letters as the keyboard's layout shows them, space as kb_space).
inline std::vector<std::string> keys_for(const std::u32string& text) {
  std::vector<std::string> keys;
  for (char32_t c : text) {
    char id[16];
    std::snprintf(id, sizeof id, "kb_u%04x", static_cast<unsigned>(c));
    keys.push_back(c == U' ' ? std::string("kb_space") : std::string(id));
  }
  return keys;
}

// The PIN pad's keys for a PIN (widgets::pin_pad): 1-9 are pin_key0-pin_key8, 0 is pin_key10.
inline std::vector<std::string> pin_keys(const std::string& pin) {
  std::vector<std::string> keys;
  for (char c : pin) keys.push_back(c == '0' ? "pin_key10" : "pin_key" + std::to_string(c - '1'));
  return keys;
}

// احمد پ (Ahmad P.): Dari letters, one of them Dari's own (پ).
inline const std::u32string kDariName = U"\u0627\u062d\u0645\u062f \u067e";

// A migrant on the attract screen asks for a talk in Dari by taps alone: Dari, the appointment
// form, the name on the on-screen Dari keyboard (closed with its done key), consent, Send.
// `on_keyboard` runs while the typed name and the keyboard are on screen.
inline void ask_for_a_talk_in_dari(KioskWindow& k, const std::function<void()>& on_keyboard = {}) {
  k.tap("touch_to_start", "languages");
  k.tap("lang_prs", "info");
  k.tap("appointment_button", "appointment");
  k.tap_and_settle("appointment_name");
  REQUIRE_MESSAGE(k.last_frame().centres.count("kb_u0627"), "the Dari keyboard did not open");
  k.tap_each(keys_for(kDariName));
  if (on_keyboard) on_keyboard();
  k.tap_and_settle("kb_enter");
  REQUIRE_FALSE(k.last_frame().centres.count("kb_space"));  // done: the keyboard closed
  k.tap_and_settle("appointment_consent");
  k.tap_and_settle("appointment_send");
}

// The whole X screen of the current DISPLAY as a PNG (what a person in front of it would see).
void screenshot(const std::string& png_path);

}  // namespace touch_test
