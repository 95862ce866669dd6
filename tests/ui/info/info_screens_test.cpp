// The migrant screens without a window: touch to start, pick a language, read topics in it
// (with English fallback marked), idle prompt and wipe, and the appointment request.
#include <doctest/doctest.h>

#include "kiosk/ui/registry.hpp"
#include "kiosk/ui/screens/info/appointment_request.hpp"
#include "kiosk/ui/screens/info/register.hpp"
#include "tests/ui/headless.hpp"

using namespace ws::kiosk::ui;
using ui_test::Headless;

namespace {

ScreenRegistry info_registry() {
  ScreenRegistry r;
  register_info_screens(r);
  return r;
}

Shell make_shell(const std::string& lang = "en") {
  AppView view;
  view.lang = lang;
  view.assets_dir = WS_TEST_ASSETS_DIR;
  return Shell(info_registry(), nullptr, view);
}

}  // namespace

TEST_CASE("a touch on the attract screen opens the language picker") {
  Headless h;
  Shell shell = make_shell();
  REQUIRE(shell.navigate("attract"));
  h.tap(shell, "touch_to_start");
  CHECK(shell.current() == "languages");
}

TEST_CASE("choosing a language opens the first topic in it, marked as general information and as a draft") {
  Headless h;
  Shell shell = make_shell();
  REQUIRE(shell.navigate("languages"));
  for (const char* code : {"lang_en", "lang_nb", "lang_prs", "lang_ps", "lang_ar", "lang_ti", "lang_so", "lang_uk"}) {
    (void)h.frame(shell);
    CHECK(h.shows(code));
  }
  h.tap(shell, "lang_prs");
  CHECK(shell.view().lang == "prs");
  CHECK(shell.current() == "info");
  (void)h.frame(shell);
  CHECK(h.shows("page_title"));
  CHECK(h.shows("general_information"));
  CHECK(h.shows("translation_draft"));
  CHECK_FALSE(h.shows("fallback_note"));
  CHECK(h.shows("qr"));
}

TEST_CASE("a page missing in a language is shown in English with a visible note") {
  Headless h;
  Shell shell = make_shell("ps");
  REQUIRE(shell.navigate("info", "stories"));
  (void)h.frame(shell);
  CHECK(h.shows("fallback_note"));
  Shell english = make_shell("en");
  REQUIRE(english.navigate("info", "stories"));
  (void)h.frame(english);
  CHECK_FALSE(h.shows("fallback_note"));
  CHECK_FALSE(h.shows("translation_draft"));
}

TEST_CASE("next and back walk through the topics and the first page has no back button") {
  Headless h;
  Shell shell = make_shell("ar");
  REQUIRE(shell.navigate("info"));
  (void)h.frame(shell);
  CHECK_FALSE(h.shows("back"));
  h.tap(shell, "next");
  CHECK(shell.param() == "who");
  h.tap(shell, "back");
  CHECK(shell.param() == "what");
  h.tap(shell, "topic_support");
  CHECK(shell.param() == "support");
  (void)h.frame(shell);
  CHECK(h.shows("image"));
}

TEST_CASE("after a while without touch: still-there prompt, then back to the start with input wiped") {
  Headless h;
  Shell shell = make_shell("uk");
  REQUIRE(shell.navigate("appointment"));
  h.type(shell, "appointment_name", "Olena");
  h.now_ms += 61'000;
  (void)h.frame(shell);
  CHECK(h.shows("still_there"));
  CHECK_FALSE(h.shows("appointment_name"));  // nothing typed stays on screen behind the prompt
  h.tap(shell, "still_there_yes");
  (void)h.frame(shell);
  CHECK(h.shows("appointment_name"));
  CHECK(shell.current() == "appointment");

  h.now_ms += 61'000;
  (void)h.frame(shell);
  CHECK(h.shows("still_there"));
  h.now_ms += 31'000;
  (void)h.frame(shell);
  (void)h.frame(shell);
  CHECK(shell.current() == "attract");
  CHECK(shell.view().lang == "en");
  // What was typed is gone for the next person.
  REQUIRE(shell.navigate("appointment"));
  h.tap(shell, "appointment_send");
  (void)h.frame(shell);
  CHECK(h.shows("appointment_name_missing"));  // what was typed is gone
}

TEST_CASE("an appointment request becomes a SubmitRecord and a failed save is said, not hidden") {
  Headless h;
  Shell shell = make_shell("so");
  REQUIRE(shell.navigate("appointment"));
  auto intents = h.tap(shell, "appointment_send");
  CHECK(Headless::find<SubmitRecord>(intents) == nullptr);
  (void)h.frame(shell);
  CHECK(h.shows("appointment_name_missing"));

  h.type(shell, "appointment_name", "Amina");
  h.tap(shell, "appointment_lang_ar");
  intents = h.tap(shell, "appointment_send");
  CHECK(Headless::find<SubmitRecord>(intents) == nullptr);
  (void)h.frame(shell);
  CHECK(h.shows("appointment_consent_missing"));
  h.tap(shell, "appointment_consent");
  intents = h.tap(shell, "appointment_send");
  const auto* submit = Headless::find<SubmitRecord>(intents);
  REQUIRE(submit != nullptr);
  CHECK(submit->kind == "appointment");
  CHECK(submit->payload.at("name") == "Amina");
  CHECK(submit->payload.at("preferred_language") == "ar");
  CHECK(submit->payload.at("consent_contact") == true);
  CHECK_FALSE(submit->payload.contains("phone"));
  // No workspace in this test: the save fails, and the screen says so instead of "sent".
  (void)h.frame(shell);
  CHECK(h.shows("appointment_failed"));
  CHECK_FALSE(h.shows("appointment_sent"));
}

TEST_CASE("appointment requests are checked before they are sent") {
  info::AppointmentDraft d;
  CHECK(info::make_appointment_request(d).error().code == "appointment_name_missing");
  d.name = "   ";
  CHECK(info::make_appointment_request(d).error().code == "appointment_name_missing");
  d.name = "  زهرا  ";
  CHECK(info::make_appointment_request(d).error().code == "appointment_consent_missing");
  d.consent = true;
  d.language = "xx";
  d.phone = " +47 22 33 44 55 ";
  auto r = info::make_appointment_request(d);
  REQUIRE(r);
  CHECK(r->at("name") == "زهرا");
  CHECK(r->at("preferred_language") == "en");
  CHECK(r->at("phone") == "+47 22 33 44 55");
}
