#include <doctest/doctest.h>

#include "ws/forms/date.hpp"

using namespace ws::forms;

TEST_CASE("dates are strict ISO yyyy-mm-dd naming a real day") {
  CHECK(parse_date("2024-02-29"));
  CHECK_FALSE(parse_date("2023-02-29"));
  CHECK(parse_date("2000-02-29"));
  CHECK_FALSE(parse_date("1900-02-29"));
  CHECK_FALSE(parse_date("2024-04-31"));
  CHECK_FALSE(parse_date("2024-13-01"));
  CHECK_FALSE(parse_date("2024-00-10"));
  CHECK_FALSE(parse_date("2024-1-10"));
  CHECK_FALSE(parse_date("24-01-10"));
  CHECK_FALSE(parse_date("2024/01/10"));
  CHECK_FALSE(parse_date("2024-01-10T00:00"));
  CHECK_FALSE(parse_date("0999-01-01"));
  CHECK_FALSE(parse_date(""));
  auto d = parse_date("1987-06-05");
  REQUIRE(d);
  CHECK(d->year == 1987);
  CHECK(d->month == 6);
  CHECK(d->day == 5);
  CHECK(d->to_string() == "1987-06-05");
}

TEST_CASE("whole years between dates is an age that turns on the birthday") {
  const Date born{2006, 5, 20};
  CHECK(whole_years_between(born, {2024, 5, 19}) == 17);
  CHECK(whole_years_between(born, {2024, 5, 20}) == 18);
  CHECK(whole_years_between(born, {2025, 1, 1}) == 18);
}

TEST_CASE("today's dates are well formed and the latest zone is never behind local") {
  auto local = parse_date(today_local());
  auto latest = parse_date(today_latest_zone());
  REQUIRE(local);
  REQUIRE(latest);
  CHECK(*latest >= *local);
}
