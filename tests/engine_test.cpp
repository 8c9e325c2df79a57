// The worked examples of the spec (section 8), each through a plan in the
// language over a small data set written by the test, to the cent.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>  // getpid

#include "icm/data.hpp"
#include "icm/plan.hpp"
#include "icm/run.hpp"

namespace fs = std::filesystem;

namespace {

// A data set in a fresh temporary folder.
class data_dir {
 public:
  data_dir() {
    static int n = 0;
    dir_ = fs::temp_directory_path() /
           ("icm_engine_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~data_dir() { fs::remove_all(dir_); }
  data_dir& file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return *this;
  }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

struct outcome {
  icm::diagnostics diags;
  std::optional<icm::run_result> result;
  // payee|period|component -> amount text
  std::map<std::string, std::string> lines;
  std::string line(const std::string& payee, const std::string& when, const std::string& component) const {
    auto it = lines.find(payee + "|" + when + "|" + component);
    return it == lines.end() ? "(none)" : it->second;
  }
  std::string all_diags() const {
    std::string s;
    for (const auto& d : diags) s += d.headline() + "\n";
    return s;
  }
};

outcome run_plan(const std::string& plan_text, const data_dir& dir) {
  outcome o;
  auto plan = icm::plan::parse(plan_text, "test.icm", o.diags);
  if (!plan) return o;
  auto data = icm::read_dataset(dir.path(), o.diags);
  if (!data) return o;
  o.result = icm::run(*plan, *data, o.diags);
  if (o.result)
    for (const auto& l : o.result->payouts)
      o.lines[l.payee_id + "|" + icm::to_string(l.when) + "|" + l.component] = l.amount.to_string();
  return o;
}

const char* header(const char* extra = "") {
  static std::string h;
  h = std::string("plan \"Example\" {\n  currency USD\n  period quarter\n  year 2026\n  precision 10\n") +
      extra + "}\ncredit 100%\nmeasure credited = sum(credit)\nmeasure attainment = credited / quota\n";
  return h.c_str();
}

const char* bands =
    "    from 0%   to 50%  pay 2%\n"
    "    from 50%  to 100% pay 8%\n"
    "    from 100% to 150% pay 12%\n"
    "    from 150%         pay 15%\n";

// One payee per credited amount (dated in 2026-Q1), quota 100,000.00 in
// every quarter: a payee employed all year is evaluated in all four.
data_dir one_quarter(const std::vector<std::string>& credited, const std::string& target = "2000.00") {
  data_dir d;
  std::string payees = "payee_id,target_incentive\n", quotas = "payee_id,period,amount\n",
              txns = "txn_id,date,payee_id,amount\n";
  for (std::size_t i = 0; i < credited.size(); ++i) {
    auto id = std::to_string(i + 1);
    payees += id + "," + target + "\n";
    for (const char* q : {"Q1", "Q2", "Q3", "Q4"}) quotas += id + ",2026-" + q + ",100000.00\n";
    txns += "T" + id + ",2026-02-10," + id + "," + credited[i] + "\n";
  }
  d.file("payees.csv", payees).file("quotas.csv", quotas).file("transactions.csv", txns);
  return d;
}

// The plan run over the data set of `d` in memory and streamed, with each
// thread count; a failure is reported and leaves the list short.
std::vector<icm::run_result> both_paths(const std::string& plan_text, const data_dir& d,
                                        std::initializer_list<unsigned> threads = {1u}) {
  std::vector<icm::run_result> runs;
  icm::diagnostics diags;
  auto plan = icm::plan::parse(plan_text, "test.icm", diags);
  auto data = plan ? icm::read_dataset(d.path(), diags) : std::nullopt;
  for (unsigned t : threads)
    for (bool streamed : {false, true}) {
      auto r = !data ? std::nullopt
               : streamed ? icm::run_files(*plan, d.path(), diags, {t})
                          : icm::run(*plan, *data, diags, {t});
      if (r) runs.push_back(std::move(*r));
    }
  EXPECT_EQ(runs.size(), 2 * threads.size()) << icm::render(diags);
  return runs;
}

// "payee measure" -> value of every period measure of a run.
std::map<std::string, std::string> period_measures(const icm::run_result& r) {
  std::map<std::string, std::string> m;
  for (const auto& v : r.measures)
    if (v.scope == "period") m[v.payee_id + " " + v.name] = v.value;
  return m;
}

}  // namespace

TEST(SpecExamples, Example1MarginalTiers) {
  auto d = one_quarter({"130000.00"});
  auto o = run_plan(std::string(header()) + "component commission {\n  tiers marginal of credited by attainment {\n" +
                        bands + "  }\n}\n",
                    d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "commission"), "8600.00");
}

TEST(SpecExamples, Example2RetroactiveTiersUpperBandOnBound) {
  auto d = one_quarter({"130000.00", "100000.00", "99999.99"});
  auto o = run_plan(std::string(header()) +
                        "component commission {\n  tiers retroactive of credited by attainment {\n" + bands +
                        "  }\n}\n",
                    d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "commission"), "15600.00");
  EXPECT_EQ(o.line("2", "2026-Q1", "commission"), "12000.00");
  // 99,999.99 is below the 100% bound: 8% band, 7,999.9992 rounds to 8,000.00.
  EXPECT_EQ(o.line("3", "2026-Q1", "commission"), "8000.00");
}

