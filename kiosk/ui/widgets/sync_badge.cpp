#include "kiosk/ui/widgets/sync_badge.hpp"

#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui::widgets {

void sync_badge(Ui& ui, vm::RecordSync state) {
  const Palette& c = ui.theme.colors();
  const ImVec4 colour = state == vm::RecordSync::Synced    ? c.success
                        : state == vm::RecordSync::Pending ? c.warning
                                                           : c.danger;
  badge(ui, vm::to_label(state), colour);
}

}  // namespace ws::kiosk::ui::widgets
