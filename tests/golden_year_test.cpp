// A year-long golden test (issue 4): one plan, seven payees, four quarters,
// every payouts.csv line derived by hand from the semantics (sections 3-6
// and 10) and written down below before the engine was run. It exercises
// together what the worked examples test one at a time: a Q2 hire with a
// prorated quota, a Q3 termination, a 60/40 split, a one-level manager
// rollup, EUR conversion with a half-cent, a marginal table with a cap, a
// bonus, a year-to-date true-up (also negative), a plan cap, a recoverable
// draw and its recovery, a clawback carried and recovered, and a carried
// balance still open at year end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>  // istreambuf_iterator
#include <map>
#include <ostream>
#include <string>
#include <unistd.h>  // getpid
#include <vector>

#include "icm/icm.hpp"

namespace fs = std::filesystem;

namespace icm {
// Failure messages show amounts as text, not as bytes.
inline void PrintTo(const decimal& d, std::ostream* os) { *os << d.to_string(); }
}  // namespace icm

namespace {

const char* golden_plan = R"(
plan "Golden year" {
  currency USD
  period quarter
  year 2026
  precision 10
  rounding half_even
  negative_totals carry
  rollup 1
  prorate quotas
  cap 12000.00 USD
  draw recoverable 1000.00 USD until 2026-Q2
}
columns product

credit 100% where product == "saas"
credit 50% where product == "hardware"

measure credited = sum(credit)
measure attainment = credited / quota

component commission {
  tiers marginal of credited by attainment {
    from 0%   to 50%  pay 2%
    from 50%  to 100% pay 8%
    from 100% to 150% pay 12%
    from 150%         pay 15%
  }
  cap 2 * target_incentive
}

component club {
  bonus 1000.00 USD when attainment >= 100%
}

component ytd_kicker cumulative {
  tiers marginal of credited by attainment {
    from 0%   to 100% pay 1%
    from 100%         pay 3%
  }
}
)";

// Payees. Ids are integers, so payouts are ordered numerically: 10 comes
// after 6 (byte order would put it after 1). 2 and 3 report to manager 1.
const char* golden_payees =
    "payee_id,name,manager_id,target_incentive,hire_date,end_date\n"
    "1,Manager,,5000.00,,\n"
    "2,Seller A,1,3000.00,,\n"
    "3,Seller B,1,3000.00,,\n"
    "4,New hire,,3000.00,2026-05-01,\n"
    "5,Leaver,,3000.00,,2026-08-15\n"
    "6,Clawback,,3000.00,,\n"
    "10,Euro seller,,2000.00,,\n";

// Quotas only where a payee is evaluated: 4 has no Q1 row, 5 no Q4 row.
const char* golden_quotas =
    "payee_id,period,amount\n"
    "1,2026-Q1,200000.00\n1,2026-Q2,200000.00\n1,2026-Q3,200000.00\n1,2026-Q4,200000.00\n"
    "2,2026-Q1,100000.00\n2,2026-Q2,100000.00\n2,2026-Q3,100000.00\n2,2026-Q4,100000.00\n"
    "3,2026-Q1,100000.00\n3,2026-Q2,100000.00\n3,2026-Q3,100000.00\n3,2026-Q4,100000.00\n"
    "4,2026-Q2,91000.00\n4,2026-Q3,91000.00\n4,2026-Q4,91000.00\n"
    "5,2026-Q1,80000.00\n5,2026-Q2,80000.00\n5,2026-Q3,80000.00\n"
    "6,2026-Q1,100000.00\n6,2026-Q2,100000.00\n6,2026-Q3,100000.00\n6,2026-Q4,100000.00\n"
    "10,2026-Q1,50000.00\n10,2026-Q2,50000.00\n10,2026-Q3,50000.00\n10,2026-Q4,50000.00\n";

