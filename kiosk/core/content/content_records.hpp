#pragma once
// HQ publishes a bundle as a `content` record whose payload is the packed bundle JSON. The
// app hands pulled content records here; the newest one that installs cleanly is shown.
#include <vector>

#include "kiosk/core/content/bundle_store.hpp"
#include "ws/envelope.hpp"

namespace ws::kiosk::content {

// Installs one record's bundle. Refuses records of another kind and tombstones.
Result<InstallOutcome> install_content_record(BundleStore& store, const Envelope& record);

struct SyncOutcome {
  bool switched = false;              // a new bundle became current
  std::vector<std::string> problems;  // refused records: id and reason (no payload contents)
};

// Tries the records newest bundle version first and stops at the first that is installed or
// already active; broken or stale ones are reported and skipped, so the kiosk keeps the last
// good bundle.
SyncOutcome install_newest(BundleStore& store, const std::vector<Envelope>& content_records);

}  // namespace ws::kiosk::content
