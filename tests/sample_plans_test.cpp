// The sample plans in rules/ over their sample data: payouts checked by hand
// (the arithmetic is in the comments), and identical bytes on two runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "icm/icm.hpp"

namespace fs = std::filesystem;

namespace {

struct sample_run {
  std::optional<icm::run_result> result;
  std::map<std::string, std::string> lines;  // "payee period component" -> amount
  std::string diags;
  std::string line(const std::string& key) const {
    auto it = lines.find(key);
    return it == lines.end() ? "(none)" : it->second;
  }
};

sample_run run_sample(const std::string& plan_file, const std::string& data_dir) {
  sample_run r;
  icm::diagnostics diags;
  const std::string root = ICM_SOURCE_DIR;
  auto plan = icm::plan::load_file(root + "/rules/" + plan_file, diags);
  auto data = plan ? icm::read_dataset(root + "/rules/data/" + data_dir, diags) : std::nullopt;
  if (data) r.result = icm::run(*plan, *data, diags);
  for (const auto& d : diags) r.diags += d.headline() + "\n";
  if (r.result)
    for (const auto& l : r.result->payouts)
      r.lines[l.payee_id + " " + icm::to_string(l.when) + " " + l.component] = l.amount.to_string();
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(SamplePlans, AccountExecutive) {
  auto r = run_sample("ae.icm", "ae");
  ASSERT_TRUE(r.result) << r.diags;
  // AE1 Q1: new 40,000 + 30,000 + 50,000, renewal 20,000 x 50%: 130,000 of
  // 100,000 (130%): 100,000 x 8% + 25,000 x 12% + 5,000 x 16% = 11,800.
  EXPECT_EQ(r.line("AE1 2026-Q1 commission"), "11800.00");
  EXPECT_EQ(r.line("AE1 2026-Q1 quota_club"), "2500.00");  // 3 new logos, >= 100%
  EXPECT_EQ(r.line("AE1 2026-Q2 commission"), "6400.00");  // 80,000 x 8%
  // AE2 Q1: 60,000 + 30,000 x 50% = 75,000 of 120,000: 6,000; one new logo.
  EXPECT_EQ(r.line("AE2 2026-Q1 commission"), "6000.00");
  EXPECT_EQ(r.line("AE2 2026-Q1 quota_club"), "0.00");
  // AE2 Q2: 165,000 of 120,000: 9,600 + 30,000 x 12% + 15,000 x 16% = 15,600.
  EXPECT_EQ(r.line("AE2 2026-Q2 commission"), "15600.00");
  EXPECT_EQ(r.line("AE2 2026-Q2 quota_club"), "2500.00");
  // AE3 Q1: 90,000 + 20,000 - 10,000 = 100,000 of 80,000 (125%, on the
  // bound): 6,400 + 20,000 x 12% = 8,800; the credit note is not a new logo.
  EXPECT_EQ(r.line("AE3 2026-Q1 commission"), "8800.00");
  EXPECT_EQ(r.line("AE3 2026-Q1 quota_club"), "0.00");
  // AE3 Q3: a credit note alone: -5,000 floored at 0.
  EXPECT_EQ(r.line("AE3 2026-Q3 commission"), "0.00");
  EXPECT_EQ(r.result->totals.total_paid.to_string(), "53600.00");
}

TEST(SamplePlans, SalesDevelopmentCurve) {
  auto r = run_sample("sdr.icm", "sdr");
  ASSERT_TRUE(r.result) << r.diags;
  // Target 1,000.00 a month, quota 20 meetings; curve (0,0) (50,25) (100,100) (150,150).
  EXPECT_EQ(r.line("S1 2026-01 meetings_pay"), "250.00");   // 10 meetings: 50% -> 25%
  EXPECT_EQ(r.line("S1 2026-02 meetings_pay"), "1000.00");  // 20: 100%
  EXPECT_EQ(r.line("S1 2026-03 meetings_pay"), "1350.00");  // 27 (calls do not count): 135%
  EXPECT_EQ(r.line("S1 2026-04 meetings_pay"), "1500.00");  // 31: 155%, above the last point
  EXPECT_EQ(r.line("S1 2026-05 meetings_pay"), "0.00");     // none: the curve's first point is 0
  // S2 hired 2026-11-01: evaluated in Nov and Dec only; 12 of 15 = 80%:
  // 25% + (80% - 50%) x 75% / 50% = 70% of 1,200.00.
  EXPECT_EQ(r.line("S2 2026-11 meetings_pay"), "840.00");
  EXPECT_EQ(r.line("S2 2026-10 meetings_pay"), "(none)");
  EXPECT_EQ(r.result->totals.uncredited.at("no_credit_rule").count, 5u);  // the calls
}

TEST(SamplePlans, SalesEngineerTeamTiers) {
  auto r = run_sample("se.icm", "se");
  ASSERT_TRUE(r.result) << r.diags;
  // SE1's team (A1, A2) Q1: 200,000 lies on the bound: the 1% band.
  EXPECT_EQ(r.line("SE1 2026-Q1 team_commission"), "2000.00");
  EXPECT_EQ(r.line("SE1 2026-Q2 team_commission"), "6000.00");  // 400,000 x 1.5%
  // Q3: a 20,000 credit note: a negative base pays at the first band's rate,
  // -100.00, carried forward (no later credit repays it).
  EXPECT_EQ(r.line("SE1 2026-Q3 team_commission"), "-100.00");
  EXPECT_EQ(r.line("SE1 2026-Q3 carried_balance"), "100.00");
  // SE2's team (A3) Q1: 100,000 EUR x 1.08 = 108,000 x 0.5%.
  EXPECT_EQ(r.line("SE2 2026-Q1 team_commission"), "540.00");
  // The sellers' own credit is not a team credit.
  EXPECT_EQ(r.line("A1 2026-Q1 team_commission"), "0.00");
  ASSERT_EQ(r.result->balances.size(), 1u);
  EXPECT_EQ(r.result->balances[0].payee_id, "SE1");
  EXPECT_EQ(r.result->balances[0].amount.to_string(), "100.00");  // owed by SE1
}

TEST(SamplePlans, ReferencePlansOnTheEdgePayees) {
  // The edge payees of rules/data/reference/README.md, whose credited amounts
  // were computed independently of the engine.
  auto m = run_sample("reference-marginal.icm", "reference");
  auto s = run_sample("reference-step.icm", "reference");
  ASSERT_TRUE(m.result) << m.diags;
  ASSERT_TRUE(s.result) << s.diags;
  const std::tuple<const char*, const char*, const char*, const char*> cases[] = {
      // payee, marginal, step, bonus (Q1)
      {"E01", "5000.00", "12000.00", "5000.00"},  // exactly 100%: 50,000 x 2% + 50,000 x 8%
      {"E02", "5000.00", "8000.00", "0.00"},      // one cent below: 4,999.9992 / 7,999.9992
      {"E03", "800.00", "3200.00", "0.00"},       // exactly 50% of 80,000: 40,000 x 2% / x 8%
      {"E04", "6600.00", "13500.00", "5000.00"},  // exactly 150% of 60,000
      {"E05", "6000.00", "6000.00", "5000.00"},   // 8,600 / 15,600 capped at 3 x 2,000
      {"E06", "1704.00", "3204.00", "0.00"},      // 40,050 of 50,000 (80.1%)
      {"E07", "0.00", "0.00", "0.00"},            // no transactions
  };
  for (const auto& [payee, marginal, step, bonus] : cases) {
    const std::string k = std::string(payee) + " 2026-Q1 ";
    EXPECT_EQ(m.line(k + "commission"), marginal) << payee;
    EXPECT_EQ(s.line(k + "commission"), step) << payee;
    EXPECT_EQ(m.line(k + "club_bonus"), bonus) << payee;
    EXPECT_EQ(s.line(k + "club_bonus"), bonus) << payee;
  }
  // E06 Q2: 45,000 + 100.35 EUR x 1.10 = 110.385 -> 110.38 (half-even):
  // 25,000 x 2% + 20,110.38 x 8% = 2,108.8304.
  EXPECT_EQ(m.line("E06 2026-Q2 commission"), "2108.83");
  // Control totals reconcile: read = credited + uncredited + rejected.
  const auto& t = m.result->totals;
  std::uint64_t n = t.credited.count + t.rejected.count;
  for (const auto& [reason, u] : t.uncredited) n += u.count;
  EXPECT_EQ(n, t.read.count);
  for (const auto& [ccy, amount] : t.read.amount) {
    icm::decimal sum;
    auto add = [&](const icm::transaction_tally& x) {
      if (auto it = x.amount.find(ccy); it != x.amount.end()) sum += it->second;
    };
    add(t.credited);
    add(t.rejected);
    for (const auto& [reason, u] : t.uncredited) add(u);
    EXPECT_EQ(sum, amount) << ccy;
  }
  EXPECT_EQ(t.uncredited.at("outside_employment").count, 4u);  // A04 before 2026-02-15
  EXPECT_EQ(t.uncredited.at("outside_plan_year").count, 1u);   // T0001, 2025-12-30
}

TEST(SamplePlans, TwoRunsWriteIdenticalBytes) {
  const auto base = fs::temp_directory_path() / ("icm_sample_bytes_" + std::to_string(::getpid()));
  for (const char* plan : {"reference-marginal.icm", "reference-step.icm"}) {
    std::string first[3];
    for (int run = 0; run < 2; ++run) {
      auto r = run_sample(plan, "reference");
      ASSERT_TRUE(r.result) << r.diags;
      icm::diagnostics diags;
      const auto dir = base / std::to_string(run);
      ASSERT_TRUE(icm::write_outputs(*r.result, dir.string(), diags));
      const char* files[] = {"payouts.csv", "measures.csv", "control_totals.csv"};
      for (int f = 0; f < 3; ++f) {
        auto bytes = slurp(dir / files[f]);
        EXPECT_GT(bytes.size(), 40u) << files[f];
        if (run == 0) first[f] = bytes;
        else EXPECT_EQ(bytes, first[f]) << plan << " " << files[f];
      }
    }
  }
  fs::remove_all(base);
}

namespace {

// Control totals are written at each currency's minor unit (spec section 6:
// amounts carry exactly the minor unit's digits), more only when the data
// had more: JPY without decimals, USD and EUR with two, 1.005 USD kept whole.
TEST(SamplePlans, ControlTotalsAtEachCurrencysMinorUnit) {
  auto r = run_sample("reference-marginal.icm", "reference");
  ASSERT_TRUE(r.result) << r.diags;
  std::ostringstream csv;
  icm::write_control_totals_csv(*r.result, csv);
  // Sums of the reference transactions.csv by hand (awk over column 4 by
  // column 5): JPY 25,110,000, USD 2,632,050, EUR 124,100.35.
  EXPECT_NE(csv.str().find("read,,0,JPY,25110000\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("read,,0,USD,2632050.00\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("read,,182,EUR,124100.35\n"), std::string::npos) << csv.str();
  EXPECT_NE(icm::format_control_totals(r.result->totals).find(" 25110000 JPY "), std::string::npos);

  icm::run_result made;
  made.totals.currency = "USD";
  made.totals.read.count = 3;
  made.totals.read.amount["JPY"] = icm::decimal(150, 1);      // 15.0 JPY: exact at 0 digits
  made.totals.read.amount["KWD"] = icm::decimal(7);           // 7 KWD: three digits
  made.totals.read.amount["USD"] = icm::decimal(1005, 3);     // 1.005 USD: more than the minor unit
  made.totals.read.amount["XTS"] = icm::decimal(125, 1);      // a code without a known minor unit
  std::ostringstream out;
  icm::write_control_totals_csv(made, out);
  EXPECT_NE(out.str().find("read,,3,JPY,15\nread,,0,KWD,7.000\nread,,0,USD,1.005\nread,,0,XTS,12.5\n"),
            std::string::npos)
      << out.str();
}

}  // namespace