const char* golden_transactions =
    "txn_id,date,payee_id,amount,currency,product\n"
    "T001,2025-12-20,2,7000.00,USD,saas\n"       // outside_plan_year
    "T101,2026-11-15,1,20000.00,USD,saas\n"      // the manager's own sale
    "T201,2026-02-10,2,100000.00,USD,saas\n"     // split 60/40 between 2 and 3
    "T202,2026-03-05,2,20000.00,USD,saas\n"
    "T203,2026-05-12,2,50000.00,USD,hardware\n"  // weight 50%
    "T204,2026-06-15,2,165000.00,USD,saas\n"
    "T205,2026-08-20,2,50000.00,EUR,saas\n"
    "T206,2026-10-20,2,100000.00,USD,saas\n"
    "T301,2026-01-20,3,60000.00,USD,saas\n"
    "T302,2026-04-22,3,150000.00,USD,saas\n"
    "T303,2026-09-01,3,90000.00,USD,saas\n"
    "T304,2026-12-01,3,10000.00,USD,support\n"   // no_credit_rule
    "T401,2026-04-20,4,5000.00,USD,saas\n"       // before the hire: outside_employment
    "T402,2026-06-10,4,45750.00,USD,saas\n"
    "T403,2026-08-01,4,91000.00,USD,saas\n"
    "T501,2026-02-01,5,40000.00,USD,saas\n"
    "T502,2026-05-01,5,80000.00,USD,saas\n"
    "T503,2026-08-14,5,60000.00,USD,saas\n"
    "T504,2026-09-10,5,30000.00,USD,saas\n"      // after end_date: outside_employment
    "T601,2026-03-01,6,50000.00,USD,saas\n"
    "T602,2026-04-15,6,100000.00,USD,saas\n"
    "T603,2026-07-10,6,-80000.00,USD,saas\n"     // credit note: the clawback
    "T604,2026-11-10,6,120000.00,USD,saas\n"
    "T1001,2026-02-20,10,10000.00,EUR,saas\n"
    "T1002,2026-03-10,10,100.15,EUR,saas\n"      // x 1.10 = 110.165: the half-cent
    "T1003,2026-05-05,10,25000.00,EUR,saas\n"
    "T1004,2026-08-05,10,20000.00,EUR,saas\n"
    "T1005,2026-11-05,10,48000.00,EUR,saas\n";

const char* golden_splits =
    "txn_id,payee_id,share\n"
    "T201,2,0.6\n"
    "T201,3,0.4\n";

const char* golden_fx =
    "currency,period,rate\n"
    "EUR,2026-Q1,1.10\nEUR,2026-Q2,1.20\nEUR,2026-Q3,1.05\nEUR,2026-Q4,1.25\n";

