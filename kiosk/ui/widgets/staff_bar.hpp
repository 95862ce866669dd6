#pragma once
// The bar on top of every signed-in counsellor screen: where you are, who is signed in, the
// sync state at a glance, and sign-out always one tap away.
#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::widgets {

void staff_bar(Ui& ui, const char* title, bool back_button);

}  // namespace ws::kiosk::ui::widgets
