// Package test consumer: converts 1,234.56 EUR at 1.083457 into USD and
// rounds it to the cent (spec section 8, example 7). Prints 1337.59 and exits
// 0 when the installed library computes it; run.sh checks both.
#include <icm/decimal.hpp>

#include <fmt/format.h>  // formatter<icm::decimal> builds on formatter<string_view>

int main() {
  const icm::decimal amount = icm::decimal::parse_or_throw("1234.56");
  const icm::decimal rate = icm::decimal::parse_or_throw("1.083457");
  const icm::decimal credit = (amount * rate).round(2);
  fmt::print("{}\n", credit);
  return credit == icm::decimal(133759, 2) ? 0 : 1;
}