// ---------------------------------------------------------------------------
// The derivation, by hand from the semantics.
//
// Days: Q1 90, Q2 91, Q3 92, Q4 92. Draw 1,000.00 in Q1 and Q2.
// commission: marginal 2% / 8% / 12% / 15% on bounds 50%, 100%, 150% x quota,
//   cap 2 x target_incentive (10,000.00 for 1, 4,000.00 for 10, else 6,000.00).
// club: 1,000.00 when attainment >= 100% (exact comparison).
// ytd_kicker (cumulative): 1% up to 100% x YTD quota, 3% above; line = rounded
//   YTD payout - the component's own earlier lines.
// Plan cap 12,000.00 on the sum of the component lines.
//
// Crediting (credit = round(amount x share x weight x rate), half-even):
//   T001 2025-12-20: outside_plan_year (tested first).
//   T201 100,000.00 split: 2 gets x0.6 = 60,000.00, 3 gets x0.4 = 40,000.00;
//        manager 1 gets both in full (rollup 1): 60,000.00 + 40,000.00.
//   T203 hardware 50,000.00 x 50% = 25,000.00.
//   T205 EUR 50,000.00 x 1.05 (Q3) = 52,500.00.
//   T304 support: no rule matches -> no_credit_rule, not rolled up.
//   T401 2026-04-20 before 4's hire, T504 2026-09-10 after 5's end:
//        outside_employment.
//   T1001 EUR 10,000.00 x 1.10 = 11,000.00; T1002 EUR 100.15 x 1.10 = 110.165
//        -> 110.16 (half-even: the kept digit 6 is even); T1003 25,000.00 x
//        1.20 = 30,000.00; T1004 20,000.00 x 1.05 = 21,000.00; T1005 48,000.00
//        x 1.25 = 60,000.00.
//
// Quotas: 4 hired 2026-05-01: Q2 active May 1..Jun 30 = 61 of 91 days,
//   91,000.00 x 61 / 91 = 61,000.00; Q1 not evaluated (no overlap).
//   5 ends 2026-08-15: Q3 active Jul 1..Aug 15 = 46 of 92 days,
//   80,000.00 x 46 / 92 = 40,000.00; Q4 not evaluated.
//
// payee Q  credited   quota     att     commission (band portions)          club   ytd_kicker (YTD cr / YTD q)         ledger                      paid
// 1     Q1 180,000    200,000   90%     100k x2%=2,000 + 80k x8%=6,400       0      180,000/200,000: 1,800              -                           10,200.00
//          (60,000 + 20,000 from 2; 40,000 + 60,000 from 3)
// 1     Q2 340,000    200,000   170%    2,000+8,000+12,000+40k x15%=6,000    1,000  520,000/400,000: 4,000+120k x3%     components 16,800.00;       12,000.00
//          (25,000 + 165,000; 150,000)   = 28,000 -> cap 10,000.00                  =7,600 - 1,800 = 5,800.00           plan_cap -4,800.00
// 1     Q3 142,500    200,000   71.25%  2,000 + 42,500 x8% = 3,400 -> 5,400  0      662,500/600,000: 6,000+62,500 x3%   -                            5,675.00
//          (52,500; 90,000)                                                         =7,875 - 7,600 = 275.00
// 1     Q4 120,000    200,000   60%     2,000 + 20,000 x8% = 3,600           0      782,500/800,000: 7,825 - 7,875      -                            3,550.00
//          (100,000 from 2; own T101 20,000; T304 not credited)                     = -50.00
// 2     Q1 80,000     100,000   80%     1,000 + 30,000 x8% = 3,400           0      80,000/100,000: 800.00              -                            4,200.00
// 2     Q2 190,000    100,000   190%    1,000+4,000+6,000+40k x15% = 17,000  1,000  270,000/200,000: 2,000+70k x3%      -                           10,300.00
//          (25,000 + 165,000)            -> cap 6,000.00                            =4,100 - 800 = 3,300.00
// 2     Q3 52,500     100,000   52.5%   1,000 + 2,500 x8% = 1,200            0      322,500/300,000: 3,000+22,500 x3%   -                              775.00
//                                                                                   =3,675 - 4,100 = -425.00 (true-up down)
// 2     Q4 100,000    100,000   100%    1,000 + 4,000 = 5,000 (band 3: 0)    1,000  422,500/400,000: 4,000+675          -                            7,000.00
//                                                                                   =4,675 - 3,675 = 1,000.00
// 3     Q1 100,000    100,000   100%    1,000 + 4,000 = 5,000 (on the bound) 1,000  100,000/100,000: 1,000.00           -                            7,000.00
//          (40,000 split + 60,000)
// 3     Q2 150,000    100,000   150%    1,000+4,000+6,000 = 11,000 (band 4:  1,000  250,000/200,000: 2,000+50k x3%      -                            9,500.00
//                                       0) -> cap 6,000.00                          =3,500 - 1,000 = 2,500.00
// 3     Q3 90,000     100,000   90%     1,000 + 40,000 x8% = 4,200           0      340,000/300,000: 3,000+40k x3%      -                            4,900.00
//                                                                                   =4,200 - 3,500 = 700.00
// 3     Q4 0          100,000   0%      0.00                                 0      340,000/400,000: 3,400 - 4,200      total -800.00 ->                 0.00
//                                                                                   = -800.00                           carried_balance 800.00 (open at year end)
// 4     Q2 45,750     61,000    75%     30,500 x2%=610 + 15,250 x8%=1,220    0      45,750/61,000: 457.50               2,287.50 >= draw: none       2,287.50
//                                       = 1,830.00
// 4     Q3 91,000     91,000    100%    45,500 x2%=910 + 45,500 x8%=3,640    1,000  136,750/152,000: 1,367.50 - 457.50  -                            6,460.00
//                                       = 4,550.00                                  = 910.00
// 4     Q4 0          91,000    0%      0.00                                 0      136,750/243,000: 1,367.50 - 1,367.50 -                               0.00
// 5     Q1 40,000     80,000    50%     40,000 x2% = 800 (band 2 portion 0)  0      40,000/80,000: 400.00               1,200 >= draw: none          1,200.00
// 5     Q2 80,000     80,000    100%    800 + 40,000 x8% = 4,000             1,000  120,000/160,000: 1,200 - 400 = 800  -                            5,800.00
// 5     Q3 60,000     40,000    150%    20k x2%=400 + 20k x8%=1,600 +        1,000  180,000/200,000: 1,800 - 1,200      -                            6,000.00
//          (T503 on 08-14, in)          20k x12%=2,400 = 4,400.00                   = 600.00
// 6     Q1 50,000     100,000   50%     1,000.00                             0      50,000/100,000: 500.00              -                            1,500.00
// 6     Q2 100,000    100,000   100%    1,000 + 4,000 = 5,000                1,000  150,000/200,000: 1,500 - 500        -                            7,000.00
//                                                                                   = 1,000.00
// 6     Q3 -80,000    100,000   -80%    negative base at band 1's rate:      0      70,000/300,000: 700 - 1,500         total -2,400.00, after the       0.00
//                                       -80,000 x2% = -1,600.00                     = -800.00                           draw: carried_balance 2,400.00
// 6     Q4 120,000    100,000   120%    1,000+4,000+20,000 x12% = 7,400      1,000  190,000/400,000: 1,900 - 700        components 8,200.00;         5,800.00
//                                       -> cap 6,000.00                             = 1,200.00                          carried_balance_recovery -2,400.00
// 10    Q1 11,110.16  50,000    22.22%  11,110.16 x2% = 222.2032 -> 222.20   0      11,110.16 x1% = 111.1016 -> 111.10  total 333.30 < 1,000:        1,000.00
//                                                                                                                       draw 666.70 (balance 666.70)
// 10    Q2 30,000     50,000    60%     25,000 x2% + 5,000 x8% = 900.00      0      41,110.16 x1% = 411.1016 -> 411.10  1,200.00: only 200.00 above  1,000.00
//                                                                                   - 111.10 = 300.00                   the draw repays: draw_recovery
//                                                                                                                       -200.00 (balance 466.70)
// 10    Q3 21,000     50,000    42%     21,000 x2% = 420.00                  0      62,110.16 x1% = 621.1016 -> 621.10  630.00, after the draw all     163.30
//                                                                                   - 411.10 = 210.00                   repays: draw_recovery -466.70
// 10    Q4 60,000     50,000    120%    500 + 2,000 + 10,000 x12% = 3,700    1,000  122,110.16 x1% -> 1,221.10          -                            5,300.00
//                                                                                   - 621.10 = 600.00
//
// Total paid: 31,425.00 (1) + 22,275.00 (2) + 21,400.00 (3) + 8,747.50 (4)
//   + 13,000.00 (5) + 14,300.00 (6) + 7,463.30 (10) = 118,610.80.
// ---------------------------------------------------------------------------

