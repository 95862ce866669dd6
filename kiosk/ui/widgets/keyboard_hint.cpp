#include "kiosk/ui/widgets/keyboard_hint.hpp"

#include <utility>

namespace ws::kiosk::ui::widgets {
namespace {
// The UI runs on one thread; the slot lives for one frame.
std::optional<KeyboardHint> g_hint;
}  // namespace

void hint_keyboard(const KeyboardHint& hint) { g_hint = hint; }

std::optional<KeyboardHint> take_keyboard_hint() { return std::exchange(g_hint, std::nullopt); }

}  // namespace ws::kiosk::ui::widgets
