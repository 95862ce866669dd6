#include "sync-server/core/retention.hpp"

#include "sync-server/core/erasure.hpp"
#include "sync-server/core/publish.hpp"
#include "sync-server/core/records.hpp"
#include "ws/erasure.hpp"

namespace ws::server {

Result<Retention> set_retention(Database& db, const std::string& centre, int days) {
  if (!is_valid_centre(centre) || centre == kAllCentres) {
    return fail("invalid_request", "a centre code is 1-32 letters, digits, '_' or '-'");
  }
  if (days < 1 || days > kMaxRetentionDays) {
    return fail("invalid_request", "--days must be between 1 and " + std::to_string(kMaxRetentionDays));
  }
  Retention out{centre, days, published_record_id(kSettingsKind, "retention", centre)};
  auto w = WriteScope::begin(db);
  if (!w) return fail(w.error());
  auto stored = load_record(w->conn(), out.record_id);
  if (!stored) return fail(stored.error());
  if (*stored && (*stored)->payload.value(kRetentionDaysKey, 0) == days) return out;
  auto stamp = next_server_version(w->conn());
  if (!stamp) return fail(stamp.error());
  Envelope e;
  e.id = out.record_id;
  e.kind = kSettingsKind;
  e.centre = centre;
  e.version = *stamp;
  e.payload = {{kRetentionDaysKey, days}};
  e.field_versions[kRetentionDaysKey] = *stamp;
  if (auto seq = write_record(w->conn(), e); !seq) return fail(seq.error());
  if (auto s = w->commit(); !s) return fail(s.error());
  return out;
}

}  // namespace ws::server
