// Division and rounding of icm::decimal, and exact quotients.
//
// Every operation here computes the exact result as an integer fraction n/d
// and rounds it once (detail::divide_rounded). Operands on the fast path use
// 128-bit integers, which hold any int64 times 10^18; the rest use big_int.
#include <fmt/format.h>

#include "decimal/wide.hpp"

namespace icm {

namespace {

using detail::big_int;
using detail::int128;

void check_digits(int digits, const char* what) {
  if (digits < 0 || digits > decimal::max_scale)
    throw decimal_error(
        fmt::format("{} to {} digits: digits must be in 0..{}", what, digits, decimal::max_scale));
}

// (a * 10^e) / b for e of either sign, rounded to an integer in `mode`,
// returned as the coefficient of a decimal of `scale`, multiplied by `factor`
// (round_to_step multiplies the step count by the step's coefficient).
decimal scaled_ratio(const decimal& a, const decimal& b, int e, const decimal& factor, int scale,
                     rounding_mode mode) {
  if (!a.is_wide() && !b.is_wide() && !factor.is_wide() && e >= -18 && e <= 18) {
    std::int64_t p;
    detail::pow10_i64(e < 0 ? -e : e, p);
    const int128 n = int128(*a.coefficient()) * (e >= 0 ? p : 1);
    const int128 d = int128(*b.coefficient()) * (e >= 0 ? 1 : p);
    const int128 q = detail::divide_rounded<int128>(n, d, mode);
    int128 out;
    if (!__builtin_mul_overflow(q, int128(*factor.coefficient()), &out))
      return detail_access::make(out, scale);
  }
  big_int n = detail_access::big(a);
  big_int d = detail_access::big(b);
  if (e >= 0) {
    n *= detail::pow10_big(e);
  } else {
    d *= detail::pow10_big(-e);
  }
  big_int q = detail::divide_rounded<big_int>(n, d, mode);
  q *= detail_access::big(factor);
  return detail_access::make(std::move(q), scale);
}

}  // namespace

decimal decimal::divide(const decimal& divisor, int digits, rounding_mode mode) const {
  if (divisor.is_zero())
    throw decimal_error(fmt::format("division by zero ({} / {})", to_string(), divisor.to_string()));
  check_digits(digits, "division");
  // (c1 / 10^s1) / (c2 / 10^s2) * 10^digits = c1 * 10^(digits + s2 - s1) / c2
  return scaled_ratio(*this, divisor, digits + divisor.scale() - scale(), decimal(1), digits, mode);
}

decimal decimal::round(int digits, rounding_mode mode) const {
  check_digits(digits, "rounding");
  if (digits >= scale()) return with_scale(digits);
  const int drop = scale() - digits;
  std::int64_t p;
  if (!wide_flag() && detail::pow10_i64(drop, p))
    return detail_access::fast(detail::divide_rounded<std::int64_t>(coef_, p, mode), digits);
  return scaled_ratio(*this, decimal(1), -drop, decimal(1), digits, mode);
}

decimal decimal::round_to_step(const decimal& step, rounding_mode mode) const {
  if (step.sign() <= 0)
    throw decimal_error(fmt::format("rounding step {} must be positive", step.to_string()));
  // count = (c / 10^s) / (k / 10^t) = c * 10^(t - s) / k; result = count * k / 10^t.
  return scaled_ratio(*this, step, step.scale() - scale(), step, step.scale(), mode);
}

quotient::quotient(decimal num, decimal den) : num_(std::move(num)), den_(std::move(den)) {
  if (den_.is_zero())
    throw decimal_error(fmt::format("quotient {} / 0 has a zero denominator", num_.to_string()));
  if (den_.sign() < 0) {
    num_ = -num_;
    den_ = -den_;
  }
}

std::strong_ordering operator<=>(const quotient& a, const quotient& b) {
  // Denominators are positive: a.n / a.d <=> b.n / b.d  iff  a.n * b.d <=> b.n * a.d.
  const int left_scale = a.num_.scale() + b.den_.scale();
  const int right_scale = b.num_.scale() + a.den_.scale();
  if (left_scale <= decimal::max_scale && right_scale <= decimal::max_scale)
    return a.num_ * b.den_ <=> b.num_ * a.den_;
  // Scales beyond a decimal's limit: compare the integer cross-products.
  big_int left = detail_access::big(a.num_) * detail_access::big(b.den_);
  big_int right = detail_access::big(b.num_) * detail_access::big(a.den_);
  if (left_scale < right_scale) left *= detail::pow10_big(right_scale - left_scale);
  if (right_scale < left_scale) right *= detail::pow10_big(left_scale - right_scale);
  return left < right ? std::strong_ordering::less
                      : (left > right ? std::strong_ordering::greater : std::strong_ordering::equal);
}

}  // namespace icm
