// Building input tables from the host's own data instead of CSV files.
#include <iostream>

#include <icm/icm.hpp>

int main() {
  icm::dataset_builder b;
  b.payee_attributes({"target_incentive"});  // extra payee columns, in order
  b.transaction_attributes({"product"});     // extra transaction columns
  b.add_payee({.id = "A1", .hire_date = "2026-01-01", .attributes = {"10000.00"}});
  b.add_quota({.payee_id = "A1", .period = "2026-Q1", .amount = icm::decimal(100000)});
  b.add_transaction({.txn_id = "T1",
                     .date = "2026-02-10",
                     .payee_id = "A1",
                     .amount = icm::decimal::parse_or_throw("130000.00"),
                     .attributes = {"saas"}});
  b.add_transaction({.txn_id = "T2",
                     .date = "2026-02-11",
                     .payee_id = "A9",  // no such payee
                     .amount = icm::decimal(500),
                     .attributes = {"saas"}});

  icm::diagnostics diags;
  std::optional<icm::dataset> data = b.build(diags);
  // error: transaction T2: unknown payee 'A9'
  for (const auto& d : diags) std::cout << d.headline() << '\n';
  if (data) return 1;  // any error: no data set

  // The builder is empty again after build(): the corrected rows.
  b.payee_attributes({"target_incentive"});
  b.transaction_attributes({"product"});
  b.add_payee({.id = "A1", .attributes = {"10000.00"}});
  b.add_quota({.payee_id = "A1", .period = "2026", .amount = icm::decimal(100000)});
  b.add_transaction({.txn_id = "T1",
                     .date = "2026-02-10",
                     .payee_id = "A1",
                     .amount = icm::decimal(13000000, 2),
                     .attributes = {"saas"}});
  diags = {};
  data = b.build(diags);

  auto plan = icm::plan::parse_or_throw(R"(plan "Annual" { currency USD period year year 2026 }
columns product
credit 100% where product == "saas"
measure credited = sum(credit)
measure attainment = credited / quota
component commission {
  tiers marginal of credited by attainment {
    from 0% to 50% pay 2%
    from 50% to 100% pay 8%
    from 100% to 150% pay 12%
    from 150% pay 15%
  }
}
)",
                                        "annual.icm");
  auto result = data ? icm::run(plan, *data, diags) : std::nullopt;
  if (!result) {
    std::cerr << icm::render(diags);
    return 1;
  }
  // Spec example 1: 50,000 x 2% + 50,000 x 8% + 30,000 x 12% = 8,600.00.
  std::cout << "A1 2026 commission: " << result->payouts.at(0).amount.to_string() << '\n';
  return result->payouts.at(0).amount == icm::decimal(860000, 2) ? 0 : 1;
}