const std::vector<std::string> expected_payouts = {
    "1|2026-Q1|commission|8400.00",     "1|2026-Q1|club|0.00",          "1|2026-Q1|ytd_kicker|1800.00",
    "1|2026-Q2|commission|10000.00",    "1|2026-Q2|club|1000.00",       "1|2026-Q2|ytd_kicker|5800.00",
    "1|2026-Q2|plan_cap|-4800.00",
    "1|2026-Q3|commission|5400.00",     "1|2026-Q3|club|0.00",          "1|2026-Q3|ytd_kicker|275.00",
    "1|2026-Q4|commission|3600.00",     "1|2026-Q4|club|0.00",          "1|2026-Q4|ytd_kicker|-50.00",
    "2|2026-Q1|commission|3400.00",     "2|2026-Q1|club|0.00",          "2|2026-Q1|ytd_kicker|800.00",
    "2|2026-Q2|commission|6000.00",     "2|2026-Q2|club|1000.00",       "2|2026-Q2|ytd_kicker|3300.00",
    "2|2026-Q3|commission|1200.00",     "2|2026-Q3|club|0.00",          "2|2026-Q3|ytd_kicker|-425.00",
    "2|2026-Q4|commission|5000.00",     "2|2026-Q4|club|1000.00",       "2|2026-Q4|ytd_kicker|1000.00",
    "3|2026-Q1|commission|5000.00",     "3|2026-Q1|club|1000.00",       "3|2026-Q1|ytd_kicker|1000.00",
    "3|2026-Q2|commission|6000.00",     "3|2026-Q2|club|1000.00",       "3|2026-Q2|ytd_kicker|2500.00",
    "3|2026-Q3|commission|4200.00",     "3|2026-Q3|club|0.00",          "3|2026-Q3|ytd_kicker|700.00",
    "3|2026-Q4|commission|0.00",        "3|2026-Q4|club|0.00",          "3|2026-Q4|ytd_kicker|-800.00",
    "3|2026-Q4|carried_balance|800.00",
    "4|2026-Q2|commission|1830.00",     "4|2026-Q2|club|0.00",          "4|2026-Q2|ytd_kicker|457.50",
    "4|2026-Q3|commission|4550.00",     "4|2026-Q3|club|1000.00",       "4|2026-Q3|ytd_kicker|910.00",
    "4|2026-Q4|commission|0.00",        "4|2026-Q4|club|0.00",          "4|2026-Q4|ytd_kicker|0.00",
    "5|2026-Q1|commission|800.00",      "5|2026-Q1|club|0.00",          "5|2026-Q1|ytd_kicker|400.00",
    "5|2026-Q2|commission|4000.00",     "5|2026-Q2|club|1000.00",       "5|2026-Q2|ytd_kicker|800.00",
    "5|2026-Q3|commission|4400.00",     "5|2026-Q3|club|1000.00",       "5|2026-Q3|ytd_kicker|600.00",
    "6|2026-Q1|commission|1000.00",     "6|2026-Q1|club|0.00",          "6|2026-Q1|ytd_kicker|500.00",
    "6|2026-Q2|commission|5000.00",     "6|2026-Q2|club|1000.00",       "6|2026-Q2|ytd_kicker|1000.00",
    "6|2026-Q3|commission|-1600.00",    "6|2026-Q3|club|0.00",          "6|2026-Q3|ytd_kicker|-800.00",
    "6|2026-Q3|carried_balance|2400.00",
    "6|2026-Q4|commission|6000.00",     "6|2026-Q4|club|1000.00",       "6|2026-Q4|ytd_kicker|1200.00",
    "6|2026-Q4|carried_balance_recovery|-2400.00",
    "10|2026-Q1|commission|222.20",     "10|2026-Q1|club|0.00",         "10|2026-Q1|ytd_kicker|111.10",
    "10|2026-Q1|draw|666.70",
    "10|2026-Q2|commission|900.00",     "10|2026-Q2|club|0.00",         "10|2026-Q2|ytd_kicker|300.00",
    "10|2026-Q2|draw_recovery|-200.00",
    "10|2026-Q3|commission|420.00",     "10|2026-Q3|club|0.00",         "10|2026-Q3|ytd_kicker|210.00",
    "10|2026-Q3|draw_recovery|-466.70",
    "10|2026-Q4|commission|3700.00",    "10|2026-Q4|club|1000.00",      "10|2026-Q4|ytd_kicker|600.00",
};

