#pragma once
// A secret typed at the kiosk: a password field in the keypad's font (a passphrase comes from
// the on-screen keyboard) over a big 3x4 keypad (digits, Clear, Delete). The secret lives in
// the caller's buffer, which it wipes once submitted.
#include <string>

#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::widgets {

// `blocked` makes the field read-only and the keys disabled (a check running, a pause).
// Returns true when Enter was pressed in the field. The keys are logged (widgets::log_item) as
// pin_key0-pin_key11, row by row: 1-9, Clear, 0, Delete.
bool pin_pad(Ui& ui, std::string& secret, bool blocked, float key_height_px = 88.0f);

// Zeroes and empties a secret buffer.
void forget_secret(std::string& secret);

}  // namespace ws::kiosk::ui::widgets
