// `systemctl stop`, a shutdown (SIGTERM) and Ctrl-C (SIGINT) end the real kiosk window the way
// its close button does: the orderly shutdown, exit 0, and what was saved before is in the
// store. Without a handler the kiosk died by the signal (no exit code, no sign-out).
#include <signal.h>

#include <chrono>

#include "tests/e2e/kiosk/harness.hpp"
#include "tests/ui/touch/touch_harness.hpp"

using namespace touch_test;

namespace {

// Bounds the orderly exit on a slow (e.g. sanitizer) build; it takes well under a second.
constexpr std::chrono::seconds kExitBound{120};

}  // namespace

TEST_CASE("SIGTERM ends the kiosk window with exit 0, and the request saved before it is in the store") {
  skip_without_display_tools();
  ws::e2e::TempDir dir;
  ws::e2e::Server server(dir.sub("server.db"));
  server.start();
  ws::e2e::Kiosk kiosk{dir.sub("kiosk")};
  kiosk.enroll(server, "OSLO");  // an enrolled kiosk has the forms to save the request with

  int code = -2;
  {
    KioskWindow window({.data_dir = kiosk.data_dir});
    ask_for_a_talk_in_dari(window);
    wait_for(window.log(), [](const auto& f) { return !f.empty() && f.back().centres.count("appointment_sent"); },
             "\"sent\"");
    REQUIRE(kill(window.pid(), SIGTERM) == 0);
    code = window.wait_exit(kExitBound);
  }
  CHECK(code == 0);
  const auto requests = kiosk.list("appointment");
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["payload"]["preferred_language"] == "prs");
}

TEST_CASE("SIGINT ends the kiosk window on its attract screen with exit 0") {
  KioskWindow window;
  REQUIRE(kill(window.pid(), SIGINT) == 0);
  CHECK(window.wait_exit(kExitBound) == 0);
}
