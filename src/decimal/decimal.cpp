// The out-of-line part of icm::decimal: the exact slow paths of + - * and
// comparison, scale changes, text output and hashing.
#include <algorithm>  // std::max
#include <array>      // rounding mode names
#include <limits>     // int64 bounds
#include <string>     // to_string
#include <vector>     // powers of ten

#include <fmt/format.h>

#include "decimal/wide.hpp"

namespace icm {

namespace detail {

const big_int& pow10_big(int exponent) {
  // Built once; 2001 entries cover every scale difference and product scale.
  static const std::vector<big_int> table = [] {
    std::vector<big_int> t(2 * decimal::max_scale + 1);
    t[0] = 1;
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  if (exponent < 0 || exponent >= static_cast<int>(table.size()))
    throw decimal_error(fmt::format("power of ten 10^{} out of range", exponent));
  return table[static_cast<std::size_t>(exponent)];
}

bool fits_i64(const big_int& value, std::int64_t& out) noexcept {
  static const big_int lo = std::numeric_limits<std::int64_t>::min();
  static const big_int hi = std::numeric_limits<std::int64_t>::max();
  if (value < lo || value > hi) return false;
  out = value.convert_to<std::int64_t>();
  return true;
}

namespace {

void check_scale(int scale) {
  if (scale < 0 || scale > decimal::max_scale)
    throw decimal_error(fmt::format("decimal scale {} is outside 0..{}", scale, decimal::max_scale));
}

// Both coefficients brought to the larger scale.
struct aligned {
  big_int a, b;
  int scale;
};
aligned align(const decimal& a, const decimal& b) {
  aligned out{detail_access::big(a), detail_access::big(b), std::max(a.scale(), b.scale())};
  if (a.scale() < out.scale) out.a *= pow10_big(out.scale - a.scale());
  if (b.scale() < out.scale) out.b *= pow10_big(out.scale - b.scale());
  return out;
}

}  // namespace

decimal add_slow(decimal a, decimal b) {
  aligned x = align(a, b);
  return detail_access::make(x.a + x.b, x.scale);
}

decimal subtract_slow(decimal a, decimal b) {
  aligned x = align(a, b);
  return detail_access::make(x.a - x.b, x.scale);
}

decimal multiply_slow(decimal a, decimal b) {
  const int scale = a.scale() + b.scale();
  check_scale(scale);
  return detail_access::make(detail_access::big(a) * detail_access::big(b), scale);
}

std::strong_ordering compare_slow(decimal a, decimal b) {
  // Signs decide most comparisons of a wide value without any scaling.
  const int sa = a.sign(), sb = b.sign();
  if (sa != sb) return sa <=> sb;
  aligned x = align(a, b);
  return x.a < x.b ? std::strong_ordering::less
                   : (x.a > x.b ? std::strong_ordering::greater : std::strong_ordering::equal);
}

int wide_sign(const wide_coefficient& wide) noexcept { return wide.value.sign(); }

void wide_retain(const wide_coefficient* wide) noexcept {
  wide->references.fetch_add(1, std::memory_order_relaxed);
}

void wide_release(const wide_coefficient* wide) noexcept {
  if (wide->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete wide;
}

std::string magnitude_digits(const big_int& value) {
  // Eighteen digits at a time; our own loop rather than cpp_int::str(), which
  // trips a GCC 12 -Wrestrict false positive when inlined at -O3.
  static const big_int chunk = big_int(1'000'000'000'000'000'000LL);
  big_int rest = value < 0 ? big_int(-value) : value;
  std::vector<std::uint64_t> parts;  // least significant first
  while (rest >= chunk) {
    big_int q, r;
    boost::multiprecision::divide_qr(rest, chunk, q, r);
    parts.push_back(r.convert_to<std::uint64_t>());
    rest = std::move(q);
  }
  std::string out = std::to_string(rest.convert_to<std::uint64_t>());
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += fmt::format("{:018}", *it);
  return out;
}

}  // namespace detail

decimal detail_access::make(detail::big_int coefficient, int scale) {
  detail::check_scale(scale);
  std::int64_t small;
  if (detail::fits_i64(coefficient, small)) return fast(small, scale);
  auto* wide = new detail::wide_coefficient{std::move(coefficient)};
  return decimal(decimal::wide_tag{}, wide, scale);
}

decimal detail_access::make(detail::int128 coefficient, int scale) {
  if (coefficient >= std::numeric_limits<std::int64_t>::min() &&
      coefficient <= std::numeric_limits<std::int64_t>::max()) {
    detail::check_scale(scale);
    return fast(static_cast<std::int64_t>(coefficient), scale);
  }
  // Rare: build the big_int from two 64-bit halves.
  const bool negative = coefficient < 0;
  const detail::uint128 magnitude =
      negative ? detail::uint128(0) - static_cast<detail::uint128>(coefficient)
               : static_cast<detail::uint128>(coefficient);
  detail::big_int big = static_cast<std::uint64_t>(magnitude >> 64);
  big <<= 64;
  big += static_cast<std::uint64_t>(magnitude);
  if (negative) big = -big;
  return make(std::move(big), scale);
}

void decimal::throw_bad_scale(int scale) { detail::check_scale(scale); throw decimal_error("bad scale"); }


decimal decimal::operator-() const {
  if (!wide_flag() && coef_ != std::numeric_limits<std::int64_t>::min())
    return detail_access::fast(-coef_, scale());
  return detail_access::make(-detail_access::big(*this), scale());
}

decimal decimal::with_scale(int scale) const {
  if (scale <= this->scale()) return *this;
  detail::check_scale(scale);
  std::int64_t c;
  if (!wide_flag() && detail::upscale_i64(coef_, scale - this->scale(), c)) return detail_access::fast(c, scale);
  return detail_access::make(detail_access::big(*this) * detail::pow10_big(scale - this->scale()), scale);
}

std::optional<std::int64_t> decimal::scaled(int scale) const noexcept {
  if (scale < 0) return std::nullopt;
  if (!wide_flag()) {
    std::int64_t out, p;
    if (scale >= this->scale()) {
      if (detail::upscale_i64(coef_, scale - this->scale(), out)) return out;
      return std::nullopt;
    }
    if (!detail::pow10_i64(this->scale() - scale, p)) {
      // Dividing by more than 10^18 leaves only 0 exact.
      if (coef_ == 0) return 0;
      return std::nullopt;
    }
    if (coef_ % p != 0) return std::nullopt;
    return coef_ / p;
  }
  // A wide coefficient: exact big_int arithmetic (may still fit once divided).
  try {
    detail::big_int c = wide_->value;
    if (scale >= this->scale()) {
      c *= detail::pow10_big(scale - this->scale());
    } else {
      const detail::big_int& p = detail::pow10_big(this->scale() - scale);
      if (c % p != 0) return std::nullopt;
      c /= p;
    }
    std::int64_t out;
    if (detail::fits_i64(c, out)) return out;
  } catch (...) {
    // A scale out of the power table's range cannot give an exact int64.
  }
  return std::nullopt;
}

std::optional<std::int64_t> decimal::to_int64() const noexcept { return scaled(0); }

std::string decimal::to_string() const {
  std::string digits;  // magnitude of the coefficient
  bool negative = false;
  if (!wide_flag()) {
    negative = coef_ < 0;
    // Unsigned magnitude: INT64_MIN has no positive int64.
    std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(coef_) : static_cast<std::uint64_t>(coef_);
    digits = std::to_string(m);
  } else {
    negative = wide_->value < 0;
    digits = detail::magnitude_digits(wide_->value);
  }
  if (digits == "0") negative = false;  // never "-0"
  const auto scale = static_cast<std::size_t>(this->scale());
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (negative) out += '-';
  out.append(digits, 0, digits.size() - scale);
  if (scale > 0) {
    out += '.';
    out.append(digits, digits.size() - scale, scale);
  }
  return out;
}

std::size_t decimal::hash() const noexcept {
  // Hash the value with trailing fractional zeros removed, so 1.5 and 1.50
  // (equal) hash alike. Normalising a wide value may bring it into an int64.
  std::int64_t c = wide_flag() ? 0 : coef_;
  int s = scale();
  if (wide_flag()) {
    try {
      detail::big_int w = wide_->value;
      while (s > 0 && w % 10 == 0) {
        w /= 10;
        --s;
      }
      if (!detail::fits_i64(w, c)) {
        const std::size_t h = std::hash<std::string>{}(detail::magnitude_digits(w));
        return (h + (w < 0 ? 1 : 0)) ^ (static_cast<std::size_t>(s) * 0x9E3779B97F4A7C15ULL);
      }
    } catch (...) {
      return 0;  // allocation failure: a valid (if poor) hash
    }
  }
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    --s;
  }
  if (c == 0) s = 0;
  const std::size_t h = std::hash<std::int64_t>{}(c);
  return h ^ (static_cast<std::size_t>(s) * 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2));
}

namespace {
constexpr std::array<std::string_view, 7> mode_names = {
    "half_even", "half_up", "half_down", "down", "up", "floor", "ceiling"};
}

std::optional<rounding_mode> parse_rounding_mode(std::string_view name) noexcept {
  for (std::size_t i = 0; i < mode_names.size(); ++i)
    if (mode_names[i] == name) return static_cast<rounding_mode>(i);
  return std::nullopt;
}

std::string_view to_string(rounding_mode mode) noexcept {
  const auto i = static_cast<std::size_t>(mode);
  return i < mode_names.size() ? mode_names[i] : std::string_view("half_even");
}

}  // namespace icm
