// icm/decimal.hpp - the exact decimal every amount, rate and attainment uses.
//
// Why a type of our own: money must be exact to the cent at any scale, and
// binary floating point cannot represent 0.10. A decimal is a signed integer
// coefficient and a scale (value = coefficient / 10^scale, scale >= 0).
//
// The fast path keeps the coefficient in an int64 and does every operation
// inline with the compiler's checked builtins; a result that does not fit
// continues exactly in a wide coefficient (boost::multiprecision::cpp_int,
// hidden in src/ so this header stays light). It never wraps and never goes
// through float or double. A decimal is 16 bytes: the int64 coefficient and a
// reference-counted pointer to the wide one share storage, so the fast path
// copies no smart pointer and touches no reference count.
//
// Scale is kept, not normalised: 1.50 has scale 2 and prints "1.50", yet
// compares equal to 1.5. Addition and multiplication are exact; division and
// rounding take an explicit number of digits (or a step) and a rounding mode.
//
//   auto credit = icm::decimal::parse_or_throw("1234.56") * icm::decimal(1083457, 6);
//   credit.to_string();                       // "1337.59267392" (exact, scale 8)
//   credit.round(2);                          // 1337.59 (half-even)
//   credit.round_to_step(icm::decimal(5, 2)); // 1337.60 (nearest 0.05)
#pragma once

#include <compare>      // std::strong_ordering
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t
#include <functional>   // std::hash
#include <optional>     // parse results
#include <stdexcept>    // decimal_error
#include <string>       // to_string
#include <string_view>  // parse input

#include <fmt/format.h>  // fmt::formatter (fmt 9 defines formatter<string_view>::format here)

namespace icm {

// The seven rounding modes of the spec (section 2).
enum class rounding_mode : std::uint8_t {
  half_even,  // ties to the even neighbour (banker's rounding), the default
  half_up,    // ties away from zero
  half_down,  // ties toward zero
  down,       // toward zero (truncate)
  up,         // away from zero
  floor,      // toward negative infinity
  ceiling,    // toward positive infinity
};

// "half_even" <-> rounding_mode::half_even; nullopt for an unknown name.
std::optional<rounding_mode> parse_rounding_mode(std::string_view name) noexcept;
std::string_view to_string(rounding_mode mode) noexcept;

// Thrown for a decimal operation that has no exact answer: division by zero,
// a scale beyond decimal::max_scale, a malformed number given to parse_or_throw.
class decimal_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where and why a text is not a decimal (offset is 0-based, in bytes).
struct decimal_syntax_error {
  std::size_t offset = 0;
  std::string message;
};

class decimal;

namespace detail {
struct wide_coefficient;  // defined in src/decimal/wide.hpp
// Reference counting of the shared, immutable wide coefficient.
void wide_retain(const wide_coefficient* wide) noexcept;
void wide_release(const wide_coefficient* wide) noexcept;

// Fast-path helpers shared by the inline operators and the hot loops of the
// evaluator: each returns false on overflow instead of wrapping.
inline bool pow10_i64(int exponent, std::int64_t& out) noexcept {
  static constexpr std::int64_t table[] = {1LL,
                                           10LL,
                                           100LL,
                                           1000LL,
                                           10000LL,
                                           100000LL,
                                           1000000LL,
                                           10000000LL,
                                           100000000LL,
                                           1000000000LL,
                                           10000000000LL,
                                           100000000000LL,
                                           1000000000000LL,
                                           10000000000000LL,
                                           100000000000000LL,
                                           1000000000000000LL,
                                           10000000000000000LL,
                                           100000000000000000LL,
                                           1000000000000000000LL};
  if (exponent < 0 || exponent > 18) return false;
  out = table[exponent];
  return true;
}
// c * 10^exponent without overflow.
inline bool upscale_i64(std::int64_t c, int exponent, std::int64_t& out) noexcept {
  std::int64_t p;
  if (!pow10_i64(exponent, p)) return c == 0 ? (out = 0, true) : false;
  return !__builtin_mul_overflow(c, p, &out);
}

// The slow paths of the inline operators (src/decimal/decimal.cpp): they
// continue exactly in the wide coefficient when the int64 fast path overflows.
// By value, so that the operands of the fast path never have their address
// taken and stay in registers in a hot loop.
decimal add_slow(decimal a, decimal b);
decimal subtract_slow(decimal a, decimal b);
decimal multiply_slow(decimal a, decimal b);
std::strong_ordering compare_slow(decimal a, decimal b);
int wide_sign(const wide_coefficient& wide) noexcept;
}  // namespace detail

class decimal {
 public:
  // A scale above this is refused rather than grown without bound.
  static constexpr int max_scale = 1000;
  // A number text longer than this is refused by parse (digits and signs).
  static constexpr std::size_t max_text_length = 400;

