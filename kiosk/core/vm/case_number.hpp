#pragma once
// Case numbers a kiosk makes on its own, offline, that no other kiosk can also make:
//
//   <CENTRE>-<YYYY>-<KIOSK>-<NNNN>     e.g. OSL-1-2026-7KQ3-0042
//
// CENTRE is the kiosk's centre code (upper-cased, characters other than A-Z, 0-9 and '-'
// dropped, at most 12); YYYY the year the case was opened; KIOSK four Crockford base-32
// characters of a hash of the kiosk's device id (two kiosks of a centre differ unless their
// 20-bit hashes collide, about one pair in a million); NNNN the kiosk's own sequence for that
// year (at least four digits), kept in its store so numbers survive restarts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ws::kiosk::vm {

std::string kiosk_tag(const std::string& device_id);
// "OSL-1-2026-7KQ3-": everything but the sequence.
std::string case_number_prefix(const std::string& centre, int year, const std::string& device_id);
std::string format_case_number(const std::string& prefix, std::int64_t sequence);
// The sequence of a number made with `prefix`, nullopt for any other number.
std::optional<std::int64_t> case_number_sequence(const std::string& number, const std::string& prefix);
// One more than the highest sequence among `numbers` made with `prefix` (1 when there is none).
std::int64_t next_case_sequence(const std::vector<std::string>& numbers, const std::string& prefix);

}  // namespace ws::kiosk::vm