// The data set in a fresh temporary folder, removed afterwards.
class golden_data {
 public:
  golden_data() {
    dir_ = fs::temp_directory_path() / ("icm_golden_year_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("payees.csv", golden_payees);
    write("quotas.csv", golden_quotas);
    write("transactions.csv", golden_transactions);
    write("splits.csv", golden_splits);
    write("fx.csv", golden_fx);
  }
  ~golden_data() { fs::remove_all(dir_); }
  golden_data(const golden_data&) = delete;
  golden_data& operator=(const golden_data&) = delete;
  std::string path() const { return dir_.string(); }

 private:
  void write(const char* name, const char* text) { std::ofstream(dir_ / name, std::ios::binary) << text; }
  fs::path dir_;
};

// Plan, data and result, built once for all tests of this file.
class GoldenYear : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    files_ = new golden_data;
    plan_ = new std::optional<icm::plan>(icm::plan::parse(golden_plan, "golden.icm", diags_));
    if (!*plan_) return;
    data_ = new std::optional<icm::dataset>(icm::read_dataset(files_->path(), diags_));
    if (!*data_) return;
    result_ = icm::run(**plan_, **data_, diags_, {.threads = 2});
  }
  static void TearDownTestSuite() {
    delete data_;
    delete plan_;
    delete files_;
    data_ = nullptr;
    plan_ = nullptr;
    files_ = nullptr;
  }
  static std::string all_diags() {
    std::string s;
    for (const auto& d : diags_) s += d.headline() + "\n";
    return s;
  }
  static icm::decimal dec(const char* text) { return icm::decimal::parse_or_throw(text); }

  static inline golden_data* files_ = nullptr;
  static inline std::optional<icm::plan>* plan_ = nullptr;
  static inline std::optional<icm::dataset>* data_ = nullptr;
  static inline icm::diagnostics diags_;
  static inline std::optional<icm::run_result> result_;
};

