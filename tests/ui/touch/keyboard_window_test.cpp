// The real kiosk window under Xvfb, driven only by xdotool taps: a migrant asks for a talk in
// Dari, typing the name on the on-screen keyboard, closes it with its done key, ticks consent
// and sends; the request passes the form's checks and is submitted. On a landscape, a small
// and a portrait screen.
#include "tests/ui/touch/touch_harness.hpp"

using namespace touch_test;

namespace {

void dari_request_is_submitted(int width, int height) {
  INFO("screen " << width << "x" << height);
  KioskWindow k({.width = width, .height = height});
  ask_for_a_talk_in_dari(k);
  // The request passed the form's checks (a name, consent, the talk language) and went to the
  // store: "sent", or on this unenrolled test kiosk, which has no forms from a server yet,
  // "could not be saved". A validation error (e.g. a missing name) would show its own key.
  const auto frames = wait_for(
      k.log(),
      [](const auto& f) {
        return !f.empty() && (f.back().centres.count("appointment_sent") || f.back().centres.count("appointment_failed"));
      },
      "the request submitted");
  for (const auto& [id, centre] : frames.back().centres) CHECK_MESSAGE(id.find("missing") == std::string::npos, id);
}

}  // namespace

TEST_CASE("a migrant asks for a talk in Dari with taps on the on-screen keyboard only, and it is submitted") {
  dari_request_is_submitted(1920, 1080);
}

TEST_CASE("the Dari request by taps alone works on a 1280x800 screen") { dari_request_is_submitted(1280, 800); }

TEST_CASE("the Dari request by taps alone works on a portrait 1080x1920 screen") { dari_request_is_submitted(1080, 1920); }
