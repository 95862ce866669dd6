#include "kiosk/ui/screens/info/appointment_request.hpp"

#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::info {
namespace {
std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}
}  // namespace

Result<nlohmann::json> make_appointment_request(const AppointmentDraft& d) {
  const std::string name = trimmed(d.name);
  if (name.empty()) return fail("appointment_name_missing", "name is missing");
  if (!d.consent) return fail("appointment_consent_missing", "consent to be contacted is missing");
  nlohmann::json payload = {
      {"name", name.substr(0, kMaxAppointmentText)},
      {"preferred_language", wc::find_language(d.language) ? d.language : std::string("en")},
      {"consent_contact", true},
  };
  const std::string phone = trimmed(d.phone);
  if (!phone.empty()) payload["phone"] = phone.substr(0, 32);
  return payload;
}

}  // namespace ws::kiosk::ui::info