TEST_F(GoldenYear, PayoutsEqualTheHandDerivationLineByLineInOrder) {
  ASSERT_TRUE(result_) << all_diags();
  std::vector<std::string> actual;
  for (const auto& l : result_->payouts) {
    actual.push_back(l.payee_id + "|" + icm::to_string(l.when) + "|" + l.component + "|" + l.amount.to_string());
    EXPECT_EQ(l.currency, "USD") << actual.back();
  }
  // Line by line first, so that a difference names its payee and period.
  for (std::size_t i = 0; i < std::min(actual.size(), expected_payouts.size()); ++i)
    EXPECT_EQ(actual[i], expected_payouts[i]) << "line " << i;
  EXPECT_EQ(actual, expected_payouts);
}

TEST_F(GoldenYear, StreamingRunFromTheFilesGivesTheSameLines) {
  ASSERT_TRUE(result_) << all_diags();
  icm::diagnostics diags;
  auto streamed = icm::run_files(**plan_, files_->path(), diags, {.threads = 1});
  ASSERT_TRUE(streamed);
  std::vector<std::string> lines;
  for (const auto& l : streamed->payouts)
    lines.push_back(l.payee_id + "|" + icm::to_string(l.when) + "|" + l.component + "|" + l.amount.to_string());
  EXPECT_EQ(lines, expected_payouts);
  EXPECT_EQ(streamed->totals.total_paid.to_string(), "118610.80");
}

TEST_F(GoldenYear, SameLinesWithTheRowsReversedOnOneThread) {
  ASSERT_TRUE(result_) << all_diags();
  // Every CSV with its data rows in reverse order (header first).
  auto reversed = [](const std::string& text) {
    std::vector<std::string> rows;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
      rows.push_back(text.substr(start, nl - start + 1));
    std::string out = rows.front();
    for (auto it = rows.rbegin(); it + 1 != rows.rend(); ++it) out += *it;
    return out;
  };
  const fs::path dir = fs::path(files_->path()) / "reversed";
  fs::create_directories(dir);
  for (const char* name : {"payees.csv", "quotas.csv", "transactions.csv", "splits.csv", "fx.csv"}) {
    std::ifstream in(fs::path(files_->path()) / name, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / name, std::ios::binary) << reversed(text);
  }
  icm::diagnostics diags;
  auto data = icm::read_dataset(dir.string(), diags);
  ASSERT_TRUE(data);
  auto again = icm::run(**plan_, *data, diags, {.threads = 1});
  ASSERT_TRUE(again);
  std::vector<std::string> lines;
  for (const auto& l : again->payouts)
    lines.push_back(l.payee_id + "|" + icm::to_string(l.when) + "|" + l.component + "|" + l.amount.to_string());
  EXPECT_EQ(lines, expected_payouts);
  EXPECT_EQ(again->totals.total_paid.to_string(), "118610.80");
}

TEST_F(GoldenYear, ControlTotalsReconcileWithTheExpectedReasons) {
  ASSERT_TRUE(result_) << all_diags();
  const auto& t = result_->totals;
  // 28 rows: 22 in USD summing to 1,313,750.00, 6 in EUR summing to 153,100.15.
  EXPECT_EQ(t.read.count, 28u);
  EXPECT_EQ(t.read.amount.at("USD"), dec("1313750.00"));
  EXPECT_EQ(t.read.amount.at("EUR"), dec("153100.15"));
  // Uncredited: T001 (7,000.00), T304 (10,000.00), T401 + T504 (35,000.00).
  ASSERT_EQ(t.uncredited.size(), 3u);
  EXPECT_EQ(t.uncredited.at("outside_plan_year").count, 1u);
  EXPECT_EQ(t.uncredited.at("outside_plan_year").amount.at("USD"), dec("7000.00"));
  EXPECT_EQ(t.uncredited.at("no_credit_rule").count, 1u);
  EXPECT_EQ(t.uncredited.at("no_credit_rule").amount.at("USD"), dec("10000.00"));
  EXPECT_EQ(t.uncredited.at("outside_employment").count, 2u);
  EXPECT_EQ(t.uncredited.at("outside_employment").amount.at("USD"), dec("35000.00"));
  for (const auto& [reason, tally] : t.uncredited) EXPECT_EQ(tally.amount.count("EUR"), 0u) << reason;
  // Credited: the other 24 rows, 1,261,750.00 USD and every EUR row.
  EXPECT_EQ(t.credited.count, 24u);
  EXPECT_EQ(t.credited.amount.at("USD"), dec("1261750.00"));
  EXPECT_EQ(t.credited.amount.at("EUR"), dec("153100.15"));
  EXPECT_EQ(t.rejected.count, 0u);
  // read = credited + uncredited + rejected, in count and per currency.
  std::uint64_t count = t.credited.count + t.rejected.count;
  std::map<std::string, icm::decimal> amount = t.credited.amount;
  for (const auto& [reason, tally] : t.uncredited) {
    count += tally.count;
    for (const auto& [cur, a] : tally.amount) amount[cur] += a;
  }
  for (const auto& [cur, a] : t.rejected.amount) amount[cur] += a;
  EXPECT_EQ(count, t.read.count);
  EXPECT_EQ(amount, t.read.amount);
  // Credit records: 24 credited rows, T201 in two splits (25 direct), and the
  // 6 credits of payee 2 plus the 4 of payee 3 rolled up to 1 (10).
  EXPECT_EQ(t.credits, 35u);
  EXPECT_EQ(t.payees, 7u);
  EXPECT_EQ(t.payee_periods, 26u);  // 4 each, but 4 (hired in Q2) and 5 (left in Q3) have 3
  EXPECT_EQ(t.total_paid.to_string(), "118610.80");
  EXPECT_EQ(t.currency, "USD");
  icm::decimal sum;
  for (const auto& l : result_->payouts) sum += l.amount;
  EXPECT_EQ(sum.to_string(), t.total_paid.to_string());
}

