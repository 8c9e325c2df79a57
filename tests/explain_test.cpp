// Explanations add up: for every payee and period of a plan that uses every
// component type, modifier and ledger line, the explained parts, modifiers
// and roundings reproduce each payout line, and the lines the total.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "icm/icm.hpp"

namespace {

const char* all_components_plan = R"(
plan "All components" {
  currency USD
  period quarter
  year 2026
  precision 10
  cap 20000.00 USD
  draw recoverable 1000.00 USD until 2026-Q2
}
columns product
credit 100% where product in ("saas", "services")
credit 50% where product == "hardware"

measure credited = sum(credit)
measure attainment = credited / quota
measure deals = count(credit where credit > 0)

component flat {
  pay credited * 1%
  multiplier 1.5 when attainment >= 50%
  cap 900.00 USD
}
component marginal {
  tiers marginal of credited by attainment {
    from 0% to 50% pay 2%
    from 50% to 100% pay 8%
    from 100% to 150% pay 12%
    from 150% pay 15%
  }
  floor 0
  cap 3 * target_incentive
}
component step {
  tiers retroactive of credited by attainment {
    from 0% to 100% pay 1%
    from 100% pay 250.00 USD
  }
}
component curve_pay {
  curve of target_incentive by attainment {
    50% -> 0%
    100% -> 10%
    150% -> 20%
  }
  gate when deals >= 4
}
component club {
  bonus 500.00 USD when attainment >= 100%
}
component ytd cumulative {
  tiers marginal of credited by attainment {
    from 0% to 100% pay 1%
    from 100% pay 2%
  }
}
)";

std::string data_dir() { return std::string(ICM_SOURCE_DIR) + "/rules/data/reference"; }

// Checks one explanation against its own lines.
void expect_adds_up(const icm::explanation& e, int digits) {
  const std::string where = e.payee_id + " " + icm::to_string(e.when);
  std::map<std::string, icm::decimal> line_of;
  icm::decimal total;
  for (const auto& l : e.lines) {
    line_of[l.component] = l.amount;
    total += l.amount;
  }
  EXPECT_EQ(total, e.total) << where;

  std::map<std::string, icm::decimal> parts, running, rounded;
  std::map<std::string, bool> has_parts;
  for (const auto& s : e.steps) {
    if (s.component.empty() || !s.amount) continue;
    const auto& c = s.component;
    switch (s.kind) {
      case icm::step_kind::part:
        parts[c] += *s.amount;
        has_parts[c] = true;
        running[c] = parts[c];
        break;
      case icm::step_kind::modifier: running[c] = *s.amount; break;
      case icm::step_kind::rounding:
        EXPECT_EQ(*s.amount, running[c].round(digits)) << where << " " << c << ": rounding of the running amount";
        rounded[c] = *s.amount;
        break;
      case icm::step_kind::year_to_date:
        EXPECT_EQ(*s.amount, line_of[c]) << where << " " << c << ": year-to-date line";
        rounded.erase(c);  // the line is the YTD difference, checked here
        break;
      case icm::step_kind::ledger:
        ASSERT_TRUE(line_of.count(c)) << where << " ledger line " << c;
        EXPECT_EQ(*s.amount, line_of[c]) << where << " " << c;
        break;
      case icm::step_kind::input: break;
    }
  }
  // Every non-cumulative component line equals its explained rounding.
  for (const auto& [c, r] : rounded) EXPECT_EQ(r, line_of[c]) << where << " " << c;
  for (const char* c : {"flat", "marginal", "step", "curve_pay", "club", "ytd"}) {
    EXPECT_TRUE(line_of.count(c)) << where << " has no line " << c;
  }
}

}  // namespace

