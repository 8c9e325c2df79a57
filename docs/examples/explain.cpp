// Explaining one payee's payout in one period, as text or JSON.
#include <iostream>

#include <icm/icm.hpp>

int main() {
  icm::diagnostics diags;
  auto plan = icm::plan::load_file("rules/reference-marginal.icm", diags);
  auto data = icm::read_dataset("rules/data/reference", diags);
  auto when = icm::parse_period("2026-Q1");
  auto why = plan && data ? icm::explain(*plan, *data, "E03", *when, diags) : std::nullopt;
  if (!why) {
    std::cerr << icm::render(diags);
    return 1;
  }
  std::cout << icm::render_explanation(*why);  // credits, measures, bands, rounding, lines
  const std::string json = icm::render_explanation_json(*why);

  // The steps are data too: E03 credited exactly 50% of quota.
  for (const icm::explanation_step& s : why->steps)
    if (s.amount)
      std::cout << s.component << " / " << s.step << ": " << s.amount->to_string() << '\n';
  return why->lines.front().amount == icm::decimal(80000, 2) && !json.empty() ? 0 : 1;
}
