#pragma once
// A date chosen by touch alone: the month as a grid of touch-sized days, with buttons for the
// month and the year (±1 and ±10, so a date of birth is a few taps away). It opens under the
// date field (which still takes typing) and emits the chosen day as an ISO yyyy-mm-dd string.
#include <optional>
#include <string>

#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::widgets {

// Calendar arithmetic for the grid (proleptic Gregorian).
int days_in_month(int year, int month);
int first_weekday(int year, int month);  // of the 1st: 0 = Monday ... 6 = Sunday

class DatePicker {
 public:
  bool is_open() const { return open_; }
  // Opens on the month of `current` (an ISO date), else of `today`.
  void open(const std::string& current, const std::string& today);
  void close() { open_ = false; }
  int year() const { return year_; }
  int month() const { return month_; }
  void move_months(int delta);

  // Draws the open picker; returns the day tapped (the picker then closes).
  std::optional<std::string> draw(Ui& ui, const std::string& id);

 private:
  void draw_header(Ui& ui, const std::string& id);
  bool open_ = false;
  bool scroll_into_view_ = false;
  int year_ = 2000;
  int month_ = 1;
};

}  // namespace ws::kiosk::ui::widgets
