// Runs the real `kiosk --screenshot` for the counsellor screens and checks the PNGs: right
// size, not blank (many distinct colours), and different screens look different. Each run
// starts its own Xvfb (DISPLAY is removed for the child), which the kiosk always kills.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <stb_image.h>

#include "kiosk/ui/xvfb.hpp"

namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout + stderr
};

// Starts the kiosk, waits up to `limit`, kills it if it hangs; never leaves a child behind.
Run run_kiosk(const std::vector<std::string>& args, std::chrono::seconds limit = std::chrono::seconds(90)) {
  std::filesystem::create_directories(WS_SCREENSHOT_OUT_DIR);
  const std::filesystem::path log = std::filesystem::path(WS_SCREENSHOT_OUT_DIR) / ("run-" + std::to_string(getpid()) + ".log");
  std::vector<std::string> argv_s{WS_KIOSK_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    unsetenv("DISPLAY");  // the kiosk must bring its own X server
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Run run;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL("kiosk did not finish within the time limit");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  run.output = ss.str();
  std::filesystem::remove(log);
  return run;
}

void skip_without_xvfb() {
  if (!ws::kiosk::ui::xvfb_available()) {
    MESSAGE("Xvfb is not installed: screenshot tests skipped (scripts/setup installs it)");
    std::exit(77);  // CTest SKIP_RETURN_CODE
  }
}

struct Picture {
  int width = 0, height = 0;
  std::size_t colours = 0;
  std::size_t hash = 0;
  std::string output;  // what the kiosk printed
};

Picture shoot(const std::string& screen, int width = 1280, int height = 800, const std::string& lang = "") {
  std::filesystem::create_directories(WS_SCREENSHOT_OUT_DIR);
  std::string file = screen;
  for (char& c : file)
    if (c == ':') c = '-';
  const std::string out = std::string(WS_SCREENSHOT_OUT_DIR) + "/" + file + ".png";
  std::filesystem::remove(out);
  std::vector<std::string> args{"--screenshot", out, "--screen", screen, "--width", std::to_string(width), "--height",
                                std::to_string(height)};
  if (!lang.empty()) args.insert(args.end(), {"--lang", lang});
  const Run run = run_kiosk(args);
  INFO("kiosk output: " << run.output);
  REQUIRE(run.exit_code == 0);
  Picture p;
  p.output = run.output;
  int channels = 0;
  unsigned char* pixels = stbi_load(out.c_str(), &p.width, &p.height, &channels, 4);
  REQUIRE(pixels != nullptr);
  std::set<std::uint32_t> distinct;
  std::string bytes(reinterpret_cast<const char*>(pixels), static_cast<std::size_t>(p.width) * static_cast<std::size_t>(p.height) * 4);
  for (std::size_t i = 0; i + 3 < bytes.size(); i += 4) {
    std::uint32_t c;
    std::memcpy(&c, bytes.data() + i, 4);
    distinct.insert(c);
  }
  stbi_image_free(pixels);
  p.colours = distinct.size();
  p.hash = std::hash<std::string>{}(bytes);
  CHECK(p.width == width);
  CHECK(p.height == height);
  // Text antialiasing alone gives dozens of shades; a blank or single-colour frame has ~1.
  CHECK(p.colours >= 40);
  return p;
}

void all_differ(const std::vector<std::pair<std::string, Picture>>& shots) {
  for (std::size_t i = 0; i < shots.size(); ++i)
    for (std::size_t j = i + 1; j < shots.size(); ++j) {
      INFO(shots[i].first << " vs " << shots[j].first);
      CHECK(shots[i].second.hash != shots[j].second.hash);
    }
}

}  // namespace

TEST_CASE("login, case list, case, inbox and accounts screens render and differ") {
  skip_without_xvfb();
  std::vector<std::pair<std::string, Picture>> shots;
  for (const char* s :
       {"login", "login-first-setup", "cases", "case", "inbox", "accounts", "accounts-no-copy", "accounts-grant"})
    shots.emplace_back(s, shoot(s));
  all_differ(shots);
}

TEST_CASE("every form renders, and validation errors show") {
  skip_without_xvfb();
  std::vector<std::pair<std::string, Picture>> shots;
  for (const char* s : {"form:intake", "form:intake-errors", "form:intake-new", "form:case-new", "form:counselling",
                        "form:reintegration", "form:consent"})
    shots.emplace_back(s, shoot(s));
  all_differ(shots);
}