TEST_F(GoldenYear, OnlyPayeeThreeHasABalanceOpenAtYearEnd) {
  ASSERT_TRUE(result_) << all_diags();
  // 10's draw balance (666.70) is repaid by Q3 and 6's carried 2,400.00 in
  // Q4; 3's -800.00 of Q4 stays open: reported, not paid or forgiven.
  ASSERT_EQ(result_->balances.size(), 1u);
  EXPECT_EQ(result_->balances[0].payee_id, "3");
  EXPECT_EQ(result_->balances[0].kind, "carried");
  // run.hpp: a "carried" balance is the negative total still owed.
  EXPECT_EQ(result_->balances[0].amount, dec("800.00"));  // owed by the payee
}

TEST_F(GoldenYear, MeasuresShowProratedQuotasAndTheHalfCentCredit) {
  ASSERT_TRUE(result_) << all_diags();
  auto value = [&](const char* payee, const char* when, const char* name, const char* scope) {
    for (const auto& m : result_->measures)
      if (m.payee_id == payee && icm::to_string(m.when) == when && m.name == name && m.scope == scope) return m.value;
    return std::string("(none)");
  };
  EXPECT_EQ(value("4", "2026-Q2", "quota", "period"), "61000.00");   // 61 of 91 days
  EXPECT_EQ(value("4", "2026-Q3", "quota", "ytd"), "152000.00");     // prorated Q2 + Q3
  EXPECT_EQ(value("4", "2026-Q1", "quota", "period"), "(none)");     // not evaluated
  EXPECT_EQ(value("5", "2026-Q3", "quota", "period"), "40000.00");   // 46 of 92 days
  EXPECT_EQ(value("5", "2026-Q4", "quota", "period"), "(none)");
  EXPECT_EQ(value("10", "2026-Q1", "credited", "period"), "11110.16");  // 11,000.00 + 110.16
  EXPECT_EQ(value("1", "2026-Q2", "credited", "period"), "340000.00");  // rollup from 2 and 3
  EXPECT_EQ(value("3", "2026-Q1", "attainment", "period"), "1.0000000000");
  EXPECT_EQ(value("2", "2026-Q3", "credited", "ytd"), "322500.00");
}

// The explanation of one payee and period, as "kind|component|step|amount"
// for the steps that carry an amount.
std::vector<std::string> step_lines(const icm::explanation& e) {
  std::vector<std::string> out;
  for (const auto& s : e.steps)
    if (s.amount)
      out.push_back(std::string(icm::to_string(s.kind)) + "|" + s.component + "|" + s.step + "|" +
                    s.amount->to_string());
  return out;
}

