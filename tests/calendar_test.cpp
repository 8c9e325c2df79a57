// Dates as day numbers and plan periods (icm/calendar.hpp).
#include "icm/calendar.hpp"

#include <gtest/gtest.h>

namespace {

using icm::date;
using icm::period;
using icm::period_unit;

std::int32_t day(std::string_view text) {
  auto d = icm::parse_date(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d ? d->days : -1;
}

TEST(Calendar, EpochAndKnownDays) {
  EXPECT_EQ(day("1970-01-01"), 0);
  EXPECT_EQ(day("1969-12-31"), -1);
  EXPECT_EQ(day("2000-03-01"), 11017);
  EXPECT_EQ(day("2026-01-01"), 20454);
  EXPECT_EQ(day("2026-02-15"), 20499);
  EXPECT_EQ(day("2026-12-31"), 20818);
}

TEST(Calendar, LeapYears) {
  EXPECT_TRUE(icm::is_leap_year(2024));
  EXPECT_TRUE(icm::is_leap_year(2000));
  EXPECT_FALSE(icm::is_leap_year(1900));
  EXPECT_FALSE(icm::is_leap_year(2026));
  EXPECT_TRUE(icm::parse_date("2024-02-29"));
  EXPECT_TRUE(icm::parse_date("2000-02-29"));
  EXPECT_FALSE(icm::parse_date("2026-02-29"));
  EXPECT_FALSE(icm::parse_date("1900-02-29"));
  EXPECT_EQ(icm::days_in_month(2024, 2), 29u);
  EXPECT_EQ(icm::days_in_month(2026, 2), 28u);
  EXPECT_EQ(icm::days_in_month(2026, 13), 0u);
}

TEST(Calendar, ParseDateIsStrict) {
  for (const char* bad : {"", "2026-1-01", "2026-01-1", "26-01-01", " 2026-01-01", "2026-01-01 ",
                          "2026-01-01T00:00", "2026/01/01", "2026-13-01", "2026-00-10",
                          "2026-04-31", "2026-01-00", "2026-01-32", "+026-01-01", "2026-0a-01"}) {
    EXPECT_FALSE(icm::parse_date(bad)) << bad;
  }
}

TEST(Calendar, RoundTripOverCenturies) {
  // Every day from 1600 to 2400 survives day number -> civil -> day number,
  // and consecutive day numbers are consecutive civil days.
  const auto first = *icm::make_date(1600, 1, 1), last = *icm::make_date(2400, 12, 31);
  icm::civil_date previous = icm::to_civil(date{first.days - 1});
  for (std::int32_t d = first.days; d <= last.days; ++d) {
    const icm::civil_date c = icm::to_civil(date{d});
    ASSERT_EQ(icm::make_date(c.year, c.month, c.day)->days, d);
    const bool next_day = c.day == previous.day + 1 && c.month == previous.month;
    const bool next_month = c.day == 1 && previous.day == icm::days_in_month(previous.year, previous.month);
    ASSERT_TRUE(next_day || next_month) << d;
    previous = c;
  }
}

TEST(Calendar, DateToString) {
  EXPECT_EQ(icm::to_string(date{0}), "1970-01-01");
  EXPECT_EQ(icm::to_string(date{20499}), "2026-02-15");
  EXPECT_EQ(icm::to_string(*icm::parse_date("0001-03-09")), "0001-03-09");
  EXPECT_LT(date{1}, date{2});
}

TEST(Calendar, ParsePeriod) {
  EXPECT_EQ(icm::parse_period("2026"), (period{2026, period_unit::year, 1}));
  EXPECT_EQ(icm::parse_period("2026-Q1"), (period{2026, period_unit::quarter, 1}));
  EXPECT_EQ(icm::parse_period("2026-Q4"), (period{2026, period_unit::quarter, 4}));
  EXPECT_EQ(icm::parse_period("2026-03"), (period{2026, period_unit::month, 3}));
  EXPECT_EQ(icm::parse_period("2026-12"), (period{2026, period_unit::month, 12}));
  for (const char* bad : {"", "26", "2026-", "2026-Q0", "2026-Q5", "2026-q1", "2026-Q12", "2026-3",
                          "2026-13", "2026-00", "2026-003", " 2026", "2026 ", "2026-H1",
                          "202a"}) {
    EXPECT_FALSE(icm::parse_period(bad)) << bad;
  }
}

TEST(Calendar, PeriodToStringRoundTrips) {
  for (auto unit : {period_unit::month, period_unit::quarter, period_unit::year})
    for (const period& p : icm::periods_of_year(2026, unit))
      EXPECT_EQ(icm::parse_period(icm::to_string(p)), p);
  EXPECT_EQ(icm::to_string(period{2026, period_unit::quarter, 2}), "2026-Q2");
  EXPECT_EQ(icm::to_string(period{2026, period_unit::month, 3}), "2026-03");
  EXPECT_EQ(icm::to_string(period{2026, period_unit::year, 1}), "2026");
}

TEST(Calendar, PeriodBoundsAndDayCounts) {
  const period q1{2026, period_unit::quarter, 1};
  EXPECT_EQ(icm::to_string(icm::first_day(q1)), "2026-01-01");
  EXPECT_EQ(icm::to_string(icm::last_day(q1)), "2026-03-31");
  EXPECT_EQ(icm::day_count(q1), 90);  // spec example 10: 45 of 90 days
  EXPECT_EQ(icm::day_count(period{2024, period_unit::quarter, 1}), 91);
  EXPECT_EQ(icm::day_count(period{2026, period_unit::quarter, 4}), 92);
  EXPECT_EQ(icm::day_count(period{2024, period_unit::year, 1}), 366);
  EXPECT_EQ(icm::day_count(period{2026, period_unit::year, 1}), 365);
  EXPECT_EQ(icm::day_count(period{2024, period_unit::month, 2}), 29);
  EXPECT_EQ(icm::to_string(icm::last_day(period{2026, period_unit::month, 4})), "2026-04-30");
  EXPECT_TRUE(icm::contains(q1, *icm::parse_date("2026-03-31")));
  EXPECT_FALSE(icm::contains(q1, *icm::parse_date("2026-04-01")));
  // Spec example 10: hired 2026-02-15 is active 45 days of Q1.
  EXPECT_EQ(icm::last_day(q1).days - day("2026-02-15") + 1, 45);
}

TEST(Calendar, PeriodContaining) {
  const date d = *icm::parse_date("2026-08-31");
  EXPECT_EQ(icm::period_containing(d, period_unit::month), (period{2026, period_unit::month, 8}));
  EXPECT_EQ(icm::period_containing(d, period_unit::quarter),
            (period{2026, period_unit::quarter, 3}));
  EXPECT_EQ(icm::period_containing(d, period_unit::year), (period{2026, period_unit::year, 1}));
  EXPECT_EQ(icm::period_containing(*icm::parse_date("2026-12-31"), period_unit::quarter),
            (period{2026, period_unit::quarter, 4}));
  EXPECT_EQ(icm::period_containing(*icm::parse_date("2027-01-01"), period_unit::quarter),
            (period{2027, period_unit::quarter, 1}));
}

TEST(Calendar, PeriodsOfYearAreContiguousAndOrdered) {
  for (auto unit : {period_unit::month, period_unit::quarter, period_unit::year}) {
    const auto ps = icm::periods_of_year(2024, unit);
    ASSERT_FALSE(ps.empty());
    EXPECT_EQ(icm::first_day(ps.front()), *icm::parse_date("2024-01-01"));
    EXPECT_EQ(icm::last_day(ps.back()), *icm::parse_date("2024-12-31"));
    std::int32_t total = 0;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      total += icm::day_count(ps[i]);
      if (i > 0) {
        EXPECT_LT(ps[i - 1], ps[i]);
        EXPECT_EQ(icm::last_day(ps[i - 1]).days + 1, icm::first_day(ps[i]).days);
      }
    }
    EXPECT_EQ(total, 366);
  }
  EXPECT_EQ(icm::periods_of_year(2026, period_unit::month).size(), 12u);
  EXPECT_EQ(icm::periods_of_year(2026, period_unit::quarter).size(), 4u);
}

}  // namespace