TEST(SpecExamples, Example3BonusOnExactAttainment) {
  auto d = one_quarter({"99999.99", "100000.00"});
  auto o = run_plan(std::string(header()) + "component club {\n  bonus 5000.00 USD when attainment >= 100%\n}\n", d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "club"), "0.00");
  EXPECT_EQ(o.line("2", "2026-Q1", "club"), "5000.00");
}

TEST(SpecExamples, Example3HoldsAtAnyPrecision) {
  // 99,999,999.99 of 100,000,000.00 is below 100% even at precision 0.
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("quotas.csv", "payee_id,period,amount\n1,2026-Q1,100000000.00\n1,2026-Q2,1.00\n1,2026-Q3,1.00\n"
                          "1,2026-Q4,1.00\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-05,1,99999999.99\n");
  auto o = run_plan(
      "plan \"P\" { currency USD period quarter year 2026 precision 0 }\ncredit 100%\n"
      "measure attainment = sum(credit) / quota\ncomponent club { bonus 5000.00 USD when attainment >= 100% }\n",
      d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "club"), "0.00");
}

TEST(SpecExamples, Example4PayoutCurve) {
  auto d = one_quarter({"120000.00", "75000.00", "49990.00", "170000.00"}, "20000.00");
  auto o = run_plan(std::string(header()) +
                        "component curve_pay {\n  curve of target_incentive by attainment {\n"
                        "    50% -> 0%\n    100% -> 100%\n    150% -> 200%\n  }\n}\n",
                    d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "curve_pay"), "28000.00");
  EXPECT_EQ(o.line("2", "2026-Q1", "curve_pay"), "10000.00");
  EXPECT_EQ(o.line("3", "2026-Q1", "curve_pay"), "0.00");
  EXPECT_EQ(o.line("4", "2026-Q1", "curve_pay"), "40000.00");
}

TEST(SpecExamples, Example7CurrencyConversionRoundsOnce) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("fx.csv", "currency,period,rate\nEUR,2026-Q1,1.083457\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount,currency\nT1,2026-03-01,1,1234.56,EUR\n");
  auto o = run_plan(
      "plan \"P\" { currency USD period quarter year 2026 }\ncredit 100%\n"
      "component spiff { pay sum(credit) }\n",
      d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "spiff"), "1337.59");
}

TEST(SpecExamples, Example7HalfEvenAndHalfUpOnCredits) {
  // 50% of 4.69 is 2.345 and of 4.71 is 2.355: each credit rounds once.
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n2\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-05,1,4.69\nT2,2026-01-05,2,4.71\n");
  const std::string body = "credit 50%\ncomponent spiff { pay sum(credit) }\n";
  auto even = run_plan("plan \"P\" { currency USD period quarter year 2026 }\n" + body, d);
  ASSERT_TRUE(even.result) << even.all_diags();
  EXPECT_EQ(even.line("1", "2026-Q1", "spiff"), "2.34");
  EXPECT_EQ(even.line("2", "2026-Q1", "spiff"), "2.36");
  auto up = run_plan("plan \"P\" { currency USD period quarter year 2026 rounding half_up }\n" + body, d);
  ASSERT_TRUE(up.result) << up.all_diags();
  EXPECT_EQ(up.line("1", "2026-Q1", "spiff"), "2.35");
}

