#include "ws/forms/date.hpp"

#include <cstdio>
#include <ctime>

namespace ws::forms {
namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

std::optional<int> digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string format(const std::tm& t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
  return buf;
}

}  // namespace

std::string Date::to_string() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = digits(text.substr(0, 4));
  auto m = digits(text.substr(5, 2));
  auto d = digits(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  if (*y < 1000 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) return std::nullopt;
  return Date{*y, *m, *d};
}

int whole_years_between(const Date& from, const Date& to) {
  int years = to.year - from.year;
  if (to.month < from.month || (to.month == from.month && to.day < from.day)) --years;
  return years;
}

std::string today_local() {
  std::time_t now = std::time(nullptr);
  std::tm t{};
  localtime_r(&now, &t);
  return format(t);
}

std::string today_latest_zone() {
  const std::time_t ahead = std::time(nullptr) + 14 * 3600;
  // The server asks once per record it validates, and a UTC date is a function of the day
  // number alone: format it once a day per thread instead of once a record.
  constexpr std::time_t kSecondsPerDay = 86400;
  const std::time_t day = ahead >= 0 ? ahead / kSecondsPerDay : (ahead - kSecondsPerDay + 1) / kSecondsPerDay;
  thread_local std::time_t formatted_day = 0;
  thread_local std::string formatted;
  if (formatted.empty() || day != formatted_day) {
    std::tm t{};
    gmtime_r(&ahead, &t);
    formatted = format(t);
    formatted_day = day;
  }
  return formatted;
}

}  // namespace ws::forms