TEST_CASE("sync panel states render and differ") {
  skip_without_xvfb();
  std::vector<std::pair<std::string, Picture>> shots;
  for (const char* s : {"sync", "sync-offline", "sync-syncing", "idle-lock"}) shots.emplace_back(s, shoot(s));
  all_differ(shots);
}

TEST_CASE("a case with conflicts renders at 1920x1080 and 1280x800, unlike the case without") {
  skip_without_xvfb();
  const Picture plain = shoot("case", 1920, 1080);
  const Picture full_hd = shoot("case-conflicts", 1920, 1080);
  const Picture small = shoot("case-conflicts", 1280, 800);
  CHECK(plain.hash != full_hd.hash);
  CHECK(full_hd.hash != small.hash);
}

TEST_CASE("full HD renders at full size") {
  skip_without_xvfb();
  (void)shoot("cases", 1920, 1080);
}

TEST_CASE("an unknown screen exits 2 and lists the known screens") {
  const Run run = run_kiosk({"--screenshot", std::string(WS_SCREENSHOT_OUT_DIR) + "/none.png", "--screen", "nope"});
  CHECK(run.exit_code == 2);
  CHECK(run.output.find("known screens:") != std::string::npos);
  CHECK(run.output.find("form:intake") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(std::string(WS_SCREENSHOT_OUT_DIR) + "/none.png"));
}

TEST_CASE("--screen home renders the attract screen, and the old name still works") {
  skip_without_xvfb();
  const Picture home = shoot("home");
  const Picture attract = shoot("attract");
  CHECK(home.width == attract.width);
  CHECK(home.colours >= 40);
}

// What a folder of pictures from `--screen all|migrant` holds: each PNG full size and not blank.
std::vector<std::string> check_pictures(const std::filesystem::path& dir, int width, int height) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    names.push_back(name);
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(entry.path().c_str(), &w, &h, &channels, 3);
    REQUIRE(pixels != nullptr);
    CHECK(w == width);
    CHECK(h == height);
    std::set<std::uint32_t> distinct;  // every 7th pixel is plenty to tell a blank frame
    for (std::size_t i = 0; i + 2 < static_cast<std::size_t>(w) * h * 3; i += 21)
      distinct.insert(static_cast<std::uint32_t>(pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2]));
    stbi_image_free(pixels);
    CHECK(distinct.size() >= 20);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The layout check (kiosk/ui/layout_check.hpp) over every screen the kiosk has, drawn by the
// real window at each screen shape the issue names: no two tappable widgets on top of each
// other, no button label cut off, nothing pushed off the side. With `pictures`, the same run
// writes every screen's PNG as scripts/screenshots does for docs/screenshots.
std::vector<std::string> check_every_screen(int width, int height, const std::string& lang = "en",
                                            bool pictures = false, const std::string& group = "all") {
  skip_without_xvfb();
  const std::filesystem::path dir = std::filesystem::path(WS_SCREENSHOT_OUT_DIR) /
                                    (group + "-" + lang + "-" + std::to_string(width) + "x" + std::to_string(height));
  std::filesystem::remove_all(dir);
  const Run run = run_kiosk({"--screenshot", pictures ? dir.string() : "-", "--screen", group, "--check-layout",
                             "--width", std::to_string(width), "--height", std::to_string(height), "--lang", lang},
                            std::chrono::seconds(600));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  int screens = -1;  // from the summary line, "layout: N screens at WxH, M with problems"
  for (auto at = run.output.find("layout: "); at != std::string::npos && screens < 0; at = run.output.find("layout: ", at + 1))
    if (std::sscanf(run.output.c_str() + at, "layout: %d screens", &screens) != 1) screens = -1;
  REQUIRE(screens > 0);
  if (!pictures) return {};
  auto names = check_pictures(dir, width, height);
  CHECK(names.size() == static_cast<std::size_t>(screens));  // one picture per screen checked
  return names;
}

