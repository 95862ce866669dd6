#pragma once
// The counsellor workspace's screens (one file each), registered in one place.
#include <memory>

#include "kiosk/ui/registry.hpp"

namespace ws::kiosk::ui {

std::unique_ptr<Screen> make_login_screen();
std::unique_ptr<Screen> make_cases_screen();
std::unique_ptr<Screen> make_case_screen();
std::unique_ptr<Screen> make_form_screen();
std::unique_ptr<Screen> make_sync_screen();
std::unique_ptr<Screen> make_accounts_screen();
std::unique_ptr<Screen> make_inbox_screen();

void register_staff_screens(ScreenRegistry& registry);

}  // namespace ws::kiosk::ui
