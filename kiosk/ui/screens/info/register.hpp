#pragma once
// The migrant-facing screens (attract, information topics, appointment request). Owned by the
// text/content engineer; see kiosk/ui/README.md for how a screen is added.
#include "kiosk/ui/registry.hpp"

namespace ws::kiosk::ui {

void register_info_screens(ScreenRegistry& registry);

}  // namespace ws::kiosk::ui
