#include "kiosk/core/content/published_content.hpp"

#include "kiosk/core/store/store.hpp"

namespace ws::kiosk::content {

Result<SyncOutcome> install_published_content(Store& store, const std::string& data_dir, const std::string& builtin_dir) {
  ListQuery query;
  query.kind = "content";
  query.limit = 10000;
  auto stored = store.list(query);
  if (!stored) return fail(stored.error());
  if (stored->empty()) return SyncOutcome{};
  std::vector<Envelope> records;
  records.reserve(stored->size());
  for (auto& r : *stored) records.push_back(std::move(r.envelope));
  BundleStore bundles(data_dir + "/content", builtin_dir);
  return install_newest(bundles, records);
}

}  // namespace ws::kiosk::content
