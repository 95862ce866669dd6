// The end-to-end test with real windows: on kiosk A a migrant asks for a talk in Dari
// by taps alone; A's own sync worker sends it; kiosk B of the same centre syncs, and a
// counsellor signs in on B's window by taps (the name on the on-screen keyboard, the PIN on
// the PIN pad) and finds the request, its name shaped in Arabic script, in the inbox. The real
// sync-server binary on a free loopback port; each window in its own private Xvfb. The two
// screenshots (A's keyboard, B's inbox) go to the build's tests/ui/touch/screenshots;
// docs/screenshots/touch-*.png are copies, looked at by a person.
#include <filesystem>

#include "tests/e2e/kiosk/harness.hpp"
#include "tests/ui/touch/touch_harness.hpp"

using namespace touch_test;
using nlohmann::json;

namespace {

constexpr const char* kPin = "582047";

// HQ makes the counsellor's account (`sync-server counsellor-add`, the PIN on stdin); it
// reaches every kiosk of the centre with their next sync.
void add_counsellor(const std::string& db, const std::string& name) {
  auto r = ws::e2e::run({"/bin/sh", "-c", "printf '%s\\n' \"$0\" | \"$@\"", kPin, ws::e2e::server_bin(), "counsellor-add",
                         "--db", db, "--centre", "OSLO", "--name", name});
  REQUIRE_MESSAGE(r.code == 0, r.err);
}

// The picture a test took, kept beside the build's other screenshots for people to look at.
void keep_screenshot(const std::string& name) {
  std::filesystem::create_directories(WS_TOUCH_SCREENSHOT_DIR);
  screenshot(std::string(WS_TOUCH_SCREENSHOT_DIR) + "/" + name);
}

void wait_until_server_holds(ws::e2e::Server& server, std::size_t appointments) {
  const auto end = Clock::now() + std::chrono::seconds(120);
  while (server.export_records("appointment").size() < appointments) {
    REQUIRE_MESSAGE(Clock::now() < end, "kiosk A's sync worker never sent the request");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

TEST_CASE("a Dari request made by taps on kiosk A reaches the counsellor's inbox on kiosk B after sync") {
  skip_without_display_tools();
  ws::e2e::TempDir dir;
  const std::string db = dir.sub("server.db");
  add_counsellor(db, "Ali Noor");
  ws::e2e::Server server(db);
  server.start();
  ws::e2e::Kiosk a{dir.sub("kiosk-a")}, b{dir.sub("kiosk-b")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");

  {
    KioskWindow window_a({.data_dir = a.data_dir});
    ask_for_a_talk_in_dari(window_a, [] { keep_screenshot("touch-keyboard-prs.png"); });
    wait_for(window_a.log(), [](const auto& f) { return !f.empty() && f.back().centres.count("appointment_sent"); },
             "\"sent\" on kiosk A");
    wait_until_server_holds(server, 1);  // by A's own worker: nobody asked it to sync
  }

  // B syncs before its window opens, as its worker would on its timer.
  auto synced = b.cli({"sync", "--timeout-ms", "30000"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);
  const json requests = b.list("appointment");
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["payload"]["name"] == "\u0627\u062d\u0645\u062f \u067e");
  CHECK(requests[0]["payload"]["preferred_language"] == "prs");

  KioskWindow window_b({.data_dir = b.data_dir});
  window_b.tap("staff", "login");
  window_b.tap_and_settle("login_name");
  REQUIRE_MESSAGE(window_b.last_frame().centres.count("kb_u0061"), "no keyboard for the name");
  window_b.tap_each(keys_for(U"ali noor"));  // names match whatever their case
  window_b.tap_and_settle("kb_enter");
  window_b.tap_each(pin_keys(kPin));
  window_b.tap("sign_in", "cases");
  window_b.tap("open_inbox", "inbox");
  const Frame inbox = wait_for(
      window_b.log(), [](const auto& f) { return !f.empty() && f.back().centres.count("make_case"); }, "a request row")
                          .back();
  CHECK(inbox.centres.count("status_new"));     // nobody has taken it up yet
  CHECK(inbox.centres.count("name_shaped"));    // its name is in Arabic script, drawn shaped
  keep_screenshot("touch-inbox.png");
}
