// decimal/wide.hpp - the wide coefficient behind icm::decimal, and the
// helpers the out-of-line decimal code shares.
//
// Why here and not in the public header: boost::multiprecision is heavy to
// compile and only the slow path needs it. The header sees an incomplete
// detail::wide_coefficient; only src/decimal/*.cpp see its definition.
//
// Invariant kept by make_decimal: a decimal holds a wide coefficient iff its
// coefficient does not fit an int64, so the fast path never meets a wide value
// that could have been small, and equality and hashing need no special cases.
#pragma once

#include <atomic>   // reference count
#include <cstdint>  // std::int64_t
#include <string>   // magnitude_digits

#include <boost/multiprecision/cpp_int.hpp>

#include "icm/decimal.hpp"

namespace icm {
namespace detail {

using big_int = boost::multiprecision::cpp_int;
// 128 bits hold any product of two int64 values (the divide fast path).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

// Immutable once built; shared by copies of a decimal through the count.
struct wide_coefficient {
  big_int value;
  mutable std::atomic<std::int64_t> references{1};
};

// 10^exponent, exponent in [0, 2 * decimal::max_scale] (cached).
const big_int& pow10_big(int exponent);

// The decimal digits of |value|.
std::string magnitude_digits(const big_int& value);

// The int64 value of `value`, when it fits.
bool fits_i64(const big_int& value, std::int64_t& out) noexcept;

// n / d rounded to an integer in `mode` (d != 0). Works on int128 and big_int.
template <typename Int>
Int divide_rounded(const Int& n, const Int& d, rounding_mode mode) {
  Int q = n / d;  // truncated toward zero
  Int r = n - q * d;
  if (r == 0) return q;
  const bool negative = (n < 0) != (d < 0);
  const Int abs_r = r < 0 ? Int(-r) : r;
  const Int abs_d = d < 0 ? Int(-d) : d;
  // Compare the remainder with half the divisor without computing 2r, which
  // could overflow a fixed-width Int.
  const Int rest = abs_d - abs_r;
  const int half = abs_r < rest ? -1 : (abs_r > rest ? 1 : 0);
  bool away = false;  // move the truncated quotient one step away from zero
  switch (mode) {
    case rounding_mode::half_even: away = half > 0 || (half == 0 && (q % 2) != 0); break;
    case rounding_mode::half_up: away = half >= 0; break;
    case rounding_mode::half_down: away = half > 0; break;
    case rounding_mode::down: away = false; break;
    case rounding_mode::up: away = true; break;
    case rounding_mode::floor: away = negative; break;
    case rounding_mode::ceiling: away = !negative; break;
  }
  if (away) q += negative ? Int(-1) : Int(1);
  return q;
}

}  // namespace detail

// The one friend of decimal: builds and takes apart decimals for src/decimal.
struct detail_access {
  static const detail::wide_coefficient* wide(const decimal& d) noexcept {
    return d.wide_flag() ? d.wide_ : nullptr;
  }
  // The coefficient of any decimal as a big_int.
  static detail::big_int big(const decimal& d) {
    return d.wide_flag() ? d.wide_->value : detail::big_int(d.coef_);
  }
  static decimal fast(std::int64_t coefficient, int scale) noexcept {
    return decimal(decimal::raw_tag{}, coefficient, scale);
  }
  // Checks the scale and goes back to the fast path when the value fits.
  static decimal make(detail::big_int coefficient, int scale);
  // Same for a 128-bit coefficient.
  static decimal make(detail::int128 coefficient, int scale);
};

}  // namespace icm