TEST(SpecExamples, Example8WeightRoundsHalfEven) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount,product\nT1,2026-01-05,1,100.01,hardware\n");
  auto o = run_plan(
      "plan \"P\" { currency USD period quarter year 2026 }\ncolumns product\n"
      "credit 50% where product == \"hardware\"\ncomponent spiff { pay sum(credit) }\n",
      d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "spiff"), "50.00");
}

TEST(SpecExamples, Example11CapOnTargetIncentive) {
  auto d = one_quarter({"130000.00"}, "2000.00");
  auto o = run_plan(std::string(header()) + "component commission {\n  tiers marginal of credited by attainment {\n" +
                        bands + "  }\n  cap 3 * target_incentive\n}\n",
                    d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "commission"), "6000.00");
}

TEST(SpecExamples, Example5YearToDateTrueUp) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("quotas.csv", "payee_id,period,amount\n1,2026-Q1,100000.00\n1,2026-Q2,100000.00\n"
                          "1,2026-Q3,100000.00\n1,2026-Q4,100000.00\n")
      .file("transactions.csv",
            "txn_id,date,payee_id,amount\nT1,2026-02-01,1,80000.00\nT2,2026-05-01,1,140000.00\n");
  auto o = run_plan(std::string(header()) +
                        "component commission cumulative {\n  tiers marginal of credited by attainment {\n" +
                        bands + "  }\n}\n",
                    d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026-Q1", "commission"), "3400.00");
  EXPECT_EQ(o.line("1", "2026-Q2", "commission"), "9000.00");
}

TEST(SpecExamples, Example6Draws) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("transactions.csv",
            "txn_id,date,payee_id,amount\nT1,2026-02-01,1,1000.00\nT2,2026-05-01,1,9000.00\n");
  const std::string body = "credit 100%\ncomponent commission { pay sum(credit) }\n";
  auto rec = run_plan("plan \"P\" { currency USD period quarter year 2026 draw recoverable 3000.00 USD until 2026-Q2 }\n" + body, d);
  ASSERT_TRUE(rec.result) << rec.all_diags();
  EXPECT_EQ(rec.line("1", "2026-Q1", "commission"), "1000.00");
  EXPECT_EQ(rec.line("1", "2026-Q1", "draw"), "2000.00");
  EXPECT_EQ(rec.line("1", "2026-Q2", "commission"), "9000.00");
  EXPECT_EQ(rec.line("1", "2026-Q2", "draw_recovery"), "-2000.00");
  auto gua = run_plan("plan \"P\" { currency USD period quarter year 2026 draw guarantee 3000.00 USD until 2026-Q2 }\n" + body, d);
  ASSERT_TRUE(gua.result) << gua.all_diags();
  EXPECT_EQ(gua.line("1", "2026-Q1", "draw"), "2000.00");
  EXPECT_EQ(gua.line("1", "2026-Q2", "draw_recovery"), "(none)");
}

TEST(SpecExamples, Example9SplitsAndRollup) {
  data_dir d;
  d.file("payees.csv", "payee_id,manager_id\nM,\nA,M\nB,M\n")
      .file("splits.csv", "txn_id,payee_id,share\nT1,A,0.6\nT1,B,0.4\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-02-01,A,100000.00\n");
  auto o = run_plan(
      "plan \"P\" { currency USD period quarter year 2026 rollup 1 }\ncredit 100%\n"
      "component credited { pay sum(credit) }\n",
      d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("A", "2026-Q1", "credited"), "60000.00");
  EXPECT_EQ(o.line("B", "2026-Q1", "credited"), "40000.00");
  EXPECT_EQ(o.line("M", "2026-Q1", "credited"), "100000.00");
}