  constexpr decimal() noexcept : coef_(0) {}  // 0
  // coefficient / 10^scale, e.g. decimal(1250, 2) is 12.50.
  constexpr decimal(std::int64_t coefficient, int scale = 0) : coef_(coefficient), tag_(scale) {
    if (scale < 0 || scale > max_scale) throw_bad_scale(scale);
  }
  constexpr decimal(const decimal& other) noexcept : tag_(other.tag_) {
    if (wide_flag()) {
      wide_ = other.wide_;
      detail::wide_retain(wide_);
    } else {
      coef_ = other.coef_;
    }
  }
  constexpr decimal(decimal&& other) noexcept : tag_(other.tag_) {
    if (wide_flag()) {
      wide_ = other.wide_;
      other.coef_ = 0;
      other.tag_ = 0;
    } else {
      coef_ = other.coef_;
    }
  }
  constexpr decimal& operator=(const decimal& other) noexcept {
    if (((tag_ | other.tag_) & wide_bit) == 0) {
      coef_ = other.coef_;
      tag_ = other.tag_;
    } else if (this != &other) {
      decimal copy(other);
      swap(copy);
    }
    return *this;
  }
  constexpr decimal& operator=(decimal&& other) noexcept {
    if (((tag_ | other.tag_) & wide_bit) == 0) {
      coef_ = other.coef_;
      tag_ = other.tag_;
    } else if (this != &other) {
      decimal moved(static_cast<decimal&&>(other));
      swap(moved);
    }
    return *this;
  }
  constexpr ~decimal() {
    if (wide_flag()) detail::wide_release(wide_);
  }

  // Strict grammar: -?[0-9]+(\.[0-9]+)?  -- no '+', exponent, separators or
  // blanks. The scale is the number of digits written after the point.
  static std::optional<decimal> parse(std::string_view text,
                                      decimal_syntax_error* error = nullptr);
  // As parse, throwing decimal_error("bad number 'x': why") instead.
  static decimal parse_or_throw(std::string_view text);

  int scale() const noexcept { return tag_ & ~wide_bit; }
  int sign() const noexcept {
    if (wide_flag()) return detail::wide_sign(*wide_);
    return (coef_ > 0) - (coef_ < 0);
  }
  bool is_zero() const noexcept { return sign() == 0; }
  // True when the coefficient left the int64 fast path.
  bool is_wide() const noexcept { return wide_flag(); }
  // The int64 coefficient, when the value is on the fast path.
  std::optional<std::int64_t> coefficient() const noexcept {
    if (wide_flag()) return std::nullopt;
    return coef_;
  }
  // The coefficient at exactly `scale` digits, when that is exact and fits an
  // int64 (1.5 at scale 2 is 150; 1.55 at scale 1 is nullopt).
  std::optional<std::int64_t> scaled(int scale) const noexcept;
  // The integer value, when the value is a whole number that fits an int64.
  std::optional<std::int64_t> to_int64() const noexcept;

  decimal operator-() const;
  decimal abs() const { return sign() < 0 ? -*this : *this; }
  friend decimal operator+(const decimal& a, const decimal& b);
  friend decimal operator-(const decimal& a, const decimal& b);
  friend decimal operator*(const decimal& a, const decimal& b);
  // In place on the fast path (accumulating totals is the hot loop).
  decimal& operator+=(const decimal& b) {
    // The builtin stores the wrapped value on overflow, hence the temporary.
    std::int64_t r;
    // Equal tags within max_scale: both on the int64 path, at the same scale.
    if (tag_ == b.tag_ && tag_ <= max_scale && !__builtin_add_overflow(coef_, b.coef_, &r))
      return coef_ = r, *this;
    return *this = *this + b;
  }
  decimal& operator-=(const decimal& b) {
    // The builtin stores the wrapped value on overflow, hence the temporary.
    std::int64_t r;
    if (tag_ == b.tag_ && tag_ <= max_scale && !__builtin_sub_overflow(coef_, b.coef_, &r))
      return coef_ = r, *this;
    return *this = *this - b;
  }
  decimal& operator*=(const decimal& b) { return *this = *this * b; }