bool has_step(const std::vector<std::string>& steps, const std::string& prefix, const icm::decimal& amount) {
  for (const auto& s : steps) {
    if (s.rfind(prefix + "|", 0) != 0) continue;
    if (icm::decimal::parse_or_throw(s.substr(prefix.size() + 1)) == amount) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

std::vector<std::string> line_texts(const icm::explanation& e) {
  std::vector<std::string> out;
  for (const auto& l : e.lines) out.push_back(l.component + "|" + l.amount.to_string());
  return out;
}

TEST_F(GoldenYear, ExplainsTheDrawQuarter) {
  ASSERT_TRUE(plan_ && *plan_ && data_ && *data_) << all_diags();
  icm::diagnostics diags;
  auto e = icm::explain(**plan_, **data_, "10", *icm::parse_period("2026-Q1"), diags);
  ASSERT_TRUE(e);
  // Both EUR credits at the Q1 rate; 110.165 rounds half-even to 110.16.
  ASSERT_EQ(e->credits.size(), 2u);
  EXPECT_EQ(e->credits[0].txn_id, "T1001");
  EXPECT_EQ(e->credits[0].credit, dec("11000.00"));
  EXPECT_EQ(e->credits[1].txn_id, "T1002");
  EXPECT_EQ(e->credits[1].currency, "EUR");
  EXPECT_EQ(e->credits[1].rate, dec("1.10"));
  EXPECT_EQ(e->credits[1].credit, dec("110.16"));
  const auto steps = step_lines(*e);
  EXPECT_TRUE(has_step(steps, "part|commission|band 1", dec("222.2032"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "rounding|commission|rounding", dec("222.20"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "part|club|bonus", dec("0"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "year_to_date|ytd_kicker|year to date", dec("111.10"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "ledger|draw|ledger", dec("666.70"))) << joined(steps);
  EXPECT_EQ(line_texts(*e), (std::vector<std::string>{"commission|222.20", "club|0.00", "ytd_kicker|111.10",
                                                      "draw|666.70"}));
  EXPECT_EQ(e->total, dec("1000.00"));
}

TEST_F(GoldenYear, ExplainsTheCarriedBalanceQuarter) {
  ASSERT_TRUE(plan_ && *plan_ && data_ && *data_) << all_diags();
  icm::diagnostics diags;
  auto e = icm::explain(**plan_, **data_, "6", *icm::parse_period("2026-Q3"), diags);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->credits.size(), 1u);
  EXPECT_EQ(e->credits[0].txn_id, "T603");
  EXPECT_EQ(e->credits[0].credit, dec("-80000.00"));
  const auto steps = step_lines(*e);
  // The negative base is paid at the first band's rate: -80,000.00 x 2%.
  EXPECT_TRUE(has_step(steps, "part|commission|band 1", dec("-1600"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "year_to_date|ytd_kicker|year to date", dec("-800.00"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "ledger|carried_balance|ledger", dec("2400.00"))) << joined(steps);
  EXPECT_EQ(line_texts(*e), (std::vector<std::string>{"commission|-1600.00", "club|0.00", "ytd_kicker|-800.00",
                                                      "carried_balance|2400.00"}));
  EXPECT_EQ(e->total, dec("0.00"));
}

TEST_F(GoldenYear, ExplainsTheCumulativeTrueUpDown) {
  ASSERT_TRUE(plan_ && *plan_ && data_ && *data_) << all_diags();
  icm::diagnostics diags;
  auto e = icm::explain(**plan_, **data_, "2", *icm::parse_period("2026-Q3"), diags);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->credits.size(), 1u);
  EXPECT_EQ(e->credits[0].txn_id, "T205");
  EXPECT_EQ(e->credits[0].rate, dec("1.05"));
  EXPECT_EQ(e->credits[0].credit, dec("52500.00"));
  const auto steps = step_lines(*e);
  // Period commission: 50,000.00 x 2% + 2,500.00 x 8%.
  EXPECT_TRUE(has_step(steps, "part|commission|band 1", dec("1000"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "part|commission|band 2", dec("200"))) << joined(steps);
  // Year to date: base 322,500.00, bounds on the YTD quota 300,000.00.
  EXPECT_TRUE(has_step(steps, "input|ytd_kicker|base", dec("322500.00"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "part|ytd_kicker|band 1", dec("3000"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "part|ytd_kicker|band 2", dec("675"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "rounding|ytd_kicker|rounding", dec("3675.00"))) << joined(steps);
  EXPECT_TRUE(has_step(steps, "year_to_date|ytd_kicker|year to date", dec("-425.00"))) << joined(steps);
  EXPECT_EQ(line_texts(*e),
            (std::vector<std::string>{"commission|1200.00", "club|0.00", "ytd_kicker|-425.00"}));
  EXPECT_EQ(e->total, dec("775.00"));
}

}  // namespace
