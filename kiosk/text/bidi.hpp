#pragma once
// The base direction of typed text, as HTML's dir="auto": the first strong character decides,
// so a note that starts in English and names an Arabic-script person stays left-to-right.
#include <optional>
#include <string_view>

#include "kiosk/text/text_spec.hpp"

namespace ws::kiosk::text {

// Rtl for a first strong character of Hebrew or Arabic type, Ltr for any other strong one,
// nullopt when there is none (empty, only digits, spaces or punctuation).
std::optional<Direction> first_strong_direction(std::string_view utf8);

}  // namespace ws::kiosk::text