// Every scenario has its picture, under a name that stays the same between runs.
void check_every_picture(int width, int height) {
  const auto names = check_every_screen(width, height, "en", true);
  const std::string size = "-" + std::to_string(width) + "x" + std::to_string(height) + ".png";
  for (const char* scenario : {"attract", "languages", "info", "appointment", "appointment-sample", "login",
                               "login-first-setup", "cases", "case", "case-conflicts", "inbox", "accounts", "accounts-no-copy",
                               "accounts-grant", "sync",
                               "sync-offline", "form-intake", "form-intake-errors", "form-consent", "idle-lock",
                               "keyboard-prs", "keyboard-numeric"}) {
    CAPTURE(scenario);
    CHECK(std::binary_search(names.begin(), names.end(), scenario + size));
  }
  CHECK(names.size() >= 30);
  CHECK_FALSE(std::binary_search(names.begin(), names.end(), "home" + size));  // an alias, not a screen of its own
}

TEST_CASE("layout and pictures: every screen at 1920x1080") { check_every_picture(1920, 1080); }
TEST_CASE("layout: every screen at 1366x768") { (void)check_every_screen(1366, 768); }
TEST_CASE("layout and pictures: every screen at 1280x800") { check_every_picture(1280, 800); }
TEST_CASE("layout and pictures: every screen at 1080x1920") { check_every_picture(1080, 1920); }
TEST_CASE("layout: every screen in Arabic (right to left) at 1080x1920 and 1280x800") {
  (void)check_every_screen(1080, 1920, "ar");
  (void)check_every_screen(1280, 800, "ar");
}

TEST_CASE("the visitor's screens in Dari: their pictures only, named with the language") {
  const auto names = check_every_screen(1080, 1920, "prs", true, "migrant");
  CHECK(names == std::vector<std::string>{"appointment-prs-1080x1920.png", "appointment-sample-prs-1080x1920.png",
                                          "attract-prs-1080x1920.png", "info-prs-1080x1920.png",
                                          "languages-prs-1080x1920.png"});
}

TEST_CASE("typed Dari and mixed text shows shaped in the fields of a form and the appointment screen") {
  skip_without_xvfb();
  for (const auto& [w, h] : {std::pair{1920, 1080}, std::pair{1280, 800}}) {
    CAPTURE(w);
    std::vector<std::pair<std::string, Picture>> shots;
    shots.emplace_back("form:intake", shoot("form:intake", w, h, "prs"));
    shots.emplace_back("form:intake-mixed", shoot("form:intake-mixed", w, h, "prs"));
    shots.emplace_back("form:counselling-notes", shoot("form:counselling-notes", w, h, "prs"));
    shots.emplace_back("appointment", shoot("appointment", w, h, "prs"));
    shots.emplace_back("appointment:sample", shoot("appointment:sample", w, h, "prs"));
    all_differ(shots);
  }
}

TEST_CASE("the on-screen keyboard renders over the appointment form in landscape and portrait") {
  skip_without_xvfb();
  std::vector<std::pair<std::string, Picture>> shots;
  for (const char* s : {"keyboard-prs", "keyboard-ti", "keyboard-numeric"}) {
    shots.emplace_back(s, shoot(s, 1920, 1080));
    shots.emplace_back(std::string(s) + "-portrait", shoot(s, 1080, 1920));
  }
  all_differ(shots);
}

// The window's GL context comes through EGL when the system has it. A kiosk image without a
// working EGL still gets its window, through GLX: it says so once and draws the same pixels.
TEST_CASE("without EGL the window is made through GLX, says so, and draws the same pixels") {
  skip_without_xvfb();
  const Picture through_egl = shoot("login");
  CHECK(through_egl.output.find("uses GLX") == std::string::npos);
  struct NoEglVendor {
    // libglvnd's libEGL loads its vendor libraries from this list: a file that is not there
    // leaves it with none, as on a system without Mesa's EGL.
    NoEglVendor() { setenv("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/egl-vendor.json", 1); }
    ~NoEglVendor() { unsetenv("__EGL_VENDOR_LIBRARY_FILENAMES"); }
  };
  Picture through_glx;
  {
    const NoEglVendor no_egl;
    through_glx = shoot("login");
  }
  CHECK(through_glx.output.find("no EGL context") != std::string::npos);
  CHECK(through_glx.output.find("the window uses GLX") != std::string::npos);
  CHECK(through_glx.hash == through_egl.hash);
}
