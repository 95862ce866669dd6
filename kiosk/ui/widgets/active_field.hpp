#pragma once
// One call after a text input: while it has focus, it asks the on-screen keyboard for `kind`
// (and the layout of `language`, "" = the visitor's) and tells it where the field is.
#include <string>

#include "kiosk/ui/widgets/keyboard_hint.hpp"

namespace ws::kiosk::ui::widgets {

void hint_active_field(KeyboardKind kind, const std::string& language = {});

}  // namespace ws::kiosk::ui::widgets
