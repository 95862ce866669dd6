#pragma once
// A record's sync state as a coloured pill (green synced, amber waiting, red refused).
#include "kiosk/core/vm/case_models.hpp"
#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::widgets {

void sync_badge(Ui& ui, vm::RecordSync state);

}  // namespace ws::kiosk::ui::widgets
