#pragma once
// The counsellors' appointment inbox: the centre's `appointment` records (made by migrants on
// any kiosk of the centre, synced like any record) with where each one stands. A counsellor's
// handling is written into the request itself as metadata, so it syncs to the other kiosks:
//   _inbox_status  new | contacted | booked | closed  (absent: new)
//   _handled_by    the counsellor account id that last changed the status
//   _case_id       the case made from the request (it then shows on that case's timeline)
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/vm/case_models.hpp"

namespace ws::kiosk::vm {

inline constexpr const char* kRequestStatuses[] = {"new", "contacted", "booked", "closed"};
bool is_request_status(std::string_view status);
const char* request_status_label(std::string_view status);  // "New", "Contacted", ...

struct AppointmentRequest {
  std::string id;
  std::string name;            // as the person wrote it, any script
  std::string language;        // the preferred_language value, e.g. "prs"
  std::string language_label;  // "Dari" (filled by the workspace from the form)
  std::string phone;
  std::string asked_at;        // local "YYYY-MM-DD HH:MM" the request was made
  std::string status = "new";
  std::string handled_by;       // counsellor account id
  std::string handled_by_name;  // filled by the workspace
  std::string case_id;
  RecordSync sync = RecordSync::Synced;
};

// Reads one `appointment` record's answers and metadata.
AppointmentRequest request_from_answers(const std::string& id, const nlohmann::json& answers);
std::size_t count_new(const std::vector<AppointmentRequest>& requests);

}  // namespace ws::kiosk::vm
