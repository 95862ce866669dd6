#include "kiosk/core/content/content_records.hpp"

#include <algorithm>

namespace ws::kiosk::content {

Result<InstallOutcome> install_content_record(BundleStore& store, const Envelope& record) {
  if (record.kind != "content") return fail("wrong_kind", "record " + record.id + " is not a content record");
  if (record.deleted) return fail("deleted", "content record " + record.id + " is deleted");
  return store.install(record.payload);
}

SyncOutcome install_newest(BundleStore& store, const std::vector<Envelope>& content_records) {
  std::vector<const Envelope*> order;
  for (const auto& r : content_records)
    if (r.kind == "content" && !r.deleted) order.push_back(&r);
  auto version_of = [](const Envelope* e) {
    const auto& v = e->payload.is_object() ? e->payload.value("version", nlohmann::json()) : nlohmann::json();
    return v.is_number_integer() ? v.get<long long>() : -1;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const Envelope* a, const Envelope* b) { return version_of(a) > version_of(b); });
  SyncOutcome out;
  for (const Envelope* r : order) {
    auto result = store.install(r->payload);
    if (result) {
      out.switched = *result == InstallOutcome::Installed;
      return out;
    }
    out.problems.push_back("content record " + r->id + ": " + result.error().message);
  }
  return out;
}

}  // namespace ws::kiosk::content
