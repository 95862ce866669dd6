#include "kiosk/ui/screens/info/register.hpp"

#include <memory>

#include "kiosk/ui/screens/info/info_session.hpp"
#include "kiosk/ui/screens/info/screens.hpp"

namespace ws::kiosk::ui {

void register_info_screens(ScreenRegistry& registry) {
  // One session shared by the migrant screens; the factories keep it alive with the registry.
  auto session = std::make_shared<info::InfoSession>();
  (void)registry.add({"attract", Audience::Migrant, [session] { return info::make_attract_screen(session); },
                      "invites a touch, in every language"});
  (void)registry.add({"languages", Audience::Migrant, [session] { return info::make_languages_screen(session); },
                      "language picker, each language in its own script"});
  (void)registry.add({"info", Audience::Migrant, [session] { return info::make_topic_screen(session); },
                      "information topic page (param: page id)"});
  (void)registry.add({"appointment", Audience::Migrant, [session] { return info::make_appointment_screen(session); },
                      "a migrant's request for a counsellor"});
}

}  // namespace ws::kiosk::ui
