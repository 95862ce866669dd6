#include "kiosk/core/vm/inbox.hpp"

#include <algorithm>

namespace ws::kiosk::vm {
namespace {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_request_status(std::string_view status) {
  return std::any_of(std::begin(kRequestStatuses), std::end(kRequestStatuses),
                     [&](const char* s) { return status == s; });
}

const char* request_status_label(std::string_view status) {
  if (status == "contacted") return "Contacted";
  if (status == "booked") return "Booked";
  if (status == "closed") return "Closed";
  return "New";
}

AppointmentRequest request_from_answers(const std::string& id, const nlohmann::json& answers) {
  AppointmentRequest r;
  r.id = id;
  r.name = text_of(answers, "name");
  r.language = text_of(answers, "preferred_language");
  if (r.language == "other") r.language_label = text_of(answers, "other_language");
  r.phone = text_of(answers, "phone");
  const std::string status = text_of(answers, "_inbox_status");
  r.status = is_request_status(status) ? status : "new";
  r.handled_by = text_of(answers, "_handled_by");
  r.case_id = text_of(answers, "_case_id");
  return r;
}

std::size_t count_new(const std::vector<AppointmentRequest>& requests) {
  return static_cast<std::size_t>(
      std::count_if(requests.begin(), requests.end(), [](const AppointmentRequest& r) { return r.status == "new"; }));
}

}  // namespace ws::kiosk::vm
