// The real kiosk window under Xvfb, driven only by xdotool taps: a migrant asks for a talk in
// Dari, typing the name on the on-screen keyboard, closes it with its done key, ticks consent
// and sends; the request passes the form's checks and is submitted.
#include "tests/ui/touch/touch_harness.hpp"

using namespace touch_test;

namespace {

// Taps a widget of the last frame and waits until the kiosk has fed both transitions and drawn
// the frame after them (the key's effect and the keyboard's next state).
void tap_and_settle(KioskWindow& k, const std::string& id) {
  INFO("tapping " << id);
  auto frames = parse_frames(k.log());
  REQUIRE(!frames.empty());
  const Frame last = frames.back();
  REQUIRE_MESSAGE(last.centres.count(id), "no widget " << id << " on " << last.screen);
  k.tap_all({last.centres.at(id)});
  wait_for(
      k.log(),
      [&](const auto& f) {
        int after = 0;
        for (const auto& frame : f) after += frame.transitions >= last.transitions + 2 ? 1 : 0;
        return after >= 2;
      },
      id.c_str());
}

}  // namespace

TEST_CASE("a migrant asks for a talk in Dari with taps on the on-screen keyboard only, and it is submitted") {
  KioskWindow k;
  k.tap("touch_to_start", "languages");
  k.tap("lang_prs", "info");
  k.tap("appointment_button", "appointment");
  tap_and_settle(k, "appointment_name");
  REQUIRE_MESSAGE(parse_frames(k.log()).back().centres.count("kb_u0627"), "the Dari keyboard did not open");
  // احمد پ (Ahmad P.): Dari letters, one of them Dari's own.
  for (const char* key : {"kb_u0627", "kb_u062d", "kb_u0645", "kb_u062f", "kb_space", "kb_u067e"}) tap_and_settle(k, key);
  tap_and_settle(k, "kb_enter");
  REQUIRE_FALSE(parse_frames(k.log()).back().centres.count("kb_space"));  // done: the keyboard closed
  tap_and_settle(k, "appointment_consent");
  tap_and_settle(k, "appointment_send");
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