  // this / divisor rounded to `digits` fractional digits. Throws
  // decimal_error on a zero divisor.
  decimal divide(const decimal& divisor, int digits,
                 rounding_mode mode = rounding_mode::half_even) const;
  // Rounded to `digits` fractional digits; the result has exactly that scale
  // (2.5.round(2) is 2.50).
  decimal round(int digits, rounding_mode mode = rounding_mode::half_even) const;
  // Rounded to a multiple of `step` (> 0): 0.01, 1, 0.05, 1000. The result
  // has the step's scale.
  decimal round_to_step(const decimal& step,
                        rounding_mode mode = rounding_mode::half_even) const;
  // The same value written with at least `scale` digits (exact; never drops
  // digits): 1.5.with_scale(3) is 1.500.
  decimal with_scale(int scale) const;

  friend std::strong_ordering operator<=>(const decimal& a, const decimal& b);
  friend bool operator==(const decimal& a, const decimal& b) {
    return (a <=> b) == std::strong_ordering::equal;
  }
  friend decimal min(const decimal& a, const decimal& b) { return b < a ? b : a; }
  friend decimal max(const decimal& a, const decimal& b) { return a < b ? b : a; }

  // "-1234.50": the sign when negative, at least one integer digit, exactly
  // scale() fractional digits. Never "-0".
  std::string to_string() const;

  // Equal values hash equally whatever their scale (1.5 and 1.50), so a
  // decimal can key an unordered container.
  std::size_t hash() const noexcept;

 private:
  struct raw_tag {};
  // No scale check: for the inline operators, whose scales are known good.
  constexpr decimal(raw_tag, std::int64_t coefficient, int scale) noexcept
      : coef_(coefficient), tag_(scale) {}
  [[noreturn]] static void throw_bad_scale(int scale);
  // Adopts one reference to `wide` (from detail_access::make).
  struct wide_tag {};
  decimal(wide_tag, const detail::wide_coefficient* wide, int scale) noexcept
      : wide_(wide), tag_(scale | wide_bit) {}
  constexpr bool wide_flag() const noexcept { return (tag_ & wide_bit) != 0; }
  constexpr void swap(decimal& other) noexcept {
    // Through the active union members only.
    const std::int32_t tag = tag_;
    const detail::wide_coefficient* wide = wide_flag() ? wide_ : nullptr;
    const std::int64_t coef = wide_flag() ? 0 : coef_;
    if (other.wide_flag()) wide_ = other.wide_; else coef_ = other.coef_;
    tag_ = other.tag_;
    if (tag & wide_bit) other.wide_ = wide; else other.coef_ = coef;
    other.tag_ = tag;
  }
  friend struct detail_access;

