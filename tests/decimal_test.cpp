// Tests of icm::decimal (include/icm/decimal.hpp): the spec's worked examples,
// every rounding mode, parsing and formatting, and a property test against an
// independent boost::multiprecision::cpp_int reference.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "icm/decimal.hpp"

namespace icm {
// Readable values in GoogleTest failure messages.
void PrintTo(const decimal& d, std::ostream* os) { *os << d.to_string(); }
void PrintTo(const quotient& q, std::ostream* os) {
  *os << q.numerator().to_string() << " / " << q.denominator().to_string();
}
}  // namespace icm

namespace {

using icm::decimal;
using icm::quotient;
using icm::rounding_mode;

decimal D(std::string_view text) { return decimal::parse_or_throw(text); }

constexpr rounding_mode all_modes[] = {rounding_mode::half_even, rounding_mode::half_up,
                                       rounding_mode::half_down, rounding_mode::down,
                                       rounding_mode::up,        rounding_mode::floor,
                                       rounding_mode::ceiling};

// ---------------------------------------------------------------------------
// Spec section 8, examples 7 and 8; section 2 and 10 (quotients).

TEST(DecimalSpec, CurrencyConversionExample7) {
  const decimal credit = D("1234.56") * D("1.083457");
  EXPECT_EQ(credit.to_string(), "1337.59267392");
  EXPECT_EQ(credit.scale(), 8);
  EXPECT_EQ(credit.round(2).to_string(), "1337.59");
}

TEST(DecimalSpec, HalfEvenAndHalfUpExample7) {
  EXPECT_EQ(D("2.345").round(2).to_string(), "2.34");
  EXPECT_EQ(D("2.355").round(2).to_string(), "2.36");
  EXPECT_EQ(D("2.345").round(2, rounding_mode::half_up).to_string(), "2.35");
}

TEST(DecimalSpec, WeightExample8) {
  const decimal credited = D("100.01") * D("0.50");
  EXPECT_EQ(credited, D("50.005"));
  EXPECT_EQ(credited.round(2).to_string(), "50.00");
  EXPECT_EQ((D("100.01") * D("0.5")).round(2).to_string(), "50.00");
}

TEST(DecimalSpec, AttainmentJustBelowQuotaIsBelowOneExactly) {
  const quotient attainment(D("99999999.99"), D("100000000.00"));
  EXPECT_LT(attainment, quotient::of(decimal(1)));
  EXPECT_NE(attainment, quotient::of(decimal(1)));
  // Rounded for arithmetic it may well be 1.00; decisions never use that.
  EXPECT_EQ(attainment.value(2).to_string(), "1.00");
  EXPECT_EQ(attainment.value(16).to_string(), "0.9999999999000000");
  EXPECT_EQ(quotient(D("100000000.00"), D("100000000.00")), quotient::of(decimal(1)));
}

TEST(DecimalSpec, PercentagesAreDecimals) {
  EXPECT_EQ(D("130000.00") * D("0.12"), D("15600"));
  EXPECT_EQ((D("50000") * D("0.02") + D("50000") * D("0.08") + D("30000") * D("0.12")).to_string(),
            "8600.00");
}

// ---------------------------------------------------------------------------
// Rounding modes.

struct mode_row {
  const char* value;
  // Expected results, in the order of all_modes.
  const char* expected[7];
};

// half_even, half_up, half_down, down, up, floor, ceiling (to 0 digits)
const mode_row mode_table[] = {
    {"2.5", {"2", "3", "2", "2", "3", "2", "3"}},
    {"-2.5", {"-2", "-3", "-2", "-2", "-3", "-3", "-2"}},
    {"3.5", {"4", "4", "3", "3", "4", "3", "4"}},
    {"-3.5", {"-4", "-4", "-3", "-3", "-4", "-4", "-3"}},
    {"2.4", {"2", "2", "2", "2", "3", "2", "3"}},
    {"-2.4", {"-2", "-2", "-2", "-2", "-3", "-3", "-2"}},
    {"2.6", {"3", "3", "3", "2", "3", "2", "3"}},
    {"-2.6", {"-3", "-3", "-3", "-2", "-3", "-3", "-2"}},
    {"0.5", {"0", "1", "0", "0", "1", "0", "1"}},
    {"-0.5", {"0", "-1", "0", "0", "-1", "-1", "0"}},
    {"-0.4", {"0", "0", "0", "0", "-1", "-1", "0"}},
    {"0.0001", {"0", "0", "0", "0", "1", "0", "1"}},
    {"-0.0001", {"0", "0", "0", "0", "-1", "-1", "0"}},
    {"0", {"0", "0", "0", "0", "0", "0", "0"}},
    {"-0.000", {"0", "0", "0", "0", "0", "0", "0"}},
    {"7", {"7", "7", "7", "7", "7", "7", "7"}},
    {"-7.000", {"-7", "-7", "-7", "-7", "-7", "-7", "-7"}},
    {"2.50000000000000000001", {"3", "3", "3", "2", "3", "2", "3"}},
    {"-2.49999999999999999999", {"-2", "-2", "-2", "-2", "-3", "-3", "-2"}},
};

TEST(DecimalRounding, EveryModeOnTiesNonTiesAndZero) {
  for (const mode_row& row : mode_table) {
    for (std::size_t m = 0; m < 7; ++m) {
      const decimal r = D(row.value).round(0, all_modes[m]);
      EXPECT_EQ(r.to_string(), row.expected[m])
          << row.value << " in " << icm::to_string(all_modes[m]);
      EXPECT_EQ(r.scale(), 0);
      // Rounding to a step of 1 is the same operation.
      EXPECT_EQ(D(row.value).round_to_step(decimal(1), all_modes[m]).to_string(), row.expected[m])
          << row.value << " step 1 in " << icm::to_string(all_modes[m]);
    }
  }
}

TEST(DecimalRounding, ToCents) {
  EXPECT_EQ(D("1.005").round(2).to_string(), "1.00");
  EXPECT_EQ(D("1.015").round(2).to_string(), "1.02");
  EXPECT_EQ(D("1.005").round(2, rounding_mode::half_up).to_string(), "1.01");
  EXPECT_EQ(D("-1.005").round(2, rounding_mode::half_up).to_string(), "-1.01");
  EXPECT_EQ(D("-1.005").round(2, rounding_mode::half_down).to_string(), "-1.00");
  EXPECT_EQ(D("-0.001").round(2).to_string(), "0.00");
  EXPECT_EQ(D("-0.001").round(2, rounding_mode::floor).to_string(), "-0.01");
  EXPECT_EQ(D("2.5").round(2).to_string(), "2.50");  // pads
  EXPECT_EQ(D("2").round(3).to_string(), "2.000");
  EXPECT_THROW((void)D("2").round(-1), icm::decimal_error);
  EXPECT_THROW((void)D("2").round(decimal::max_scale + 1), icm::decimal_error);
}

TEST(DecimalRounding, RoundToStep) {
  const decimal nickel = D("0.05");
  EXPECT_EQ(D("1337.59267392").round_to_step(nickel).to_string(), "1337.60");
  EXPECT_EQ(D("1337.575").round_to_step(nickel).to_string(), "1337.60");  // tie, 26752 even
  EXPECT_EQ(D("1337.525").round_to_step(nickel).to_string(), "1337.50");  // tie, 26750 even
  EXPECT_EQ(D("1337.575").round_to_step(nickel, rounding_mode::half_down).to_string(), "1337.55");
  EXPECT_EQ(D("0.025").round_to_step(nickel).to_string(), "0.00");
  EXPECT_EQ(D("0.025").round_to_step(nickel, rounding_mode::half_up).to_string(), "0.05");
  EXPECT_EQ(D("-0.025").round_to_step(nickel, rounding_mode::half_up).to_string(), "-0.05");
  EXPECT_EQ(D("-0.01").round_to_step(nickel, rounding_mode::ceiling).to_string(), "0.00");
  EXPECT_EQ(D("7").round_to_step(nickel).to_string(), "7.00");  // the step's scale

  const decimal thousand(1000);
  EXPECT_EQ(D("1500").round_to_step(thousand).to_string(), "2000");
  EXPECT_EQ(D("2500").round_to_step(thousand).to_string(), "2000");
  EXPECT_EQ(D("2500.00").round_to_step(thousand, rounding_mode::half_up).to_string(), "3000");
  EXPECT_EQ(D("-2500").round_to_step(thousand, rounding_mode::floor).to_string(), "-3000");
  EXPECT_EQ(D("-2499.99").round_to_step(thousand).to_string(), "-2000");
  EXPECT_EQ(D("499.99").round_to_step(thousand).to_string(), "0");

  EXPECT_EQ(D("2.5").round_to_step(decimal(1)).to_string(), "2");
  EXPECT_EQ(D("12.345").round_to_step(D("0.01")).to_string(), "12.34");
  EXPECT_EQ(D("12.345").round_to_step(D("0.01"), rounding_mode::half_up).to_string(), "12.35");
  EXPECT_EQ(D("12.3").round_to_step(D("0.01")).to_string(), "12.30");

  EXPECT_THROW((void)D("1").round_to_step(decimal(0)), icm::decimal_error);
  EXPECT_THROW((void)D("1").round_to_step(D("-0.05")), icm::decimal_error);
}

TEST(DecimalRounding, Divide) {
  EXPECT_EQ(D("1").divide(D("3"), 4).to_string(), "0.3333");
  EXPECT_EQ(D("2").divide(D("3"), 4).to_string(), "0.6667");
  EXPECT_EQ(D("2").divide(D("3"), 4, rounding_mode::down).to_string(), "0.6666");
  EXPECT_EQ(D("-2").divide(D("3"), 0, rounding_mode::floor).to_string(), "-1");
  EXPECT_EQ(D("1").divide(D("8"), 2).to_string(), "0.12");  // 0.125 tie to even
  EXPECT_EQ(D("1").divide(D("-8"), 2, rounding_mode::half_up).to_string(), "-0.13");
  EXPECT_EQ(D("130000.00").divide(D("100000.00"), 16).to_string(), "1.3000000000000000");
  EXPECT_EQ(D("10").divide(D("0.5"), 0).to_string(), "20");
  EXPECT_THROW((void)D("1").divide(D("0.00"), 2), icm::decimal_error);
  EXPECT_THROW((void)D("1").divide(D("2"), -1), icm::decimal_error);
}

TEST(DecimalRounding, ModeNames) {
  for (rounding_mode m : all_modes) EXPECT_EQ(icm::parse_rounding_mode(icm::to_string(m)), m);
  EXPECT_EQ(icm::to_string(rounding_mode::half_even), "half_even");
  EXPECT_EQ(icm::to_string(rounding_mode::ceiling), "ceiling");
  EXPECT_EQ(icm::parse_rounding_mode("half_down"), rounding_mode::half_down);
  EXPECT_EQ(icm::parse_rounding_mode("HALF_EVEN"), std::nullopt);
  EXPECT_EQ(icm::parse_rounding_mode("bankers"), std::nullopt);
  EXPECT_EQ(icm::parse_rounding_mode(""), std::nullopt);
}

// ---------------------------------------------------------------------------
// Representation, ordering, scale.

TEST(Decimal, ComparisonAcrossScales) {
  EXPECT_EQ(D("1.50"), D("1.5"));
  EXPECT_EQ(D("1.50").to_string(), "1.50");
  EXPECT_LT(D("-0.001"), decimal(0));
  EXPECT_GT(D("0.001"), D("-0.001"));
  EXPECT_EQ(D("-0.00"), decimal(0));
  EXPECT_LT(D("99999999.99"), D("100000000"));
  EXPECT_EQ(min(D("2"), D("1.99")), D("1.99"));
  EXPECT_EQ(max(D("2"), D("1.99")), D("2"));
  // Scaling the int64 side would overflow: the order is still exact.
  EXPECT_GT(decimal(std::numeric_limits<std::int64_t>::max()), D("9.99"));
  EXPECT_LT(decimal(std::numeric_limits<std::int64_t>::min()), D("-9.99"));
  EXPECT_LT(D("9223372036854775807"), D("9223372036854775807.0000000000000000001"));
}

TEST(Decimal, WideValuesAndTheFastPathInvariant) {
  const decimal big(std::numeric_limits<std::int64_t>::max());
  const decimal sum = big + decimal(1);
  EXPECT_TRUE(sum.is_wide());
  EXPECT_EQ(sum.to_string(), "9223372036854775808");
  EXPECT_EQ(sum.coefficient(), std::nullopt);
  const decimal back = sum - decimal(1);
  EXPECT_FALSE(back.is_wide());  // normalised back to the fast path
  EXPECT_EQ(back.coefficient(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(back, big);

  const decimal product = big * big;
  EXPECT_EQ(product.to_string(), "85070591730234615847396907784232501249");
  EXPECT_EQ(product.divide(big, 0), big);
  EXPECT_FALSE(product.divide(big, 0).is_wide());

  decimal total = big;
  total += big;
  total -= big;
  EXPECT_EQ(total, big);
  EXPECT_FALSE(total.is_wide());

  const decimal min64(std::numeric_limits<std::int64_t>::min());
  const decimal negated = -min64;
  EXPECT_TRUE(negated.is_wide());
  EXPECT_EQ(negated.to_string(), "9223372036854775808");
  EXPECT_EQ(-negated, min64);
  EXPECT_FALSE((-negated).is_wide());
  EXPECT_EQ(min64.abs(), negated);
  EXPECT_EQ(min64.to_string(), "-9223372036854775808");
  EXPECT_EQ(D("-9223372036854775808").coefficient(), std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(D("9223372036854775808").is_wide());
}

TEST(Decimal, CopiesAndMovesShareTheWideCoefficient) {
  const decimal wide = D("123456789012345678901234567890.5");
  decimal copy = wide;  // shares the coefficient
  EXPECT_EQ(copy, wide);
  decimal moved = std::move(copy);
  EXPECT_EQ(moved, wide);
  EXPECT_EQ(copy, decimal(0));  // NOLINT(bugprone-use-after-move): moved-from is 0
  decimal x(7, 1);
  x = wide;  // fast <- wide
  EXPECT_EQ(x.to_string(), "123456789012345678901234567890.5");
  x = decimal(3);  // wide <- fast (by move)
  EXPECT_EQ(x, decimal(3));
  EXPECT_FALSE(x.is_wide());
  x = moved;
  x = x;  // self-assignment keeps the value
  EXPECT_EQ(x, wide);
  const decimal& same_x = x;
  x = std::move(const_cast<decimal&>(same_x));
  EXPECT_EQ(x, wide);
  std::vector<decimal> many(100, wide);
  many.push_back(decimal(1));
  many.insert(many.begin(), D("-99999999999999999999999"));
  decimal sum;
  for (const decimal& d : many) sum += d;
  EXPECT_EQ(sum, wide * decimal(100) + decimal(1) - D("99999999999999999999999"));
}

TEST(Decimal, ScaleLimits) {
  EXPECT_THROW(decimal(1, -1), icm::decimal_error);
  EXPECT_THROW(decimal(1, decimal::max_scale + 1), icm::decimal_error);
  const decimal tiny(1, 600);
  EXPECT_THROW((void)(tiny * tiny), icm::decimal_error);
  EXPECT_EQ((tiny + decimal(1)).scale(), 600);
  EXPECT_THROW((void)decimal(1).with_scale(decimal::max_scale + 1), icm::decimal_error);
}

TEST(Decimal, ScaledAndConversions) {
  EXPECT_EQ(D("1.5").scaled(2), 150);
  EXPECT_EQ(D("1.55").scaled(1), std::nullopt);
  EXPECT_EQ(D("1.50").scaled(1), 15);
  EXPECT_EQ(D("-12.00").to_int64(), -12);
  EXPECT_EQ(D("12.5").to_int64(), std::nullopt);
  EXPECT_EQ(D("92233720368547758070").to_int64(), std::nullopt);
  EXPECT_EQ(D("9223372036854775807.000000").to_int64(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(decimal(1).scaled(19), std::nullopt);
  EXPECT_EQ(decimal(0).scaled(50), 0);
  EXPECT_EQ(D("1.5").with_scale(3).to_string(), "1.500");
  EXPECT_EQ(D("1.555").with_scale(1).to_string(), "1.555");  // never drops digits
  EXPECT_EQ(D("-3.2").sign(), -1);
  EXPECT_EQ(D("0.000").sign(), 0);
  EXPECT_TRUE(D("-0.000").is_zero());
  EXPECT_EQ(D("-100000000000000000000000").sign(), -1);
  EXPECT_EQ(D("-3.2").abs().to_string(), "3.2");
}

TEST(Decimal, HashFollowsEquality) {
  EXPECT_EQ(D("1.5").hash(), D("1.500").hash());
  EXPECT_EQ(D("0").hash(), D("-0.00").hash());
  // A wide coefficient that is a small value once its zeros are dropped.
  const decimal five_wide = D("5.00000000000000000000");
  EXPECT_TRUE(five_wide.is_wide());
  EXPECT_EQ(five_wide, decimal(5));
  EXPECT_EQ(five_wide.hash(), decimal(5).hash());
  std::unordered_set<decimal> set{D("1.5"), D("1.50"), D("2"), five_wide, decimal(5)};
  EXPECT_EQ(set.size(), 3u);
}

TEST(Decimal, QuotientNormalisesAndComparesExactly) {
  const quotient q(decimal(1), decimal(-2));
  EXPECT_EQ(q.numerator(), decimal(-1));
  EXPECT_EQ(q.denominator(), decimal(2));
  EXPECT_EQ(quotient(decimal(1), decimal(2)), quotient(decimal(2), decimal(4)));
  EXPECT_EQ(quotient(decimal(1), decimal(2)), quotient::of(D("0.5")));
  EXPECT_LT(quotient(decimal(1), decimal(3)), quotient(D("0.3333333333333333333334"), decimal(1)));
  EXPECT_GT(quotient(decimal(1), decimal(3)), quotient(D("0.3333333333333333333333"), decimal(1)));
  EXPECT_EQ(quotient(decimal(2), decimal(3)).value(4).to_string(), "0.6667");
  EXPECT_THROW(quotient(decimal(1), D("0.00")), icm::decimal_error);
  EXPECT_EQ(quotient().value(2).to_string(), "0.00");
}

// ---------------------------------------------------------------------------
// Parsing and formatting.

TEST(DecimalText, RoundTrip) {
  for (const char* text : {"0", "1", "-1", "0.5", "-0.5", "1234.50", "-1234.50", "0.000001",
                           "9223372036854775807", "-9223372036854775808", "123456789012345678901234567890.123456789",
                           "-0.0000000000000000000000000001"}) {
    const auto d = decimal::parse(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->to_string(), text);
    EXPECT_EQ(fmt::format("{}", *d), text);
  }
  EXPECT_EQ(D("007.50").to_string(), "7.50");  // leading zeros are fine
  // ... also on numbers too long for the fast path (not octal, not lost).
  EXPECT_EQ(D("0000000000000000000000000000000000000000009.5").to_string(), "9.5");
  EXPECT_EQ(D("-0.00000000000000000000000000000000000000000").to_string(),
            "0.00000000000000000000000000000000000000000");
  EXPECT_EQ(D("0089898989898989898989898989").to_string(), "89898989898989898989898989");
  EXPECT_EQ(D("-0").to_string(), "0");
  EXPECT_EQ(D("-0.00").to_string(), "0.00");
  EXPECT_EQ(D("-000.000").scale(), 3);
  EXPECT_EQ(decimal(-5, 3).to_string(), "-0.005");
  EXPECT_EQ(fmt::format("[{:>8}]", D("-1.50")), "[   -1.50]");
  EXPECT_EQ(fmt::format("[{:<6}]", D("2.5")), "[2.5   ]");
}

TEST(DecimalText, LongestDigitStringsParseExactly) {
  std::string digits(decimal::max_text_length - 1, '7');
  const std::string text = "-" + digits;
  const decimal d = D(text);
  EXPECT_TRUE(d.is_wide());
  EXPECT_EQ(d.to_string(), text);
  std::string fraction = "0." + std::string(decimal::max_text_length - 3, '0') + "1";
  EXPECT_EQ(D(fraction).to_string(), fraction);
  EXPECT_EQ(D(fraction).scale(), static_cast<int>(decimal::max_text_length - 2));
  EXPECT_GT(D(fraction), decimal(0));
}

struct rejected {
  std::string text;
  std::size_t offset;
  const char* message_part;
};

TEST(DecimalText, RejectsWithOffsetAndReason) {
  const std::vector<rejected> cases = {
      {"1e5", 1, "unexpected 'e', expected a digit, '.' or the end of the number"},
      {"1,000", 1, "unexpected ',', expected a digit, '.' or the end of the number"},
      {"--1", 1, "unexpected '-', expected a digit after '-'"},
      {"+1", 0, "unexpected '+', expected '-' or a digit"},
      {"", 0, "expected a number"},
      {".", 0, "unexpected '.', expected '-' or a digit"},
      {".5", 0, "unexpected '.', expected '-' or a digit"},
      {"5.", 2, "expected a digit after '.'"},
      {" 1", 0, "unexpected ' ', expected '-' or a digit"},
      {"1 ", 1, "unexpected ' ', expected a digit, '.' or the end of the number"},
      {"0x10", 1, "unexpected 'x'"},
      {"-", 1, "expected a digit after '-'"},
      {"-.5", 1, "expected a digit after '-'"},
      {"1.x", 2, "unexpected 'x', expected a digit after '.'"},
      {"1.2.3", 3, "unexpected '.', expected a digit or the end of the number"},
      {"12\t", 2, "unexpected '\\x09'"},
      {std::string(decimal::max_text_length + 1, '1'), decimal::max_text_length, "number too long"},
  };
  for (const rejected& c : cases) {
    icm::decimal_syntax_error error;
    EXPECT_EQ(decimal::parse(c.text, &error), std::nullopt) << c.text;
    EXPECT_EQ(error.offset, c.offset) << c.text;
    EXPECT_NE(error.message.find(c.message_part), std::string::npos)
        << c.text << ": " << error.message;
    EXPECT_EQ(decimal::parse(c.text), std::nullopt);  // no error out-parameter
  }
  EXPECT_TRUE(decimal::parse(std::string(decimal::max_text_length, '1')));
}

TEST(DecimalText, ParseOrThrowSaysWhatAndWhere) {
  try {
    (void)decimal::parse_or_throw("1e5");
    FAIL() << "no exception";
  } catch (const icm::decimal_error& e) {
    EXPECT_STREQ(e.what(),
                 "bad number '1e5': unexpected 'e', expected a digit, '.' or the end of the number "
                 "(at offset 1)");
  }
  EXPECT_THROW((void)decimal::parse_or_throw("5."), icm::decimal_error);
}

// ---------------------------------------------------------------------------
// Property test against an independent cpp_int reference.

using big = boost::multiprecision::cpp_int;

// A reference decimal: coefficient / 10^scale, with its own arithmetic.
struct ref {
  big c;
  int s = 0;
};

const big& ten_to(int n) {
  static const std::vector<big> table = [] {
    std::vector<big> t(100, big(1));
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table.at(static_cast<std::size_t>(n));
}

std::string ref_text(const ref& r) {
  std::string digits = (r.c < 0 ? big(-r.c) : r.c).str();
  while (digits.size() <= static_cast<std::size_t>(r.s)) digits = "0" + digits;
  std::string out = r.c < 0 ? "-" : "";
  out += digits.substr(0, digits.size() - r.s);
  if (r.s > 0) out += "." + digits.substr(digits.size() - r.s);
  return out;
}

big floor_div(const big& n, const big& d) {  // d > 0
  big q = n / d;
  if (q * d > n) q -= 1;
  return q;
}

// num / den (den > 0) rounded to an integer in `mode`, from the floor and the
// fraction left over: a different route from the implementation's.
big ref_round(const big& num, const big& den, rounding_mode mode) {
  const big lo = floor_div(num, den);
  const big frac = num - lo * den;  // in [0, den)
  if (frac == 0) return lo;
  const big hi = lo + 1;
  const bool positive = num > 0;
  switch (mode) {
    case rounding_mode::floor: return lo;
    case rounding_mode::ceiling: return hi;
    case rounding_mode::down: return positive ? lo : hi;
    case rounding_mode::up: return positive ? hi : lo;
    default: break;
  }
  if (2 * frac < den) return lo;
  if (2 * frac > den) return hi;
  switch (mode) {
    case rounding_mode::half_up: return positive ? hi : lo;
    case rounding_mode::half_down: return positive ? lo : hi;
    default: return (lo % 2 == 0) ? lo : hi;
  }
}

// num / den as a fraction with a positive denominator.
void normalise(big& num, big& den) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
}

ref random_ref(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int> small_scale(0, 4);
  std::uniform_int_distribution<std::int64_t> small(-2'000'000, 2'000'000);
  const std::int64_t max64 = std::numeric_limits<std::int64_t>::max();
  const std::int64_t min64 = std::numeric_limits<std::int64_t>::min();
  ref r;
  switch (kind(rng)) {
    case 0: case 1: case 2: case 3:  // amounts and rates
      r.c = small(rng);
      r.s = small_scale(rng);
      break;
    case 4: case 5: {  // near the int64 limits
      const std::int64_t off = std::uniform_int_distribution<std::int64_t>(0, 1000)(rng);
      r.c = (rng() & 1) ? big(max64 - off) : big(min64 + off);
      r.s = std::uniform_int_distribution<int>(0, 18)(rng);
      break;
    }
    case 6: case 7:  // any int64 at a high scale
      r.c = static_cast<std::int64_t>(rng());
      r.s = std::uniform_int_distribution<int>(8, 30)(rng);
      break;
    case 8: {  // wide: 20 to 40 digits
      const int n = std::uniform_int_distribution<int>(20, 40)(rng);
      std::string digits(1, static_cast<char>('1' + rng() % 9));
      for (int i = 1; i < n; ++i) digits += static_cast<char>('0' + rng() % 10);
      r.c = big(digits);
      if (rng() & 1) r.c = -r.c;
      r.s = std::uniform_int_distribution<int>(0, 25)(rng);
      break;
    }
    default:  // zero and tiny values
      r.c = static_cast<std::int64_t>(rng() % 21) - 10;
      r.s = small_scale(rng);
      break;
  }
  return r;
}

decimal make(const ref& r) {
  if (r.c >= std::numeric_limits<std::int64_t>::min() && r.c <= std::numeric_limits<std::int64_t>::max())
    return decimal(r.c.convert_to<std::int64_t>(), r.s);
  return D(ref_text(r));
}

bool fits64(const big& c) {
  return c >= std::numeric_limits<std::int64_t>::min() && c <= std::numeric_limits<std::int64_t>::max();
}

// The decimal is exactly the reference: same text, same scale, and wide iff
// the coefficient does not fit an int64.
// Compared as text when wide (and for every 8th value, to test to_string);
// otherwise the int64 coefficient is compared directly, which is faster.
::testing::AssertionResult same(const decimal& got, const ref& want) {
  static unsigned calls = 0;
  bool ok = got.scale() == want.s && got.is_wide() != fits64(want.c);
  if (ok && !got.is_wide()) ok = big(*got.coefficient()) == want.c;
  if (ok && (got.is_wide() || ++calls % 8 == 0)) ok = got.to_string() == ref_text(want);
  if (!ok)
    return ::testing::AssertionFailure() << "got " << got.to_string() << " (scale " << got.scale()
                                         << (got.is_wide() ? ", wide" : "") << "), want "
                                         << ref_text(want);
  return ::testing::AssertionSuccess();
}

TEST(DecimalProperty, MatchesCppIntReference) {
  std::mt19937_64 rng(20260214);
  constexpr int pairs = 120'000;  // 240,000 random values
  const std::vector<ref> steps = {{5, 2}, {1, 0}, {1000, 0}, {1, 2}, {25, 3}};
  const std::vector<decimal> step_decimals = {D("0.05"), D("1"), D("1000"), D("0.01"), D("0.025")};
  const int digit_choices[] = {0, 2, 4, 16};
  int failures = 0;
  for (int i = 0; i < pairs && failures < 20; ++i) {
    const ref ra = random_ref(rng), rb = random_ref(rng);
    const decimal a = make(ra), b = make(rb);
    const int s = std::max(ra.s, rb.s);
    const big ca = ra.c * ten_to(s - ra.s), cb = rb.c * ten_to(s - rb.s);
    const rounding_mode mode = all_modes[rng() % 7];
    auto check = [&](::testing::AssertionResult r, const char* what) {
      if (!r) {
        ++failures;
        ADD_FAILURE() << what << " of " << ref_text(ra) << " and " << ref_text(rb) << " in "
                      << icm::to_string(mode) << ": " << r.message();
      }
    };
    check(same(a, ra), "construction");
    check(same(a + b, ref{ca + cb, s}), "sum");
    check(same(a - b, ref{ca - cb, s}), "difference");
    check(same(a * b, ref{ra.c * rb.c, ra.s + rb.s}), "product");

    // Order from the sign of the cross difference a.c * 10^sb - b.c * 10^sa.
    const big cross = ra.c * ten_to(rb.s) - rb.c * ten_to(ra.s);
    const auto want_order = cross < 0 ? std::strong_ordering::less
                                      : (cross > 0 ? std::strong_ordering::greater
                                                   : std::strong_ordering::equal);
    if ((a <=> b) != want_order || (a == b) != (cross == 0)) check(::testing::AssertionFailure(), "order");
    if (a == b && a.hash() != b.hash()) check(::testing::AssertionFailure(), "hash");

    // Division: a / b at a chosen number of digits, in the chosen mode.
    const int digits = digit_choices[rng() % 4];
    if (rb.c == 0) {
      EXPECT_THROW((void)a.divide(b, digits, mode), icm::decimal_error);
    } else {
      big num = ra.c * ten_to(rb.s + digits), den = rb.c * ten_to(ra.s);
      normalise(num, den);
      check(same(a.divide(b, digits, mode), ref{ref_round(num, den, mode), digits}), "quotient");
    }

    // Rounding to some digits (padding when there are fewer).
    const int round_digits = static_cast<int>(rng() % 6);
    const ref want_round = round_digits >= ra.s
                               ? ref{ra.c * ten_to(round_digits - ra.s), round_digits}
                               : ref{ref_round(ra.c, ten_to(ra.s - round_digits), mode), round_digits};
    check(same(a.round(round_digits, mode), want_round), "round");

    // Rounding to a step k / 10^t: count = round(a.c * 10^t / (k * 10^sa)).
    const std::size_t si = rng() % steps.size();
    const ref& st = steps[si];
    const big count = ref_round(ra.c * ten_to(st.s), st.c * ten_to(ra.s), mode);
    check(same(a.round_to_step(step_decimals[si], mode), ref{count * st.c, st.s}), "round_to_step");
  }
  EXPECT_EQ(failures, 0);
}

// Quotients: the exact order of a/b and c/d against the reference.
TEST(DecimalProperty, QuotientOrderMatchesReference) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20'000; ++i) {
    ref n1 = random_ref(rng), d1 = random_ref(rng), n2 = random_ref(rng), d2 = random_ref(rng);
    if (d1.c == 0 || d2.c == 0) continue;
    const quotient q1(make(n1), make(d1)), q2(make(n2), make(d2));
    // n1/d1 <=> n2/d2 with rational arithmetic on (c, s) pairs.
    big a = n1.c * ten_to(d1.s), b = d1.c * ten_to(n1.s);  // n1/d1 = a/b
    big c = n2.c * ten_to(d2.s), d = d2.c * ten_to(n2.s);
    normalise(a, b);
    normalise(c, d);
    const big cross = a * d - c * b;
    const auto want = cross < 0 ? std::strong_ordering::less
                                : (cross > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
    ASSERT_EQ(q1 <=> q2, want) << ref_text(n1) << "/" << ref_text(d1) << " vs " << ref_text(n2) << "/"
                               << ref_text(d2);
  }
}

}  // namespace
