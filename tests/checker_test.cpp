// One test per checker (and compiler) error: the message and its place.
#include <gtest/gtest.h>

#include "icm/plan.hpp"

namespace {

const std::string head =
    "plan \"T\" {\n"                      // line 1
    "  currency USD\n"                    // line 2
    "  period quarter\n"                  // line 3
    "  year 2026\n"                       // line 4
    "}\n"                                 // line 5
    "columns product, region\n";          // line 6

// The plan's diagnostics as "line:column: message" lines.
std::vector<std::string> errors_of(const std::string& body) {
  icm::diagnostics diags;
  auto plan = icm::plan::parse(head + body, "t.icm", diags);
  std::vector<std::string> out;
  for (const auto& d : diags)
    out.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message);
  if (plan) EXPECT_TRUE(out.empty());
  else EXPECT_FALSE(out.empty());
  return out;
}

const std::string ok_tail =
    "measure credited = sum(credit)\n"
    "measure attainment = credited / quota\n"
    "component commission { pay credited * 2% }\n";

}  // namespace

TEST(Checker, ValidPlanHasNoDiagnostics) {
  EXPECT_TRUE(errors_of("credit 100%\n" + ok_tail).empty());
}

TEST(Checker, UnknownColumnSuggestsTheClosest) {
  auto e = errors_of("credit 100% where prodcut in (\"saas\", \"services\")\n" + ok_tail);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "7:19: unknown column 'prodcut' (did you mean 'product'?)");
}

TEST(Checker, UndeclaredColumnSaysHowToDeclareIt) {
  auto e = errors_of("credit 100% where deal_type == \"new\"\n" + ok_tail);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "7:19: unknown column 'deal_type' (declare it with: columns deal_type)");
}

TEST(Checker, UnknownNameInMeasure) {
  auto e = errors_of("credit 100%\nmeasure credited = sum(credit)\nmeasure att = creditd / quota\n"
                     "component c { pay credited * 2% }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "9:15: unknown name 'creditd' (did you mean 'credited'?)");
}

TEST(Checker, UnknownFunction) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component r { pay rund(credited, 0.01) }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:19: unknown function 'rund' (did you mean 'round'?)");
}

TEST(Checker, MoneyPlusPercentageIsATypeError) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component t { pay credited + 5% }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:28: cannot add money and ratio (e.g. money and a percentage)");
}

TEST(Checker, MoneyTimesMoneyIsATypeError) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component t { pay credited * quota }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:28: cannot multiply money by money");
}

TEST(Checker, ComparingAttainmentWithTextIsATypeError) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component b { bonus 100.00 USD when attainment >= \"high\" }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:48: cannot compare ratio with text");
}

TEST(Checker, BonusNeedsACondition) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component b { bonus 100.00 USD when credited }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:37: a bonus's 'when' needs a condition (a comparison), not money");
}

TEST(Checker, PayMustBeMoney) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component p { pay attainment }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:19: 'pay' must be an amount of money, not ratio");
}

TEST(Checker, MoneyInAnotherCurrency) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component b { bonus 100.00 EUR when attainment >= 1 }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:21: money in EUR in a plan paid in USD: amounts in a plan are in the plan currency");
}

const std::string tiers_head = "credit 100%\n" + ok_tail + "component k {\n  tiers retroactive of credited by attainment {\n";

TEST(Checker, TierGap) {
  auto e = errors_of(tiers_head + "    from 0% to 50% pay 2%\n    from 60% pay 8%\n  }\n}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "14:10: gap between bands: 0.50 to 0.60 is in no band");
}

TEST(Checker, TierOverlap) {
  auto e = errors_of(tiers_head + "    from 0% to 50% pay 2%\n    from 40% pay 8%\n  }\n}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "14:10: overlapping bands: this band starts at 0.40 but the previous one runs to 0.50");
}

TEST(Checker, TierDescendingBound) {
  auto e = errors_of(tiers_head + "    from 50% to 20% pay 2%\n    from 20% pay 8%\n  }\n}\n");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0], "13:17: descending band: upper bound 0.20 is not above lower bound 0.50");
}

