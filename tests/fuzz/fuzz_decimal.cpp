// fuzz_decimal: arbitrary bytes through icm::decimal::parse; every number it
// accepts must obey the arithmetic identities below.
//
// Why: every amount, rate and attainment is a decimal, and the type switches
// between an int64 fast path and a wide (cpp_int) slow path. The identities
// are cheap to state and catch a wrong switch-over, a lost digit or a scale
// mix-up. A violated identity traps, so libFuzzer records it as a crash.
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <compare>      // std::strong_ordering
#include <string>       // to_string
#include <string_view>  // the input

#include "icm/decimal.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr icm::rounding_mode all_modes[] = {
    icm::rounding_mode::half_even, icm::rounding_mode::half_up, icm::rounding_mode::half_down,
    icm::rounding_mode::down,      icm::rounding_mode::up,      icm::rounding_mode::floor,
    icm::rounding_mode::ceiling};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  icm::decimal_syntax_error why;
  auto parsed = icm::decimal::parse(text, &why);
  if (!parsed) {
    check(!why.message.empty() && why.offset <= text.size());
    return 0;
  }
  const icm::decimal x = *parsed;
  const icm::decimal zero;
  const icm::decimal one(1);

  // The text round-trips, and so does the printed form (it is canonical).
  const std::string printed = x.to_string();
  auto again = icm::decimal::parse(printed);
  check(again.has_value());
  check(*again == x);
  check(again->scale() == x.scale());
  check(again->to_string() == printed);
  if (x.is_zero()) check(printed[0] != '-');  // never "-0" or "-0.00"

  // Identities.
  check(x + zero == x);
  check(zero + x == x);
  check(x * one == x);
  check(x - x == zero);
  check((x - x).is_zero());
  check(-(-x) == x);
  check(x + (-x) == zero);
  check(x.abs() >= zero);
  check((x * zero).is_zero());
  check((x + x) == x * icm::decimal(2));
  icm::decimal acc = x;
  acc += x;
  check(acc == x + x);
  acc -= x;
  check(acc == x);

  // Comparisons agree with each other and with the sign.
  const icm::decimal y = x + icm::decimal(1, 2);  // x + 0.01
  check(x < y && y > x && x != y && !(x == y) && x <= y && y >= x);
  check((x <=> y) == std::strong_ordering::less);
  check((x <=> x) == std::strong_ordering::equal);
  check(x.sign() == (x > zero) - (x < zero));
  check(x.is_zero() == (x == zero));
  check(min(x, y) == x && max(x, y) == y);
  check(x.hash() == x.with_scale(x.scale() + 3).hash());
  check(x.with_scale(x.scale() + 3) == x);

  // Rounding and division never crash; results land where they must.
  for (const icm::rounding_mode mode : all_modes) {
    for (const int digits : {0, 2, 6}) {
      const icm::decimal r = x.round(digits, mode);
      check(r.scale() == digits);
      // Rounding moves the value by less than one unit of the last digit.
      check((r - x).abs() < icm::decimal(1, digits));
      if (x.scale() <= digits) check(r == x);
    }
    const icm::decimal step(5, 2);  // 0.05
    const icm::decimal stepped = x.round_to_step(step, mode);
    check(stepped.scale() == 2);
    check((stepped - x).abs() < step);
    const icm::decimal thousand(1000);
    (void)x.round_to_step(thousand, mode);

    const icm::decimal third = x.divide(icm::decimal(3), 10, mode);
    check(third.scale() == 10);
    check((third * icm::decimal(3) - x).abs() < icm::decimal(3, 10));
    check(x.divide(one, x.scale(), mode) == x);
    if (!x.is_zero()) {
      const icm::decimal ratio = x.divide(x, 4, mode);
      check(ratio == one);
      (void)one.divide(x, 12, mode);
    }
  }

  // Fast-path accessors agree with the value.
  if (auto c = x.coefficient()) check(icm::decimal(*c, x.scale()) == x);
  if (auto n = x.to_int64()) check(icm::decimal(*n) == x);
  if (auto s = x.scaled(x.scale() + 1)) check(icm::decimal(*s, x.scale() + 1) == x);
  return 0;
}
