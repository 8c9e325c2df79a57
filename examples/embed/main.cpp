// examples/embed: icm inside a host application.
//
// A host (a CRM, a payroll system) keeps its sellers and deals in its own
// structures. This program loads a comp plan from a string, shows what a
// plan error looks like, feeds its own records to icm through
// icm::dataset_builder, runs the plan, prints every payout line and the
// explanation of one, and exits non-zero when anything fails or a figure is
// not the one worked out by hand below.
//
// Figures checked by hand (plan below; quarterly quota 100,000.00 for ana,
// 80,000.00 for ben; commission 5% up to 100% of quota, 10% above):
//   ana 2026-Q1: saas 90,000.00 + hardware 40,000.00 at 50% = 110,000.00
//                credited, 110%: 100,000 x 5% + 10,000 x 10% = 6,000.00;
//                bonus 0.00 (below 120%).
//   ana 2026-Q2: saas 70,000.00 + saas 50,000.00 EUR x 1.10 = 55,000.00,
//                125,000.00 credited, 125%: 5,000 + 25,000 x 10% = 7,500.00;
//                bonus 2,500.00 (125% >= 120%).
//   ben 2026-Q1: saas 60,000.00 (the support deal earns nothing), 75%:
//                60,000 x 5% = 3,000.00; bonus 0.00.
//   Every other quarter 0.00. Total paid 19,000.00.
#include <cstdint>   // cents
#include <cstdio>    // std::fflush
#include <iostream>  // diagnostics and the explanation
#include <string>
#include <vector>

#include <icm/icm.hpp>

namespace {

// The plan an analyst maintains; a host would read it from its database.
constexpr const char* ae_plan = R"(plan "AE 2026" {
  currency USD
  period quarter
  year 2026
}

columns product

credit 100% where product == "saas"
credit 50% where product == "hardware"

measure bookings = sum(credit)
measure attainment = bookings / quota

component commission {
  tiers marginal of bookings by attainment {
    from 0%   to 100% pay 5%
    from 100%         pay 10%
  }
}

component accelerator_bonus {
  bonus 2500.00 USD when attainment >= 120%
}
)";

// The host's own records: amounts in cents, as many systems keep them.
struct my_seller {
  std::string id;
  std::string name;
  std::int64_t quarterly_quota_cents;
  std::int64_t target_cents;
};

struct my_deal {
  std::string id;
  std::string seller;
  std::string closed_on;  // ISO date
  std::int64_t cents;
  std::string currency;
  std::string product;
};

icm::decimal from_cents(std::int64_t cents) { return icm::decimal(cents, 2); }

// A plan with a typo: the diagnostics come back as values; render() gives
// the Clang-style text with the line and a caret.
void show_a_bad_plan() {
  std::string bad = ae_plan;
  bad.replace(bad.find("product == \"saas\""), 7, "prodcut");
  icm::diagnostics diags;
  if (auto plan = icm::plan::parse(bad, "ae-2026.icm", diags); !plan)
    std::cout << "A plan with a typo is refused:\n" << icm::render(diags, bad) << '\n';
}

}  // namespace

int main() {
  show_a_bad_plan();

  icm::diagnostics diags;
  auto plan = icm::plan::parse(ae_plan, "ae-2026.icm", diags);
  if (!plan) {
    std::cerr << icm::render(diags, ae_plan);
    return 1;
  }

  const std::vector<my_seller> sellers = {
      {"ana", "Ana Silva", 10'000'000, 2'000'000},
      {"ben", "Ben Okafor", 8'000'000, 1'500'000},
  };
  const std::vector<my_deal> deals = {
      {"D-1001", "ana", "2026-01-20", 9'000'000, "", "saas"},
      {"D-1002", "ana", "2026-02-14", 4'000'000, "", "hardware"},
      {"D-1003", "ben", "2026-03-03", 6'000'000, "", "saas"},
      {"D-1004", "ben", "2026-03-09", 500'000, "", "support"},
      {"D-1005", "ana", "2026-04-22", 7'000'000, "USD", "saas"},
      {"D-1006", "ana", "2026-05-30", 5'000'000, "EUR", "saas"},
  };

  icm::dataset_builder data;
  data.payee_attributes({"name", "target_incentive"});
  data.transaction_attributes({"product"});
  for (const auto& s : sellers) {
    data.add_payee({.id = s.id, .attributes = {s.name, from_cents(s.target_cents).to_string()}});
    for (int q = 1; q <= 4; ++q)
      data.add_quota({.payee_id = s.id,
                      .period = "2026-Q" + std::to_string(q),
                      .amount = from_cents(s.quarterly_quota_cents)});
  }
  for (const auto& d : deals)
    data.add_transaction({.txn_id = d.id,
                          .date = d.closed_on,
                          .payee_id = d.seller,
                          .amount = from_cents(d.cents),
                          .currency = d.currency,
                          .attributes = {d.product}});
  data.add_fx({.currency = "EUR", .period = "2026-Q2", .rate = icm::decimal(110, 2)});

  auto dataset = data.build(diags);
  auto result = dataset ? icm::run(*plan, *dataset, diags) : std::nullopt;
  if (!result) {
    std::cerr << icm::render(diags);
    return 1;
  }

  // A decimal formats with fmt like a string (alignment specs included).
  fmt::print("Payouts:\n");
  for (const auto& line : result->payouts)
    fmt::print("  {} {} {:<17} {:>8} {}\n", line.payee_id, icm::to_string(line.when),
               line.component, line.amount, line.currency);
  fmt::print("Total paid: {} {}\n\n", result->totals.total_paid, result->totals.currency);
  std::fflush(stdout);  // fmt and std::cout share the terminal below

  auto why = icm::explain(*plan, *dataset, "ana", *icm::parse_period("2026-Q2"), diags);
  if (!why) {
    std::cerr << icm::render(diags);
    return 1;
  }
  std::cout << icm::render_explanation(*why);

  // The figures worked out by hand at the top of this file.
  if (result->totals.total_paid != icm::decimal(1'900'000, 2)) {
    std::cerr << "expected a total of 19000.00\n";
    return 1;
  }
  return 0;
}