TEST(Checker, LastBandMustBeOpenEnded) {
  auto e = errors_of(tiers_head + "    from 0% to 50% pay 2%\n    from 50% to 100% pay 8%\n  }\n}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "14:17: the last band must be open-ended (no 'to')");
}

TEST(Checker, BandBoundMustMatchTheDriver) {
  auto e = errors_of(tiers_head + "    from 0 to 5000.00 USD pay 2%\n    from 5000.00 USD pay 8%\n  }\n}\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0], "13:15: the driver is an attainment: write the upper bound as a percentage, not money");
}

TEST(Checker, MarginalBaseMustBeTheAttainmentNumerator) {
  auto e = errors_of("credit 100%\n" + ok_tail +
                     "measure other = sum(credit where product == \"saas\")\n"
                     "component k {\n  tiers marginal of other by attainment {\n"
                     "    from 0% pay 2%\n  }\n}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].substr(0, 72), "13:30: a marginal tier table on an attainment needs that attainment's nu");
}

TEST(Checker, CurvePointsMustAscend) {
  auto e = errors_of("credit 100%\n" + ok_tail +
                     "component c {\n  curve of target_incentive by attainment {\n"
                     "    50% -> 0%\n    100% -> 100%\n    90% -> 150%\n  }\n}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "15:5: curve points must have strictly ascending x: 0.90 follows 1.00");
}

TEST(Checker, MeasureDefinedInTermsOfItself) {
  auto e = errors_of("credit 100%\nmeasure a = b + sum(credit)\nmeasure b = a\ncomponent c { pay a }\n");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0], "9:13: measure 'a' is defined in terms of itself");
}

TEST(Checker, MeasureDefinedTwice) {
  auto e = errors_of("credit 100%\n" + ok_tail + "measure credited = sum(credit)\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "11:9: measure 'credited' is defined twice");
}

TEST(Checker, CreditWeightMustBeAConstantPercentage) {
  auto e = errors_of("credit target_incentive\n" + ok_tail);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "7:8: a credit weight must be a constant percentage such as 100% or 50%");
}

TEST(Checker, PayeeValueInACreditRule) {
  auto e = errors_of("credit 100% where target_incentive > 5\n" + ok_tail);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "7:19: 'target_incentive' is a per-payee value; a credit rule looks at one transaction's columns");
}

TEST(Checker, AggregateInACreditRule) {
  auto e = errors_of("credit 100% where sum(credit) > 5\n" + ok_tail);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "7:19: sum() adds up credits per payee; it cannot appear inside a credit rule");
}

TEST(Checker, ColumnOutsideACreditRule) {
  auto e = errors_of("credit 100%\n" + ok_tail + "component x { bonus 1.00 USD when product == \"saas\" }\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].substr(0, 50), "11:35: 'product' belongs to one transaction; use i");
}

TEST(Checker, UnknownCurrencyAndMissingHeaderItems) {
  icm::diagnostics diags;
  auto plan = icm::plan::parse("plan \"T\" {\n  currency XYZ\n}\ncredit 100%\ncomponent c { pay 1 }\n", "t.icm", diags);
  ASSERT_FALSE(plan);
  std::vector<std::string> msgs;
  for (const auto& d : diags) msgs.push_back(std::to_string(d.where.line) + ":" + d.message);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0], "2:unknown currency 'XYZ' (expected an ISO 4217 code such as USD, EUR, JPY)");
  EXPECT_EQ(msgs[1], "1:the plan header needs 'period' (month, quarter or year)");
  EXPECT_EQ(msgs[2], "1:the plan header needs 'year' (e.g. year 2026)");
}

TEST(Checker, RowConditionComparingTwoColumnsIsRefusedByTheCompiler) {
  auto e = errors_of("credit 100% where product == region\n" + ok_tail);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].substr(0, 58), "7:19: a row condition compares one column with constants (");
}

TEST(Checker, EveryErrorOfAPlanInOneRun) {
  auto e = errors_of("credit 100% where prodcut == \"x\"\n"
                     "measure credited = sum(credit)\n"
                     "component a { pay credited + 5% }\n"
                     "component b { pay credited * quotaa }\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].substr(0, 5), "7:19:");
  EXPECT_EQ(e[1].substr(0, 5), "9:28:");
  EXPECT_EQ(e[2].substr(0, 6), "10:30:");
}