TEST(SpecExamples, Example10ProratedQuota) {
  data_dir d;
  d.file("payees.csv", "payee_id,hire_date\n1,2026-02-15\n")
      .file("quotas.csv", "payee_id,period,amount\n1,2026-Q1,90000.00\n1,2026-Q2,90000.00\n"
                          "1,2026-Q3,90000.00\n1,2026-Q4,90000.00\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-03-01,1,45000.00\n");
  auto o = run_plan(
      "plan \"P\" { currency USD period quarter year 2026 prorate quotas }\ncredit 100%\n"
      "measure attainment = sum(credit) / quota\n"
      "component club { bonus 100.00 USD when attainment >= 100% }\n",
      d);
  ASSERT_TRUE(o.result) << o.all_diags();
  // 45 of 90 days: quota 45,000.00, so 45,000.00 credited is exactly 100%.
  EXPECT_EQ(o.line("1", "2026-Q1", "club"), "100.00");
  bool found = false;
  for (const auto& m : o.result->measures)
    if (m.payee_id == "1" && icm::to_string(m.when) == "2026-Q1" && m.name == "quota") {
      EXPECT_EQ(m.value, "45000.00");
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(Language, RoundToAStepWithAModeAndAnExplicitQuotaUnit) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("quotas.csv", "payee_id,period,metric,amount\n1,2026,deals,4\n")
      .file("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-05,1,101.00\nT2,2026-03-05,1,1.00\n");
  // 102.00 x 2.5% = 2.55: to a 0.10 step half-up 2.60, half-down 2.50.
  auto o = run_plan(
      "plan \"P\" { currency USD period year year 2026 }\ncredit 100%\n"
      "measure deal_attainment = count(credit) / quota(\"deals\", count)\n"
      "component up { pay round(sum(credit) * 2.5%, 0.10, half_up) }\n"
      "component down { pay round(sum(credit) * 2.5%, 0.10, half_down) }\n"
      "component half { bonus 7.00 USD when deal_attainment == 50% }\n",
      d);
  ASSERT_TRUE(o.result) << o.all_diags();
  EXPECT_EQ(o.line("1", "2026", "up"), "2.60");
  EXPECT_EQ(o.line("1", "2026", "down"), "2.50");
  EXPECT_EQ(o.line("1", "2026", "half"), "7.00");
}

// Credits are summed in int64 lanes per payee and period (crediting.hpp); a
// sum beyond int64 spills into a wide value and stays exact, in memory and
// streamed with several threads alike.
// Amounts in whole units (the column's scale is 0, below the cent) with
// weights and rates of few digits: credits at the cent, each rounded once.
TEST(Engine, WholeUnitAmountsAreCreditedToTheCent) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n")
      .file("fx.csv", "currency,period,rate\nEUR,2026,1.5\n")
      .file("transactions.csv",
            "txn_id,date,payee_id,amount,currency,product\n"
            "T1,2026-01-05,1,1001,USD,hw\nT2,2026-01-06,1,3,USD,sw\nT3,2026-01-07,1,-7,USD,hw\n"
            "T4,2026-01-08,1,5,EUR,sw\nT5,2026-01-09,1,9,EUR,hw\n");
  const std::string plan_text =
      "plan \"P\" { currency USD period year year 2026 rounding half_up }\ncolumns product\n"
      "credit 0.5 where product == \"hw\"\ncredit 1\n"
      "measure credited = sum(credit)\nmeasure smallest = min(credit)\nmeasure biggest = max(credit)\n"
      "component c { pay credited * 1% }\n";
  for (const auto& r : both_paths(plan_text, d)) {
    auto m = period_measures(r);
    // 500.50 + 3.00 - 3.50 + 7.50 (5 x 1.5) + 6.75 (9 x 0.5 x 1.5)
    EXPECT_EQ(m["1 credited"], "514.25");
    EXPECT_EQ(m["1 smallest"], "-3.50");
    EXPECT_EQ(m["1 biggest"], "500.50");
    EXPECT_EQ(r.totals.read.amount.at("USD"), icm::decimal::parse_or_throw("997"));
    EXPECT_EQ(r.totals.read.amount.at("EUR"), icm::decimal::parse_or_throw("14"));
  }
}

