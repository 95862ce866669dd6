#include "sync-server/core/data_quality.hpp"

#include <array>

#include "sync-server/core/conflicts.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/refused.hpp"

namespace ws::server {
namespace {

using nlohmann::json;

struct Explanation {
  const char* contains;  // a fragment of the server's message
  const char* words;
};

// Most specific first: the first fragment found in the message decides.
constexpr std::array<Explanation, 13> kExplanations{{
    {"erased at HQ", "The person's case was erased at HQ. This edit was made on a kiosk afterwards and was dropped on purpose; nothing needs doing."},
    {"only HQ", "The kiosk tried to change something only HQ may change. The kiosk's software may be out of date or tampered with."},
    {"accounts are changed only by HQ", "A kiosk tried to change a counsellor account. Accounts are changed at HQ (Counsellor accounts)."},
    {"first account was already made", "A kiosk tried to create a second counsellor account for its centre. Create further accounts at HQ."},
    {"may not delete", "A kiosk tried to delete a record it may not delete. Nothing was lost; the record is still stored."},
    {"names the server", "The record claims to be written by the server or another kiosk. The kiosk's software may be out of date or tampered with."},
    {"names device", "The record claims to be written by another kiosk. The kiosk's software may be out of date or tampered with."},
    {"unknown kind", "The kiosk sent a kind of record this server does not know. Update the server or the kiosk so both have the same forms."},
    {"NUL character", "The record holds a character that cannot be stored (a NUL byte). The kiosk's software needs fixing; the record stays in the kiosk's quarantine."},
    {"a day ahead", "The kiosk's clock is far ahead of the server's. Set the kiosk's date and time; the record will be sent again."},
    {"no form definition", "The record was written with a form version HQ has not published to this server. Publish that form version; the kiosk then sends the record again."},
    {"required", "An answer the form requires is missing. The counsellor needs to complete the record on the kiosk (it is in the kiosk's quarantine)."},
    {"field '", "An answer does not fit the form (wrong type, out of range or not one of the choices). The counsellor needs to correct it on the kiosk."},
}};

json time_or_null(const std::optional<std::int64_t>& ms) { return ms ? json(iso8601_utc(*ms)) : json(); }

}  // namespace

std::string explain_refusal(const std::string& message) {
  for (const auto& e : kExplanations)
    if (message.find(e.contains) != std::string::npos) return e.words;
  return "The server could not accept this record as it was sent. The reason it gave is shown beside it.";
}

Result<json> refused_in_scope(Database& db, const CentreScope& scope, const std::string& centre,
                              bool include_resolved) {
  json out = json::array();
  if (!centre.empty() && !scope.allows(centre)) return out;
  RefusedQuery q;
  if (!centre.empty()) q.centre = centre;
  q.include_resolved = include_resolved;
  auto list = list_refused(db, q);
  if (!list) return fail(list.error());
  for (const auto& r : *list) {
    if (!scope.allows(r.centre)) continue;
    out.push_back({{"id", r.record_id},
                   {"kind", r.kind},
                   {"centre", r.centre},
                   {"device_id", r.device_id},
                   {"code", r.code},
                   {"message", r.message},
                   {"explanation", explain_refusal(r.message)},
                   {"refused_at", iso8601_utc(r.refused_at_ms)},
                   {"resolved_at", time_or_null(r.resolved_at_ms)}});
  }
  return out;
}

Result<json> conflicts_in_scope(Database& db, const CentreScope& scope, const std::string& centre,
                                const std::string& case_id) {
  json out = json::array();
  if (!centre.empty() && !scope.allows(centre)) return out;
  ConflictFilter filter;
  if (!centre.empty()) filter.centre = centre;
  if (!case_id.empty()) filter.case_id = case_id;
  auto list = list_conflicts(db, filter);
  if (!list) return fail(list.error());
  for (auto& entry : *list) {
    if (scope.allows(entry.value("centre", ""))) out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ws::server
