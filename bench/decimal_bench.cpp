// The commission kernel: 1,000,000 (amount, payee) credits at scale 2, each
// times a rate of scale 4 (0.0825), accumulated per payee (10,000 payees) and
// each total rounded half-even to cents. Three versions of the same loop:
//   decimal  - icm::decimal, what the evaluator uses;
//   raw_i64  - scaled int64 with checked builtins written by hand, the best a
//              hot loop could do while staying exact;
//   double   - the inexact baseline (see the comment on BM_commission_double).
// The exact versions must give identical cent totals, checked before any
// timing counts; the target is decimal within 3x of double.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "icm/decimal.hpp"

namespace {

constexpr std::size_t credit_count = 1'000'000;
constexpr std::size_t payee_count = 10'000;
constexpr std::int64_t rate_coefficient = 825;  // 0.0825 at scale 4

struct credits {
  std::vector<std::int64_t> cents;      // amount at scale 2
  std::vector<icm::decimal> amounts;    // the same amounts as decimals
  std::vector<double> amount_doubles;   // and as doubles, for the baseline only
  std::vector<std::uint32_t> payee;
};

const credits& data() {
  static const credits c = [] {
    credits out;
    std::mt19937_64 rng(42);
    // Amounts from 0.01 to 250,000.00; one credit in 20 is a negative adjustment.
    std::uniform_int_distribution<std::int64_t> amount(1, 25'000'000);
    std::uniform_int_distribution<std::uint32_t> payee(0, payee_count - 1);
    for (std::size_t i = 0; i < credit_count; ++i) {
      std::int64_t cents = amount(rng);
      if (rng() % 20 == 0) cents = -cents;
      out.cents.push_back(cents);
      out.amounts.emplace_back(cents, 2);
      out.amount_doubles.push_back(static_cast<double>(cents) / 100.0);
      out.payee.push_back(payee(rng));
    }
    return out;
  }();
  return c;
}

// (a) icm::decimal: totals at scale 6 (2 + 4) so += stays on its in-place path.
std::vector<std::int64_t> payouts_decimal(const credits& c) {
  const icm::decimal rate(rate_coefficient, 4);
  std::vector<icm::decimal> totals(payee_count, icm::decimal(0, 6));
  // Local pointers: the stores into totals could otherwise alias the vectors.
  const icm::decimal* amounts = c.amounts.data();
  const std::uint32_t* payee = c.payee.data();
  icm::decimal* total = totals.data();
  for (std::size_t i = 0; i < credit_count; ++i) total[payee[i]] += amounts[i] * rate;
  std::vector<std::int64_t> cents(payee_count);
  for (std::size_t p = 0; p < payee_count; ++p) {
    const icm::decimal rounded = totals[p].round(2, icm::rounding_mode::half_even);
    cents[p] = rounded.scaled(2).value_or(INT64_MIN);
  }
  return cents;
}

// Half-even division of a scale-6 total by 10^4, to cents.
std::int64_t round_half_even_to_cents(std::int64_t total) {
  constexpr std::int64_t unit = 10'000;
  std::int64_t q = total / unit, r = total % unit;
  const std::int64_t twice = 2 * (r < 0 ? -r : r);
  if (twice > unit || (twice == unit && q % 2 != 0)) q += total < 0 ? -1 : 1;
  return q;
}

// (b) raw scaled int64 with the checked builtins; false on overflow.
bool payouts_raw(const credits& c, std::vector<std::int64_t>& cents) {
  std::vector<std::int64_t> totals(payee_count, 0);
  const std::int64_t* amounts = c.cents.data();
  const std::uint32_t* payee = c.payee.data();
  bool overflow = false;
  for (std::size_t i = 0; i < credit_count; ++i) {
    std::int64_t product;
    std::int64_t& total = totals[payee[i]];
    overflow |= __builtin_mul_overflow(amounts[i], rate_coefficient, &product);
    overflow |= __builtin_add_overflow(total, product, &total);
  }
  cents.resize(payee_count);
  for (std::size_t p = 0; p < payee_count; ++p) cents[p] = round_half_even_to_cents(totals[p]);
  return !overflow;
}

// Checked once, before any timing counts: the exact versions agree to the cent.
bool exact_versions_agree() {
  static const bool agree = [] {
    std::vector<std::int64_t> raw;
    return payouts_raw(data(), raw) && raw == payouts_decimal(data());
  }();
  return agree;
}

void BM_commission_decimal(benchmark::State& state) {
  const credits& c = data();
  if (!exact_versions_agree()) return state.SkipWithError("decimal and raw_i64 cent totals differ");
  for (auto _ : state) {
    auto cents = payouts_decimal(c);
    benchmark::DoNotOptimize(cents.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * credit_count));
}

void BM_commission_raw_i64(benchmark::State& state) {
  const credits& c = data();
  if (!exact_versions_agree()) return state.SkipWithError("decimal and raw_i64 cent totals differ");
  std::vector<std::int64_t> cents;
  for (auto _ : state) {
    if (!payouts_raw(c, cents)) return state.SkipWithError("int64 overflow");
    benchmark::DoNotOptimize(cents.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * credit_count));
}

// (c) double: NOT exact and never used for money in icm. It is here only as
// the speed a naive implementation would reach, the yardstick for the cost of
// exactness (the target is icm::decimal within 3x of it). Its totals are not
// compared with the exact ones: 0.0825 and most cent amounts have no binary
// representation, so its cents can differ on ties.
void BM_commission_double(benchmark::State& state) {
  const credits& c = data();
  const double rate = 0.0825;
  for (auto _ : state) {
    std::vector<double> totals(payee_count, 0.0);
    const double* amounts = c.amount_doubles.data();
    const std::uint32_t* payee = c.payee.data();
    double* total = totals.data();
    for (std::size_t i = 0; i < credit_count; ++i) total[payee[i]] += amounts[i] * rate;
    for (double& t : totals) t = std::nearbyint(t * 100.0) / 100.0;
    benchmark::DoNotOptimize(totals.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * credit_count));
}

BENCHMARK(BM_commission_decimal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_commission_raw_i64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_commission_double)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
