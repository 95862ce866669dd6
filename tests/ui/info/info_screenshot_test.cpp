// The real `kiosk --screenshot` for the migrant screens in every language: each PNG is
// written, full size, not blank, and right-to-left pages are mirrored (the selected topic
// sits on the right). The PNGs stay in the build folder for people to look at.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <stb_image.h>

#include "kiosk/ui/xvfb.hpp"

namespace {

const char* const kLanguages[] = {"en", "nb", "prs", "ps", "ar", "ti", "so", "uk"};
const char* const kScreens[] = {"attract", "languages", "info", "appointment"};

// Runs the kiosk with a deadline; kills and reaps it if it hangs, so no child is left.
int run_kiosk(const std::vector<std::string>& args) {
  std::vector<std::string> argv_s{WS_KIOSK_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    unsetenv("DISPLAY");  // the kiosk brings its own X server
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
  const unsigned char* at(int x, int y) const { return &rgb[(static_cast<std::size_t>(y) * width + x) * 3]; }
};

Image load(const std::string& path) {
  Image img;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &img.width, &img.height, &channels, 3);
  REQUIRE_MESSAGE(data != nullptr, "cannot read " << path);
  img.rgb.assign(data, data + static_cast<std::size_t>(img.width) * img.height * 3);
  stbi_image_free(data);
  return img;
}

// Mean x of pixels in the theme's primary blue within the band between the header and the
// footer: on the topic page that is the selected topic in the list.
double selected_topic_x(const Image& img) {
  double sum = 0, n = 0;
  for (int y = img.height / 4; y < img.height * 3 / 4; ++y)
    for (int x = 0; x < img.width; ++x) {
      const unsigned char* p = img.at(x, y);
      if (std::abs(p[0] - 13) < 12 && std::abs(p[1] - 84) < 12 && std::abs(p[2] - 158) < 12) {
        sum += x;
        ++n;
      }
    }
  return n > 0 ? sum / n / img.width : -1;
}

}  // namespace

TEST_CASE("migrant screens render in every language, mirrored for right-to-left") {
  if (!ws::kiosk::ui::xvfb_available()) {
    MESSAGE("Xvfb is not installed: screenshot tests skipped (scripts/setup installs it)");
    std::exit(77);  // CTest SKIP_RETURN_CODE
  }
  std::filesystem::create_directories(WS_SCREENSHOT_OUT_DIR);
  for (const char* lang : kLanguages) {
    for (const char* screen : kScreens) {
      CAPTURE(lang);
      CAPTURE(screen);
      const std::string out = std::string(WS_SCREENSHOT_OUT_DIR) + "/" + screen + "-" + lang + ".png";
      std::filesystem::remove(out);
      REQUIRE(run_kiosk({"--screenshot", out, "--screen", screen, "--lang", lang}) == 0);
      const Image img = load(out);
      CHECK(img.width == 1920);
      CHECK(img.height == 1080);
      if (std::string(screen) == "info") {
        const bool rtl = std::string(lang) == "prs" || std::string(lang) == "ps" || std::string(lang) == "ar";
        const double x = selected_topic_x(img);
        REQUIRE(x >= 0);
        if (rtl) CHECK(x > 0.6);
        else CHECK(x < 0.4);
      }
    }
  }
}
