#pragma once
// The payload of an `appointment` record, made from what the person typed. Checked here so
// the screen can say what is missing in the person's language; the shell validates it again
// against the `appointment` form before saving.
#include <cstddef>

#include <nlohmann/json.hpp>

#include "kiosk/ui/screens/info/info_session.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::ui::info {

inline constexpr std::size_t kMaxAppointmentText = 120;

// Fields: name (required), preferred_language (kiosk code), phone (only when given),
// consent_contact (must be true). Error codes are ui keys: appointment_name_missing,
// appointment_consent_missing.
Result<nlohmann::json> make_appointment_request(const AppointmentDraft& draft);

}  // namespace ws::kiosk::ui::info
