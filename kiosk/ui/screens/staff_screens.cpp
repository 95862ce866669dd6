#include "kiosk/ui/screens/staff_screens.hpp"

namespace ws::kiosk::ui {

void register_staff_screens(ScreenRegistry& registry) {
  // Names are fixed: screenshot mode, tests and docs/screenshots refer to them.
  (void)registry.add({"login", Audience::Staff, make_login_screen, "counsellor sign-in with PIN keypad"});
  (void)registry.add({"cases", Audience::Staff, make_cases_screen, "case list with search and filters"});
  (void)registry.add({"case", Audience::Staff, make_case_screen, "one case: header, status, timeline"});
  (void)registry.add({"form", Audience::Staff, make_form_screen, "a form being filled (param: form id)"});
  (void)registry.add({"inbox", Audience::Staff, make_inbox_screen, "appointment requests of the centre"});
  (void)registry.add({"sync", Audience::Staff, make_sync_screen, "sync panel and quarantined records"});
  (void)registry.add({"accounts", Audience::Admin, make_accounts_screen, "admin: the centre's accounts, add one"});
}

}  // namespace ws::kiosk::ui
