// Reading CSV input, running, and reading payouts, measures and control totals.
#include <iostream>

#include <icm/icm.hpp>

int main() {
  icm::diagnostics diags;
  auto plan = icm::plan::load_file("rules/reference-marginal.icm", diags);
  auto data = icm::read_dataset("rules/data/reference", diags);
  auto result = plan && data ? icm::run(*plan, *data, diags) : std::nullopt;
  if (!result) {
    std::cerr << icm::render(diags);  // every error, with its file:line:column
    return 1;
  }

  // Payout lines come ordered as payouts.csv: payee, period, component.
  icm::decimal e05_q1;
  for (const icm::payout_line& line : result->payouts) {
    if (line.payee_id == "E05" && icm::to_string(line.when) == "2026-Q1" &&
        line.component == "commission")
      e05_q1 = line.amount;  // 8,600.00 capped at 3 x 2,000.00
  }
  std::cout << "E05 2026-Q1 commission: " << e05_q1.to_string() << '\n';

  // Every measure, quota and attainment used, per payee and period.
  for (const icm::measure_value& m : result->measures)
    if (m.payee_id == "E05" && icm::to_string(m.when) == "2026-Q1")
      std::cout << "  " << m.name << " = " << m.value << '\n';

  // Control totals reconcile: read = credited + uncredited + rejected.
  const icm::control_totals& t = result->totals;
  std::uint64_t uncredited = 0;
  for (const auto& [reason, tally] : t.uncredited) uncredited += tally.count;
  std::cout << icm::format_control_totals(t);
  const bool reconciles = t.read.count == t.credited.count + uncredited + t.rejected.count;
  return e05_q1 == icm::decimal(600000, 2) && reconciles ? 0 : 1;
}
