// icm/calendar.hpp - dates and plan periods.
//
// Why our own: a comp plan needs only civil dates (no time of day, no time
// zone) and the months, quarters and years of a plan year. A date is a day
// number (days since 1970-01-01, proleptic Gregorian) so that columns of
// dates are plain int32 arrays, comparisons are integer comparisons and day
// counts (proration) are subtractions. <chrono>'s calendar types would do,
// but their time-zone half is not needed and is slow to compile.
//
//   auto d = icm::parse_date("2026-02-15");                     // day 20499
//   auto q = icm::period_containing(*d, icm::period_unit::quarter);  // 2026-Q1
//   icm::day_count(q);                                          // 90
#pragma once

#include <compare>      // operator<=>
#include <cstdint>      // std::int32_t
#include <optional>     // parse results
#include <string>       // to_string
#include <string_view>  // parse input
#include <vector>       // periods_of_year

namespace icm {

// Days since 1970-01-01 (negative before it).
struct date {
  std::int32_t days = 0;
  friend constexpr auto operator<=>(date, date) = default;
};

// A date as year, month (1..12) and day (1..31).
struct civil_date {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  friend constexpr bool operator==(const civil_date&, const civil_date&) = default;
};

bool is_leap_year(int year) noexcept;
// 28..31; 0 for a month outside 1..12.
unsigned days_in_month(int year, unsigned month) noexcept;

// The day number of a civil date; nullopt when the month or day does not exist.
std::optional<date> make_date(int year, unsigned month, unsigned day) noexcept;
civil_date to_civil(date d) noexcept;

// Strict ISO "YYYY-MM-DD": four-digit year, two-digit month and day, nothing
// else (no blanks, no time). "2026-02-29" is nullopt (2026 is not a leap year).
std::optional<date> parse_date(std::string_view text) noexcept;
// "2026-02-15"; years outside 0..9999 are written with as many digits as needed.
std::string to_string(date d);

enum class period_unit : std::uint8_t { month, quarter, year };
std::string_view to_string(period_unit unit) noexcept;  // "month", "quarter", "year"

// A month (index 1..12), quarter (1..4) or year (index 1) of a calendar year.
// Periods of one unit order chronologically.
struct period {
  std::int16_t year = 1970;
  period_unit unit = period_unit::year;
  std::uint8_t index = 1;
  friend constexpr auto operator<=>(const period&, const period&) = default;
};

// Strict: "2026" (year), "2026-Q1" (quarter, Q upper case), "2026-03" (month).
std::optional<period> parse_period(std::string_view text) noexcept;
// The same spellings parse_period reads.
std::string to_string(const period& p);

date first_day(const period& p) noexcept;
date last_day(const period& p) noexcept;
// Days in the period, both ends included (Q1 2026 has 90).
std::int32_t day_count(const period& p) noexcept;
bool contains(const period& p, date d) noexcept;
// The period of `unit` that contains `d`.
period period_containing(date d, period_unit unit) noexcept;
// The 12 months, 4 quarters or 1 year of `year`, in order.
std::vector<period> periods_of_year(int year, period_unit unit);

}  // namespace icm