  union {
    std::int64_t coef_;                     // when the tag has no wide_bit
    const detail::wide_coefficient* wide_;  // when it has: the coefficient does not fit
  };
  // The scale, plus wide_bit for a wide coefficient. One word for both lets
  // the fast paths test "both int64, same scale" (+=) and "both int64, product
  // scale in range" (*) with a single comparison: a wide tag exceeds max_scale
  // (and two wide tags still add up without overflow).
  static constexpr std::int32_t wide_bit = 1 << 20;
  static_assert(wide_bit > 2 * max_scale);
  std::int32_t tag_ = 0;
};

// The fast paths, inline; anything that overflows them (or a wide operand)
// goes to the exact slow path.
inline decimal operator+(const decimal& a, const decimal& b) {
  std::int64_t x, r;
  if (a.tag_ == b.tag_ && a.tag_ <= decimal::max_scale) {  // int64, same scale
    if (!__builtin_add_overflow(a.coef_, b.coef_, &r)) return decimal(decimal::raw_tag{}, r, a.tag_);
  } else if (((a.tag_ | b.tag_) & decimal::wide_bit) == 0) {  // int64, different scales
    if (a.tag_ < b.tag_) {
      if (detail::upscale_i64(a.coef_, b.tag_ - a.tag_, x) && !__builtin_add_overflow(x, b.coef_, &r))
        return decimal(decimal::raw_tag{}, r, b.tag_);
    } else {
      if (detail::upscale_i64(b.coef_, a.tag_ - b.tag_, x) && !__builtin_add_overflow(a.coef_, x, &r))
        return decimal(decimal::raw_tag{}, r, a.tag_);
    }
  }
  return detail::add_slow(a, b);
}

inline decimal operator-(const decimal& a, const decimal& b) {
  std::int64_t x, r;
  if (a.tag_ == b.tag_ && a.tag_ <= decimal::max_scale) {
    if (!__builtin_sub_overflow(a.coef_, b.coef_, &r)) return decimal(decimal::raw_tag{}, r, a.tag_);
  } else if (((a.tag_ | b.tag_) & decimal::wide_bit) == 0) {
    if (a.tag_ < b.tag_) {
      if (detail::upscale_i64(a.coef_, b.tag_ - a.tag_, x) && !__builtin_sub_overflow(x, b.coef_, &r))
        return decimal(decimal::raw_tag{}, r, b.tag_);
    } else {
      if (detail::upscale_i64(b.coef_, a.tag_ - b.tag_, x) && !__builtin_sub_overflow(a.coef_, x, &r))
        return decimal(decimal::raw_tag{}, r, a.tag_);
    }
  }
  return detail::subtract_slow(a, b);
}

inline decimal operator*(const decimal& a, const decimal& b) {
  // A wide tag alone exceeds max_scale, so one comparison checks both
  // operands are int64 and the product's scale is in range.
  const std::int32_t scale = a.tag_ + b.tag_;
  std::int64_t r;
  if (scale <= decimal::max_scale && !__builtin_mul_overflow(a.coef_, b.coef_, &r))
    return decimal(decimal::raw_tag{}, r, scale);
  return detail::multiply_slow(a, b);
}

inline std::strong_ordering operator<=>(const decimal& a, const decimal& b) {
  if (((a.tag_ | b.tag_) & decimal::wide_bit) == 0) {
    std::int64_t x;
    if (a.tag_ == b.tag_) return a.coef_ <=> b.coef_;
    if (a.tag_ < b.tag_) {
      if (detail::upscale_i64(a.coef_, b.tag_ - a.tag_, x)) return x <=> b.coef_;
    } else {
      if (detail::upscale_i64(b.coef_, a.tag_ - b.tag_, x)) return a.coef_ <=> x;
    }
  }
  return detail::compare_slow(a, b);
}

// An exact quotient num/den (den > 0), for decisions that must not be
// rounded: attainment >= 100% compares num >= 1 * den. Arithmetic on a
// quotient uses value(precision), rounded half-even (spec section 10).
class quotient {
 public:
  quotient() = default;
  // Throws decimal_error when den is zero; a negative den flips both signs.
  quotient(decimal num, decimal den);
  static quotient of(const decimal& value) { return quotient(value, decimal(1)); }

  const decimal& numerator() const noexcept { return num_; }
  const decimal& denominator() const noexcept { return den_; }
  decimal value(int precision) const {
    return num_.divide(den_, precision, rounding_mode::half_even);
  }
  friend std::strong_ordering operator<=>(const quotient& a, const quotient& b);
  friend bool operator==(const quotient& a, const quotient& b) {
    return (a <=> b) == std::strong_ordering::equal;
  }

 private:
  decimal num_{0};
  decimal den_{1};
};


}  // namespace icm

template <>
struct std::hash<icm::decimal> {
  std::size_t operator()(const icm::decimal& d) const noexcept { return d.hash(); }
};

// fmt::format("{:>12}", d): the text of to_string, with string alignment specs.
template <>
struct fmt::formatter<icm::decimal> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(const icm::decimal& d, FormatContext& ctx) const {
    const std::string s = d.to_string();
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s), ctx);
  }
};