TEST(Engine, SumsBeyondInt64StayExact) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n2\n")
      .file("transactions.csv",
            "txn_id,date,payee_id,amount\n"
            "T1,2026-01-05,1,40000000000000000.00\nT2,2026-01-06,1,40000000000000000.00\n"
            "T3,2026-01-07,1,40000000000000000.01\nT4,2026-01-08,2,-0.01\nT5,2026-01-09,2,5.00\n");
  const std::string plan_text =
      "plan \"P\" { currency USD period year year 2026 }\ncredit 100%\n"
      "measure credited = sum(credit)\nmeasure deals = count(credit)\n"
      "measure biggest = max(credit)\nmeasure smallest = min(credit)\n"
      "component c { pay credited * 1% }\n";
  for (const auto& r : both_paths(plan_text, d, {1u, 2u})) {
    auto m = period_measures(r);
    // 3 x 4e18 minor units: past INT64_MAX (9.2e18).
    EXPECT_EQ(m["1 credited"], "120000000000000000.01");
    EXPECT_EQ(m["1 deals"], "3");
    EXPECT_EQ(m["1 biggest"], "40000000000000000.01");
    EXPECT_EQ(m["1 smallest"], "40000000000000000.00");
    EXPECT_EQ(m["2 credited"], "4.99");
    EXPECT_EQ(m["2 smallest"], "-0.01");
    std::string paid;
    for (const auto& l : r.payouts)
      if (l.payee_id == "1" && l.component == "c") paid = l.amount.to_string();
    EXPECT_EQ(paid, "1200000000000000.00");
    // Control totals add the same amounts (past 2^32 minor units, and
    // negative) exactly.
    EXPECT_EQ(r.totals.read.count, 5u);
    EXPECT_EQ(r.totals.read.amount.at("USD"), icm::decimal::parse_or_throw("120000000000000005.00"));
    EXPECT_EQ(r.totals.credited.amount.at("USD"), icm::decimal::parse_or_throw("120000000000000005.00"));
  }
}

// payouts.csv lists payees numerically when every id is an integer (leading
// zeros and signs allowed; equal numbers by their bytes), else in byte order.
// A plan of one sum adds each credit to its cell directly: credits that
// take a cell past int64 (each one well inside it) spill it exactly, and
// are counted once.
TEST(Engine, OneSumCellsPastInt64StayExact) {
  data_dir d;
  std::string tx = "txn_id,date,payee_id,amount,product\n";
  // Each product (amount x weight 100%) fits the kernel's fast path.
  for (int i = 1; i <= 500; ++i) tx += fmt::format("T{},2026-02-{:02},1,200000000000000.00,saas\n", i, 1 + i % 28);
  tx += "U1,2026-03-01,2,-0.01,saas\nU2,2026-03-02,2,7.00,saas\nU3,2026-03-03,2,9.00,support\n";
  d.file("payees.csv", "payee_id\n1\n2\n").file("transactions.csv", tx);
  const std::string plan_text =
      "plan \"P\" { currency USD period year year 2026 }\ncolumns product\n"
      "credit 100% where product == \"saas\"\nmeasure credited = sum(credit)\n"
      "component c { pay credited * 1% }\n";
  for (const auto& r : both_paths(plan_text, d, {1u, 2u})) {
    auto m = period_measures(r);
    // 500 x 2e16 minor units: past INT64_MAX (9.2e18).
    EXPECT_EQ(m["1 credited"], "100000000000000000.00");
    EXPECT_EQ(m["2 credited"], "6.99");
    EXPECT_EQ(r.totals.credits, 502u);
    EXPECT_EQ(r.totals.credited.count, 502u);
    EXPECT_EQ(r.totals.read.amount.at("USD"), icm::decimal::parse_or_throw("100000000000000015.99"));
  }
}

