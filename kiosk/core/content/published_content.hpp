#pragma once
// Bundles HQ publishes arrive through pull as `content` records in the kiosk's store. This puts
// the newest valid one in place under DATA_DIR/content; the migrant screens pick it up the next
// time the attract screen shows. Called from the sync thread after a pull brought changes, and
// by the headless `sync`/`enroll` commands, never from the UI thread (installing writes and
// fsyncs files).
#include <string>

#include "kiosk/core/content/content_records.hpp"

namespace ws::kiosk {
class Store;
}

namespace ws::kiosk::content {

// `builtin_dir` is the bundle shipped with the program (assets/content/avrr-info), the last
// resort when nothing published installs.
Result<SyncOutcome> install_published_content(Store& store, const std::string& data_dir, const std::string& builtin_dir);

}  // namespace ws::kiosk::content