TEST(Explain, PartsAddUpToEveryPayoutForEveryComponentType) {
  icm::diagnostics diags;
  auto plan = icm::plan::parse(all_components_plan, "all.icm", diags);
  ASSERT_TRUE(plan) << icm::render(diags, all_components_plan);
  auto data = icm::read_dataset(data_dir(), diags);
  ASSERT_TRUE(data);
  auto result = icm::run(*plan, *data, diags);
  ASSERT_TRUE(result);

  std::set<std::string> kinds_seen, ledger_seen;
  int explained = 0;
  for (const auto& id : data->payees.ids) {
    for (int q = 1; q <= 4; ++q) {
      auto when = *icm::parse_period("2026-Q" + std::to_string(q));
      auto e = icm::explain(*plan, *data, id, when, diags);
      ASSERT_TRUE(e) << id << " " << q;
      expect_adds_up(*e, 2);
      // The explanation's lines are exactly the run's lines.
      std::vector<std::string> from_run, from_explain;
      for (const auto& l : result->payouts)
        if (l.payee_id == id && l.when == when) from_run.push_back(l.component + "=" + l.amount.to_string());
      for (const auto& l : e->lines) from_explain.push_back(l.component + "=" + l.amount.to_string());
      EXPECT_EQ(from_run, from_explain) << id << " Q" << q;
      for (const auto& s : e->steps) {
        kinds_seen.insert(std::string(icm::to_string(s.kind)) + ":" + s.step);
        if (s.kind == icm::step_kind::ledger) ledger_seen.insert(s.component);
      }
      ++explained;
    }
  }
  EXPECT_EQ(explained, 13 * 4);
  // The data reaches every kind of step at least once.
  for (const char* k : {"part:pay", "part:bonus", "part:curve", "part:band 1", "part:band 2", "part:band 3",
                        "modifier:multiplier", "modifier:cap", "modifier:gate", "rounding:rounding",
                        "year_to_date:year to date"})
    EXPECT_TRUE(kinds_seen.count(k)) << "no step " << k;
  EXPECT_TRUE(ledger_seen.count("draw")) << "no draw line";
  EXPECT_TRUE(ledger_seen.count("draw_recovery") || ledger_seen.count("plan_cap")) << "no recovery or cap";
}

TEST(Explain, TextAndJsonNameTheCreditsAndBands) {
  icm::diagnostics diags;
  auto plan = icm::plan::load_file(std::string(ICM_SOURCE_DIR) + "/rules/reference-marginal.icm", diags);
  ASSERT_TRUE(plan);
  auto data = icm::read_dataset(data_dir(), diags);
  ASSERT_TRUE(data);
  // E06 in 2026-Q2: 45,000.00 USD + 100.35 EUR x 1.10 = 110.385 -> 110.38.
  auto e = icm::explain(*plan, *data, "E06", *icm::parse_period("2026-Q2"), diags);
  ASSERT_TRUE(e) << diags.items().front().headline();
  auto text = icm::render_explanation(*e);
  EXPECT_NE(text.find("100.35 EUR x share 1 x weight 1.00 x rate 1.10 = 110.38"), std::string::npos) << text;
  EXPECT_NE(text.find("band 2: portion 20110.3800"), std::string::npos) << text;
  EXPECT_NE(text.find("commission                          2108.83 USD"), std::string::npos) << text;
  auto json = icm::render_explanation_json(*e);
  EXPECT_NE(json.find("\"credit\": \"110.38\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\": \"part\""), std::string::npos);
  EXPECT_NE(json.find("\"total\": \"2108.83\""), std::string::npos);
}

TEST(Explain, UnknownPayeeAndWrongPeriodAreErrors) {
  icm::diagnostics diags;
  auto plan = icm::plan::load_file(std::string(ICM_SOURCE_DIR) + "/rules/reference-marginal.icm", diags);
  ASSERT_TRUE(plan);
  auto data = icm::read_dataset(data_dir(), diags);
  ASSERT_TRUE(data);
  EXPECT_FALSE(icm::explain(*plan, *data, "NOPE", *icm::parse_period("2026-Q2"), diags));
  EXPECT_NE(diags.items().back().message.find("no payee 'NOPE'"), std::string::npos);
  EXPECT_FALSE(icm::explain(*plan, *data, "E06", *icm::parse_period("2026-05"), diags));
  EXPECT_NE(diags.items().back().message.find("not a period of the plan"), std::string::npos);
}
