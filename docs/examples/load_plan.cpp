// Loading a plan: diagnostics are values; render() gives Clang-style text.
#include <iostream>

#include <icm/icm.hpp>

int main() {
  const std::string text = R"(plan "AE" { currency USD period quarter year 2026 }
credit 100%
measure credited = sum(credit)
component commission { pay credited * 8% }
component typo { pay credted * 1% }
)";
  icm::diagnostics diags;
  std::optional<icm::plan> plan = icm::plan::parse(text, "ae.icm", diags);
  if (!plan) {
    // ae.icm:5:22: error: unknown name 'credted' (did you mean 'credited'?) ...
    std::cout << icm::render(diags, text);
  }
  for (const icm::diagnostic& d : diags) {
    // Each one is data: severity, file:line:column, message.
    if (d.level == icm::severity::error && d.where.line != 5) return 1;
  }

  // From a file; a file that cannot be read is a diagnostic too.
  icm::diagnostics file_diags;
  auto reference = icm::plan::load_file("rules/reference-marginal.icm", file_diags);
  if (!reference) {
    std::cerr << icm::render(file_diags);
    return 1;
  }
  std::cout << reference->name() << ": " << reference->currency() << ", "
            << icm::to_string(reference->unit()) << "ly, " << reference->year() << '\n';
  return plan ? 1 : 0;  // the plan with the typo must have been refused
}
