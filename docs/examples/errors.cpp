// The error model: diagnostics as values, icm::error from *_or_throw helpers,
// decimal_error for arithmetic that has no exact answer.
#include <iostream>

#include <icm/icm.hpp>

int main() {
  int failures = 0;

  // 1. Every call that reads input reports into a diagnostics list.
  icm::diagnostics diags;
  auto data = icm::read_dataset("no/such/folder", diags);
  if (data || !diags.has_errors()) ++failures;
  std::cout << diags.items().front().headline() << '\n';

  // 2. The *_or_throw helpers throw icm::error, which carries the diagnostics.
  try {
    icm::plan::parse_or_throw("plan \"P\" { currency USD period fortnight year 2026 }", "p.icm");
    ++failures;
  } catch (const icm::error& e) {
    std::cout << e.what() << '\n';
    if (e.details().error_count() == 0) ++failures;
  }

  // 3. decimal::parse returns nullopt (with where and why) on bad text;
  //    parse_or_throw and arithmetic with no exact answer throw decimal_error.
  icm::decimal_syntax_error why;
  if (icm::decimal::parse("1,234.50", &why) || why.offset != 1) ++failures;
  try {
    icm::decimal(1).divide(icm::decimal(0), 2);
    ++failures;
  } catch (const icm::decimal_error& e) {
    std::cout << "decimal_error: " << e.what() << '\n';
  }
  return failures;
}
