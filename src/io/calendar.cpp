// Civil-date arithmetic on day numbers and plan periods.
//
// days_from_civil / civil_from_days use the usual era decomposition: shift the
// year to start in March (so the leap day is the last day of the shifted
// year), split into 400-year eras of 146097 days, and count days within the
// era. Exact for every int32 day number we produce.
#include "icm/calendar.hpp"

#include <fmt/format.h>

namespace icm {

namespace {

constexpr std::int32_t days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                   // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             // [0, 146096]
  return era * 146097 + static_cast<std::int32_t>(doe) - 719468;
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `s`; -1 when one is not a digit.
constexpr int digits(std::string_view s, std::size_t at, std::size_t n) noexcept {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(int year, unsigned month) noexcept {
  static constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : table[month - 1];
}

std::optional<date> make_date(int year, unsigned month, unsigned day) noexcept {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return date{days_from_civil(year, month, day)};
}

civil_date to_civil(date d) noexcept {
  const std::int64_t z = static_cast<std::int64_t>(d.days) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400);
  return {month <= 2 ? year + 1 : year, month, day};
}

std::optional<date> parse_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  return make_date(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string to_string(date d) {
  const civil_date c = to_civil(d);
  if (c.year < 0) return fmt::format("-{:04}-{:02}-{:02}", -c.year, c.month, c.day);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string_view to_string(period_unit unit) noexcept {
  switch (unit) {
    case period_unit::month: return "month";
    case period_unit::quarter: return "quarter";
    case period_unit::year: return "year";
  }
  return "year";
}

std::optional<period> parse_period(std::string_view s) noexcept {
  if (s.size() < 4) return std::nullopt;
  const int y = digits(s, 0, 4);
  if (y < 0) return std::nullopt;
  const auto year = static_cast<std::int16_t>(y);
  if (s.size() == 4) return period{year, period_unit::year, 1};
  if (s[4] != '-' || s.size() != 7) return std::nullopt;
  if (s[5] == 'Q') {
    if (s[6] < '1' || s[6] > '4') return std::nullopt;
    return period{year, period_unit::quarter, static_cast<std::uint8_t>(s[6] - '0')};
  }
  const int m = digits(s, 5, 2);
  if (m < 1 || m > 12) return std::nullopt;
  return period{year, period_unit::month, static_cast<std::uint8_t>(m)};
}

std::string to_string(const period& p) {
  switch (p.unit) {
    case period_unit::month: return fmt::format("{:04}-{:02}", p.year, p.index);
    case period_unit::quarter: return fmt::format("{:04}-Q{}", p.year, p.index);
    case period_unit::year: break;
  }
  return fmt::format("{:04}", p.year);
}

namespace {
// First and last month (1..12) of a period.
std::pair<unsigned, unsigned> month_range(const period& p) noexcept {
  switch (p.unit) {
    case period_unit::month: return {p.index, p.index};
    case period_unit::quarter: return {3u * p.index - 2u, 3u * p.index};
    case period_unit::year: break;
  }
  return {1, 12};
}
}  // namespace

date first_day(const period& p) noexcept {
  return date{days_from_civil(p.year, month_range(p).first, 1)};
}

date last_day(const period& p) noexcept {
  const unsigned m = month_range(p).second;
  return date{days_from_civil(p.year, m, days_in_month(p.year, m))};
}

std::int32_t day_count(const period& p) noexcept {
  return last_day(p).days - first_day(p).days + 1;
}

bool contains(const period& p, date d) noexcept {
  return first_day(p) <= d && d <= last_day(p);
}

period period_containing(date d, period_unit unit) noexcept {
  const civil_date c = to_civil(d);
  const auto year = static_cast<std::int16_t>(c.year);
  switch (unit) {
    case period_unit::month: return {year, unit, static_cast<std::uint8_t>(c.month)};
    case period_unit::quarter: return {year, unit, static_cast<std::uint8_t>((c.month + 2) / 3)};
    case period_unit::year: break;
  }
  return {year, period_unit::year, 1};
}

std::vector<period> periods_of_year(int year, period_unit unit) {
  const int n = unit == period_unit::month ? 12 : unit == period_unit::quarter ? 4 : 1;
  std::vector<period> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i)
    out.push_back({static_cast<std::int16_t>(year), unit, static_cast<std::uint8_t>(i)});
  return out;
}

}  // namespace icm
