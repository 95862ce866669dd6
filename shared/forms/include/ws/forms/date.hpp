#pragma once
// Calendar dates as forms store them: ISO yyyy-mm-dd strings naming a real day.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace ws::forms {

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  auto operator<=>(const Date&) const = default;
  std::string to_string() const;  // yyyy-mm-dd
};

// Strict: exactly yyyy-mm-dd, years 1000..9999, and a day that exists (no 2023-02-29).
std::optional<Date> parse_date(std::string_view text);
// Whole years from `from` to `to` (an age); negative when `to` is earlier.
int whole_years_between(const Date& from, const Date& to);

// Today's date on this machine's clock and time zone (what a counsellor at the kiosk means).
std::string today_local();
// Today's date in the time zone furthest ahead (UTC+14). No place on earth is already in a
// later day, so a server checking "not in the future" with it never rejects a date that is
// today for the kiosk that recorded it, wherever that kiosk is.
std::string today_latest_zone();

}  // namespace ws::forms