// Spec section 10: a text condition compares numerically when both sides
// are decimals, as dates when both are ISO dates, else as texts. The engine
// compares texts alone (no parsing) for ==, !=, in and not in when no
// constant is a number or a date: "SAAS" and "SaaS" differ, "1.0" == "1".
TEST(Engine, TextConditionsCompareNumbersDatesAndTextsAsSection10Says) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n2\n3\n4\n5\n6\n7\n")
      .file("transactions.csv",
            "txn_id,date,payee_id,amount,product\n"
            "T1,2026-01-05,1,100.00,1.0\nT2,2026-01-05,2,100.00,1\nT3,2026-01-05,3,100.00,saas\n"
            "T4,2026-01-05,4,100.00,2026-01-05\nT5,2026-01-05,5,100.00,SaaS\nT6,2026-01-05,6,100.00,x\n"
            "T7,2026-01-05,7,100.00,SAAS\n");
  const std::string plan_text =
      "plan \"P\" { currency USD period year year 2026 }\ncolumns product\n"
      "credit 100% where product == \"1\"\n"
      "credit 50% where product in (\"saas\", \"2026-01-05\")\n"
      "credit 20% where product == \"x\"\n"
      "credit 10% where product != \"SAAS\"\n"
      "measure credited = sum(credit)\ncomponent c { pay credited * 1% }\n";
  for (const auto& r : both_paths(plan_text, d, {1u, 2u})) {
    auto m = period_measures(r);
    EXPECT_EQ(m["1 credited"], "100.00");  // 1.0 == 1, numerically
    EXPECT_EQ(m["2 credited"], "100.00");
    EXPECT_EQ(m["3 credited"], "50.00");
    EXPECT_EQ(m["4 credited"], "50.00");   // the same day
    EXPECT_EQ(m["5 credited"], "10.00");   // SaaS is not saas, nor SAAS
    EXPECT_EQ(m["6 credited"], "20.00");
    EXPECT_EQ(m["7 credited"], "0.00");    // no rule: not credited
  }
}

// The kernel rounds a credit whose product fits below 2^61 by a multiply
// and a shift; past that, exactly by the general path. Credits of 50% (0.50:
// amount x 50 over 100) at that edge, ties to the even cent of both signs,
// come out as the spec says on both sides of it.
TEST(Engine, CreditsAtTheEdgeOfTheFastPathRoundAsTheSpecSays) {
  data_dir d;
  d.file("payees.csv", "payee_id\n1\n2\n3\n4\n5\n")
      .file("transactions.csv",
            "txn_id,date,payee_id,amount\n"
            "T1,2026-01-05,1,461168601842738.79\nT2,2026-01-05,2,-461168601842738.79\n"
            "T3,2026-01-05,3,461168601842738.77\nT4,2026-01-05,4,461168601842738.78\n"
            "T5,2026-01-05,5,461168601842738.81\n");
  const std::string plan_text =
      "plan \"P\" { currency USD period year year 2026 rounding half_even }\ncredit 50%\n"
      "measure credited = sum(credit)\ncomponent c { pay credited * 0% }\n";
  for (const auto& r : both_paths(plan_text, d, {1u, 2u})) {
    auto m = period_measures(r);
    EXPECT_EQ(m["1 credited"], "230584300921369.40");  // .395: the even cent; the last fast product
    EXPECT_EQ(m["2 credited"], "-230584300921369.40");
    EXPECT_EQ(m["3 credited"], "230584300921369.38");  // .385
    EXPECT_EQ(m["4 credited"], "230584300921369.39");
    EXPECT_EQ(m["5 credited"], "230584300921369.40");  // .405, past the fast path
  }
}

TEST(Engine, PayeesAreOrderedNumericallyWhenEveryIdIsAnInteger) {
  const std::string plan_text =
      "plan \"P\" { currency USD period year year 2026 }\ncredit 100%\nmeasure credited = sum(credit)\n"
      "component c { pay credited * 1% }\n";
  auto order_of = [&](const std::vector<std::string>& ids) {
    data_dir d;
    std::string payees = "payee_id\n", txns = "txn_id,date,payee_id,amount\n";
    int n = 0;
    for (const auto& id : ids) {
      payees += id + "\n";
      txns += fmt::format("T{},2026-02-10,{},100.00\n", ++n, id);
    }
    d.file("payees.csv", payees).file("transactions.csv", txns);
    std::vector<std::vector<std::string>> orders;
    for (const auto& r : both_paths(plan_text, d, {1u, 2u})) {
      std::vector<std::string> order;
      for (const auto& l : r.payouts) order.push_back(l.payee_id);
      orders.push_back(order);
    }
    return orders;
  };
  for (const auto& order : order_of({"10", "9", "-3", "007", "7", "100", "0"}))
    EXPECT_EQ(order, (std::vector<std::string>{"-3", "0", "007", "7", "9", "10", "100"}));
  for (const auto& order : order_of({"b", "a10", "10", "a9", "9"}))
    EXPECT_EQ(order, (std::vector<std::string>{"10", "9", "a10", "a9", "b"}));
}
