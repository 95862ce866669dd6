#pragma once
// The migrant screens, each in its own file; register.cpp names them for the registry.
#include <memory>

#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/screens/info/info_session.hpp"

namespace ws::kiosk::ui::info {

std::unique_ptr<Screen> make_attract_screen(std::shared_ptr<InfoSession> session);
std::unique_ptr<Screen> make_languages_screen(std::shared_ptr<InfoSession> session);
std::unique_ptr<Screen> make_topic_screen(std::shared_ptr<InfoSession> session);
std::unique_ptr<Screen> make_appointment_screen(std::shared_ptr<InfoSession> session);

}  // namespace ws::kiosk::ui::info
