// Crediting: transactions -> credits -> aggregates. See crediting.hpp.
#include "eval/crediting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <tuple>

namespace icm::eval {

plan_calendar::plan_calendar(const check::plan_settings& s) {
  periods = periods_of_year(s.year, s.unit);
  first_day = icm::first_day(periods.front()).days;
  last_day = icm::last_day(periods.back()).days;
  period_of_day.resize(static_cast<std::size_t>(last_day - first_day + 1));
  for (std::size_t i = 0; i < periods.size(); ++i)
    for (auto d = icm::first_day(periods[i]).days; d <= icm::last_day(periods[i]).days; ++d)
      period_of_day[static_cast<std::size_t>(d - first_day)] = static_cast<std::int8_t>(i);
}

namespace {

constexpr const char* reason_names[] = {"outside_plan_year", "no_credit_rule", "payee_not_on_plan",
                                        "outside_employment"};

// Division of a magnitude below 2^63 by d = 10^k (0 <= k <= 18) as a
// multiply and a shift (Granlund-Montgomery: m = ceil(2^(63+l) / d), l =
// ceil(log2 d); the quotient is the high word of n x m shifted right by
// l - 1), so that rounding a credit costs no hardware division. k = 0 keeps
// n: m = 0 and `keep` all ones, so the caller needs no branch on k.
struct pow10_divisor {
  std::uint64_t d = 1;
  std::uint64_t m = 0;
  int post_shift = 0;
  std::uint64_t keep = ~std::uint64_t{0};
};

const std::array<pow10_divisor, 19> divisors = [] {
  std::array<pow10_divisor, 19> t{};
  std::uint64_t d = 1;
  for (int k = 1; k <= 18; ++k) {
    d *= 10;
    int l = 0;
    while ((std::uint64_t{1} << l) < d) ++l;
    const uint128 top = uint128{1} << (63 + l);
    t[static_cast<std::size_t>(k)] = {d, static_cast<std::uint64_t>((top + d - 1) / d), l - 1, 0};
  }
  return t;
}();

// Whether a quotient q with remainder r of divisor d, of a magnitude whose
// sign is `negative`, rounds away from zero under `mode`.
template <class U>
bool rounds_away(U q, U r, U d, bool negative, rounding_mode mode) {
  switch (mode) {
    // `|` and `&`, not `||` and `&&`: half the credits round up, at random,
    // and a branch on it would be mispredicted as often.
    case rounding_mode::half_even: return (2 * r > d) | ((2 * r == d) & ((q & 1) != 0));
    case rounding_mode::half_up: return 2 * r >= d;
    case rounding_mode::half_down: return 2 * r > d;
    case rounding_mode::down: return false;
    case rounding_mode::up: return r != 0;
    case rounding_mode::floor: return negative & (r != 0);
    case rounding_mode::ceiling: return !negative & (r != 0);
  }
  return false;
}

// v / 10^k rounded by `mode`, for |v| < 2^63 and 0 <= k <= 18: the common
// credit, with no 128-bit division (k = 0 returns v: no branch on k).
inline std::int64_t round_small(std::int64_t v, int k, rounding_mode mode) {
  const bool negative = v < 0;
  const std::uint64_t n = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  const auto& div = divisors[static_cast<std::size_t>(k)];
  const auto high = static_cast<std::uint64_t>((static_cast<uint128>(n) * div.m) >> 64);
  const std::uint64_t q = (high >> div.post_shift) | (n & div.keep);
  const std::uint64_t r = n - q * div.d;
  const auto s = static_cast<std::int64_t>(q + (rounds_away(q, r, div.d, negative, mode) ? 1 : 0));
  return negative ? -s : s;
}

// Whether `Mode` rounds to the nearest (ties decided by the mode).
constexpr bool to_nearest(rounding_mode m) {
  return m == rounding_mode::half_even || m == rounding_mode::half_up || m == rounding_mode::half_down;
}

// v / e.d rounded by `Mode`, for |v| < 2^61, from the floor of a biased
// quotient: n = v + bias is in [0, 2^63) (bias = lowest x d, lowest even,
// plus d / 2 for the modes to the nearest), q = floor(n / d) by the multiply
// and shift, so q - lowest is floor(v / d), or for the modes to the nearest
// floor(v / d + 1/2), a tie being a remainder of 0. No sign to take off and
// put back, and no comparison of the remainder with d / 2.
template <rounding_mode Mode>
inline std::int64_t round_from_floor(std::int64_t v, const word_entry& e) {
  const std::uint64_t n = static_cast<std::uint64_t>(v) + e.bias;
  const std::uint64_t q = static_cast<std::uint64_t>((static_cast<uint128>(n) * e.m) >> 64) >> e.post_shift;
  const std::uint64_t r = n - q * e.d;
  const bool negative = v < 0;
  std::uint64_t adjust = 0;  // subtracted (to the nearest) or added (the others)
  // `|` and `&`, not `||` and `&&`: the outcomes are as random as the credits.
  switch (Mode) {
    case rounding_mode::half_even: adjust = (r == 0) & q; break;      // a tie to an odd q: back to even
    case rounding_mode::half_up: adjust = (r == 0) & negative; break;  // ties away from 0
    case rounding_mode::half_down: adjust = (r == 0) & !negative; break;
    case rounding_mode::down: adjust = negative & (r != 0); break;     // toward 0
    case rounding_mode::up: adjust = !negative & (r != 0); break;      // away from 0
    case rounding_mode::floor: adjust = 0; break;
    case rounding_mode::ceiling: adjust = r != 0; break;
  }
  // q - lowest wraps below 0 for a negative quotient: the cast gives it back.
  const auto floor = static_cast<std::int64_t>(q - e.lowest);
  return to_nearest(Mode) ? floor - static_cast<std::int64_t>(adjust) : floor + static_cast<std::int64_t>(adjust);
}

// q = v / 10^k rounded by `mode`; v any int128, k >= 1. nullopt beyond int64.
std::optional<std::int64_t> round_scaled(int128 v, int k, rounding_mode mode) {
  if (k <= 18 && v > INT64_MIN && v <= INT64_MAX) return round_small(static_cast<std::int64_t>(v), k, mode);
  if (k > 38) return std::nullopt;  // leave it to the decimal path
  const bool negative = v < 0;
  const uint128 mag = negative ? -static_cast<uint128>(v) : static_cast<uint128>(v);
  uint128 d = 1;
  for (int i = 0; i < k; ++i) d *= 10;
  const uint128 q = mag / d + (rounds_away(mag / d, mag % d, d, negative, mode) ? 1 : 0);
  if (q > static_cast<uint128>(INT64_MAX)) return std::nullopt;
  const auto s = static_cast<std::int64_t>(q);
  return negative ? -s : s;
}

bool is_currency_code(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

decimal decimal_from_i128(int128 v, int scale) {
  if (v >= INT64_MIN && v <= INT64_MAX) return decimal(static_cast<std::int64_t>(v), scale);
  // Rare: a sum beyond int64 goes through its digits, exactly.
  bool negative = v < 0;
  uint128 u = negative ? -static_cast<uint128>(v) : static_cast<uint128>(v);
  std::string digits;
  while (u > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  while (digits.size() <= static_cast<std::size_t>(scale)) digits.insert(digits.begin(), '0');
  if (scale > 0) digits.insert(digits.end() - scale, '.');
  if (negative) digits.insert(digits.begin(), '-');
  return decimal::parse_or_throw(digits);
}

unsigned thread_count(unsigned requested) {
  if (requested > 0) return std::min(requested, 256u);
  return std::max(1u, std::thread::hardware_concurrency());
}

// ---- currency_book ------------------------------------------------------------

currency_book::currency_book(const credit_kernel& kernel)
    : kernel_(&kernel), rules_(kernel.rules_.size()), periods_(kernel.period_count()) {
  slot("");  // slot 0: the plan currency, written as an empty cell or no column
}

std::uint32_t currency_book::slot(std::string_view code) {
  if (auto it = index_.find(code); it != index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(codes_.size());
  codes_.emplace_back(code);
  index_.emplace(std::string(code), id);
  truth_.push_back(kernel_->texts_.truth(kernel_->texts_.currency_slot(), code));
  const auto& k = *kernel_;
  const bool plan_currency = code.empty() || code == k.currency_;
  const std::vector<std::optional<decimal>>* rates = nullptr;
  if (!plan_currency)
    if (auto it = k.fx_.find(std::string(code)); it != k.fx_.end()) rates = &it->second;
  for (std::size_t p = 0; p < periods_; ++p) {
    if (plan_currency) rates_.emplace_back(decimal(1));
    else if (rates) rates_.push_back((*rates)[p]);
    else rates_.emplace_back();
  }
  for (std::size_t r = 0; r < rules_; ++r) {
    for (std::size_t p = 0; p < periods_; ++p) {
      credit_factor f;
      const auto& rate = rates_[id * periods_ + p];
      if (!rate) {
        f.missing = true;
      } else {
        decimal product = k.plan_.rules[r].weight * *rate;
        if (auto c = product.coefficient(); c && !product.is_wide()) {
          f.coefficient = *c;
          f.scale = product.scale();
          f.fast = true;
        }
      }
      factors_.push_back(f);
    }
  }
  return id;
}

// ---- credit_kernel ------------------------------------------------------------

credit_kernel::credit_kernel(const compile::compiled_plan& plan, const dataset& data,
                             const plan_calendar& calendar, const std::vector<std::uint8_t>& on_plan,
                             diagnostics& diags)
    : plan_(plan), calendar_(calendar), texts_(plan, data.payees) {
  const auto& s = plan.settings();
  minor_digits_ = s.minor_digits;
  mode_ = s.rounding;
  rollup_depth_ = s.rollup_depth;
  currency_ = s.currency;
  slots_ = plan.aggregates.size();
  if (texts_.too_many())
    diags.error({}, "more than 64 text conditions on one column in the credit rules and filters");
  for (const auto& r : plan.rules) rules_.emplace_back(r.condition, texts_, s.minor_digits);
  // The rule table, when one text slot of at most 10 tests decides every rule.
  std::optional<std::size_t> decider = row_filter::every_slot;
  for (const auto& r : rules_) {
    const auto slot = r.deciding_slot();
    if (!slot || (*slot != row_filter::every_slot && *decider != row_filter::every_slot && *slot != *decider))
      decider = std::nullopt;
    if (!decider) break;
    if (*slot != row_filter::every_slot) decider = slot;
  }
  if (decider && !texts_.too_many() && rules_.size() < 0xffff && data.payees.size() > 0) {
    rule_slot_ = *decider == row_filter::every_slot ? texts_.currency_slot() : *decider;
    const std::size_t bits = *decider == row_filter::every_slot ? 0 : texts_.test_count(rule_slot_);
    if (bits <= 10) {
      rule_word_mask_ = (std::uint64_t{1} << bits) - 1;
      rule_of_word_.resize(std::size_t{1} << bits);
      for (std::uint64_t word = 0; word < rule_of_word_.size(); ++word) {
        std::size_t r = 0;
        while (r < rules_.size() && !rules_[r].holds_for_word(word)) ++r;
        rule_of_word_[word] = static_cast<std::uint32_t>(r * (calendar.periods.size() + 1));
      }
    }
  }
  for (std::uint32_t a = 0; a < plan.aggregates.size(); ++a) {
    filters_.emplace_back(plan.aggregates[a].filter, texts_, s.minor_digits);
    (filters_.back().empty() ? plain_aggregates_ : filtered_aggregates_).push_back(a);
    switch (plan.aggregates[a].fn) {
      case check::aggregate_fn::sum: lane_sum_ = true; break;
      case check::aggregate_fn::count: lane_count_ = true; break;
      case check::aggregate_fn::min: lane_min_ = lane_count_ = true; break;
      case check::aggregate_fn::max: lane_max_ = lane_count_ = true; break;
      case check::aggregate_fn::avg: lane_sum_ = lane_count_ = true; break;
    }
  }
  const auto& ps = data.payees;
  payees_.resize(ps.size());
  eligible_.resize(ps.size());
  for (std::size_t p = 0; p < ps.size(); ++p) {
    payees_[p] = {ps.hire_date[p], ps.end_date[p], ps.manager[p], on_plan[p]};
    const bool ever = on_plan[p] && ps.hire_date[p] <= ps.end_date[p];
    eligible_[p] = ever ? eligibility{ps.hire_date[p], static_cast<std::uint32_t>(ps.end_date[p]) -
                                                           static_cast<std::uint32_t>(ps.hire_date[p])}
                        : eligibility{INT32_MAX, 0};
  }

  // FX: rate per (currency, period). The plan currency is 1.
  const std::string fx_file = data.file_path("fx.csv");
  const std::size_t periods = calendar.periods.size();
  for (std::size_t i = 0; i < data.fx.size(); ++i) {
    const auto& when = data.fx.when[i];
    if (when.unit != s.unit) {
      diags.error({fx_file, data.fx.line[i], 1, 1},
                  fmt::format("rate for period {} but the plan's periods are {}s", to_string(when),
                              to_string(s.unit)));
      continue;
    }
    if (when.year != s.year) continue;  // another plan year's rates
    const std::string code(data.strings.view(data.fx.currency[i]));
    if (code == s.currency) {
      if (data.fx.rate[i] != decimal(1))
        diags.error({fx_file, data.fx.line[i], 1, 1},
                    fmt::format("{} is the plan currency: its rate is 1, not {}", s.currency, data.fx.rate[i]));
      continue;
    }
    auto& v = fx_[code];
    v.resize(periods);
    v[when.index - 1u] = data.fx.rate[i];
  }
}

std::uint32_t credit_kernel::add_split_group(const std::vector<std::pair<std::uint32_t, decimal>>& shares) {
  for (const auto& [payee, share] : shares) {
    split_share s{payee, share};
    if (auto c = share.coefficient(); c && !share.is_wide()) {
      s.coefficient = *c;
      s.scale = share.scale();
      s.fast = true;
    }
    split_shares_.push_back(s);
  }
  split_begin_.push_back(static_cast<std::uint32_t>(split_shares_.size()));
  return static_cast<std::uint32_t>(split_begin_.size() - 2);
}

credit_accumulator credit_kernel::make_accumulator(const currency_book& book) const {
  credit_accumulator acc;
  const std::size_t cells = payees_.size() * period_count() * slots_;
  // One cell more: credit_by_word adds 0 for a row outside the plan year
  // at period `periods` of its payee, past the last payee's cells.
  if (lane_sum_) acc.sum.assign(cells + 1, 0);
  if (lane_count_) acc.count.assign(cells, 0);
  if (lane_min_) acc.min.assign(cells, INT64_MAX);
  if (lane_max_) acc.max.assign(cells, INT64_MIN);
  acc.book = &book;
  return acc;
}

void credit_kernel::give(credit_accumulator& acc, const txn_chunk& c, std::size_t row, std::uint32_t payee,
                         int period, std::int64_t minor, bool rollup) const {
  ++acc.credits;
  const std::size_t base = (payee * period_count() + static_cast<std::size_t>(period)) * slots_;
  auto add = [&](std::size_t i) {
    if (lane_sum_) {
      std::int64_t total;
      if (__builtin_add_overflow(acc.sum[i], minor, &total)) {
        acc.wide.emplace_back(i, acc.sum[i]);
        total = minor;
      }
      acc.sum[i] = total;
    }
    if (lane_count_) ++acc.count[i];
    if (lane_min_) acc.min[i] = std::min(acc.min[i], minor);
    if (lane_max_) acc.max[i] = std::max(acc.max[i], minor);
  };
  for (auto a : plain_aggregates_) add(base + a);
  if (!filtered_aggregates_.empty()) {
    const credit_view view{minor, rollup};
    for (auto a : filtered_aggregates_)
      if (filters_[a].matches(c, row, view)) add(base + a);
  }
}

std::optional<std::int64_t> credit_kernel::credit_minor(const txn_chunk& c, std::size_t row,
                                                        const credit_factor& f, std::size_t rule,
                                                        const split_share* share, const decimal& rate) const {
  // amount x weight x rate (x share) exactly in int128 at the sum of their
  // scales, then one rounding to the minor unit: the decimal path's result.
  int128 v = 0;
  int k = 0;
  bool fast = f.fast && (share == nullptr || share->fast);
  if (fast) {
    v = static_cast<int128>(c.amount[row]) * f.coefficient;  // two int64: fits
    k = c.amount_scale + f.scale - minor_digits_;
    if (share) {
      fast = !__builtin_mul_overflow(v, static_cast<int128>(share->coefficient), &v);
      k += share->scale;
    }
  }
  if (fast) {
    if (k > 0) {
      if (auto q = round_scaled(v, k, mode_)) return q;
    } else {
      int128 q = v;
      bool ok = true;
      for (int i = k; i < 0 && ok; ++i) {
        ok = q < (int128{1} << 120) && q > -(int128{1} << 120);
        q *= 10;
      }
      if (ok && q >= INT64_MIN && q <= INT64_MAX) return static_cast<std::int64_t>(q);
    }
  }
  // Splits, wide factors and products beyond the fast path: exact decimals.
  const decimal one(1);
  decimal exact =
      decimal(c.amount[row], c.amount_scale) * (share ? share->share : one) * plan_.rules[rule].weight * rate;
  return exact.round(minor_digits_, mode_).scaled(minor_digits_);
}

void credit_kernel::roll_up(credit_accumulator& acc, const txn_chunk& c, std::size_t row, std::uint32_t manager,
                            int period, std::int64_t minor, const credit_record* traced) const {
  const std::int32_t day = c.date[row];
  auto mgr = manager;
  for (int level = 0; level < rollup_depth_ && mgr != no_payee; ++level, mgr = payees_[mgr].manager) {
    const payee_state& ms = payees_[mgr];
    if (!ms.on_plan || day < ms.hire || day > ms.end) continue;
    give(acc, c, row, mgr, period, minor, true);
    if (traced && mgr == acc.trace_payee) {
      acc.trace->push_back(*traced);
      acc.trace->back().payee = mgr;
      acc.trace->back().rollup = true;
    }
  }
}

int credit_kernel::credit_row(const txn_chunk& c, std::size_t i, std::size_t r, int period,
                              const currency_book& book, credit_accumulator& acc) const {
  const std::int32_t day = c.date[i];
  const std::uint32_t slot = c.text.back().ids ? c.text.back().ids[i] : 0;
  // Recipients: the split rows, or the payee with share 1.
  const split_share* first = nullptr;
  std::size_t count = 1;
  const std::uint32_t group = c.split ? c.split[i] : 0;
  if (group != 0) {
    // A pointer, not operator[]: a group may have no recipients (the
    // streaming run keeps a splits.csv group whose rows all had errors,
    // reported, so that transactions.csv is still read), and then its
    // begin is the end of split_shares_.
    first = split_shares_.data() + split_begin_[group - 1];
    count = split_begin_[group] - split_begin_[group - 1];
  }
  int reason = -1;  // of the first recipient not credited, when none is
  bool any = false;
  const credit_factor& f = book.factor(slot, r, period);
  const decimal one(1);
  for (std::size_t k = 0; k < count; ++k) {
    const std::uint32_t p = first ? first[k].payee : c.payee[i];
    if (p >= payees_.size() || !payees_[p].on_plan) {  // (no payee: a data set built without its checks)
      if (reason < 0) reason = 2;
      continue;
    }
    const payee_state& ps = payees_[p];
    if (day < ps.hire || day > ps.end) {
      if (reason < 0) reason = 3;
      continue;
    }
    if (!any && f.missing) {
      // The rate is needed only once the transaction is credited.
      auto key = std::pair{book.code(slot), period};
      auto [it, fresh] = acc.missing_fx.try_emplace(std::move(key), c.line[i]);
      if (!fresh) it->second = std::min(it->second, c.line[i]);
      break;
    }
    any = true;
    const auto& rate = *book.rate(slot, period);
    auto minor = credit_minor(c, i, f, r, first ? &first[k] : nullptr, rate);
    if (!minor) {
      acc.errors.emplace_back(c.line[i], "credit amount out of range");
      continue;
    }
    give(acc, c, i, p, period, *minor, false);
    std::optional<credit_record> traced;
    if (acc.trace) {
      traced = credit_record{static_cast<std::uint32_t>(c.first_row + i), p, period,
                             first ? first[k].share : one, plan_.rules[r].weight, rate, *minor, false,
                             static_cast<std::uint32_t>(r)};
      if (p == acc.trace_payee) acc.trace->push_back(*traced);
    }
    roll_up(acc, c, i, ps.manager, period, *minor, traced ? &*traced : nullptr);
  }
  // Missing FX is reported as an error; the row still counts as credited.
  return any || reason < 0 ? credited_class : first_reason_class + reason;
}

void credit_kernel::process(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                            kernel_scratch& s) const {
  prepare_factors(c, book, s);
  // A trace lists credits in row order, which the rule-by-rule path keeps.
  if (!rule_of_word_.empty() && acc.trace == nullptr) {
    // A plan whose aggregates are one unfiltered sum (the usual "credited"
    // measure) and no rollup adds to that lane directly; others go through
    // give().
    const bool one_sum = lane_sum_ && !lane_count_ && !lane_min_ && !lane_max_ && plain_aggregates_.size() == 1 &&
                         filtered_aggregates_.empty() && rollup_depth_ == 0;
    if (one_sum) credit_by_word_in_mode<true>(c, book, acc, s);
    else credit_by_word_in_mode<false>(c, book, acc, s);
  } else {
    credit_by_rules(c, book, acc, s);
    count_rows(c, book, s);
  }
  fold_tallies(c, book, acc, s);
}

void credit_kernel::prepare_factors(const txn_chunk& c, const currency_book& book, kernel_scratch& s) const {
  // By (currency, rule, period).
  const std::size_t rule_count = rules_.size(), periods = period_count();
  s.factors.resize(book.size() * rule_count * periods);
  for (std::uint32_t slot = 0; slot < book.size(); ++slot)
    for (std::size_t r = 0; r < rule_count; ++r)
      for (std::size_t p = 0; p < periods; ++p) {
        const credit_factor& f = book.factor(slot, r, static_cast<int>(p));
        chunk_factor& out = s.factors[(slot * rule_count + r) * periods + p];
        out = {f.coefficient, c.amount_scale + f.scale - minor_digits_};
        // Fewer digits than the minor unit: the power of ten joins the
        // coefficient (weight 100% in the plan currency: coefficient 1).
        for (; out.digits < 0 && f.fast; ++out.digits)
          if (__builtin_mul_overflow(out.coefficient, std::int64_t{10}, &out.coefficient)) break;
        if (!f.fast || out.digits < 0 || out.digits > 18) out.digits = -1;
      }
}

void credit_kernel::credit_by_rules(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                                    kernel_scratch& s) const {
  const std::size_t n = c.rows;
  if (s.period.size() < n) {
    s.period.resize(n);
    s.rule.resize(n);
    s.cls.resize(n);
    s.sel.resize(n);
    s.ruled.resize(n);
    s.mask.resize(n);
  }
  // Columns and buffers as locals: a store through a byte pointer (period,
  // class) may alias anything, and members would be reloaded after each.
  std::int8_t* per = s.period.data();
  std::uint8_t* cls = s.cls.data();
  std::uint32_t* sel = s.sel.data();
  const std::uint8_t* mask = s.mask.data();
  const std::uint32_t* ccy = c.text.back().ids;
  const std::uint32_t* payee_of = c.payee;
  const std::uint32_t* split = c.split;
  const std::int64_t* amount = c.amount;
  const std::int32_t* date = c.date;

  // Periods and each row's tally class until a rule or crediting says
  // otherwise; rows in the plan year become the first selection. No branch
  // on the data: which rows pass is as random as the rows.
  std::size_t m = 0;
  const std::int8_t* period_of_day = calendar_.period_of_day.data();
  const auto days = static_cast<std::uint32_t>(calendar_.period_of_day.size());
  const std::int32_t first_day = calendar_.first_day;
  for (std::size_t i = 0; i < n; ++i) {
    // One unsigned compare covers both ends of the year.
    const auto offset = static_cast<std::uint32_t>(date[i] - first_day);
    const int p = offset < days ? period_of_day[offset] : -1;
    per[i] = static_cast<std::int8_t>(p);
    cls[i] = static_cast<std::uint8_t>(p >= 0 ? first_reason_class + 1 : first_reason_class + 0);
    sel[m] = static_cast<std::uint32_t>(i);
    m += p >= 0 ? 1 : 0;
  }
  // Rules in plan order over what earlier rules left: first match wins. A
  // matched row joins the rows to credit with its rule (grouped by rule, in
  // row order within a rule) and is credited unless crediting says not.
  std::uint32_t* ruled = s.ruled.data();
  std::uint16_t* ruled_rule = s.rule.data();
  std::size_t ruled_count = 0;
  for (std::size_t r = 0; r < rules_.size() && m > 0; ++r) {
    rules_[r].select(c, sel, m, s.mask.data(), s.masks);
    std::size_t rest = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const std::uint32_t i = sel[j];
      // Arithmetic, not a condition: the compiler would branch on `hit`,
      // which is as random as the rows.
      const std::size_t hit = mask[j] != 0;
      cls[i] = static_cast<std::uint8_t>(first_reason_class + 1 - hit * (first_reason_class + 1 - credited_class));
      ruled[ruled_count] = i;
      ruled_rule[ruled_count] = static_cast<std::uint16_t>(r);
      ruled_count += hit;
      sel[rest] = i;
      rest += 1 - hit;
    }
    m = rest;
  }
  if (acc.trace && rules_.size() > 1) {
    // A trace lists credits in row order.
    std::vector<std::pair<std::uint32_t, std::uint16_t>> order(ruled_count);
    for (std::size_t j = 0; j < ruled_count; ++j) order[j] = {ruled[j], ruled_rule[j]};
    std::sort(order.begin(), order.end());
    for (std::size_t j = 0; j < ruled_count; ++j) std::tie(ruled[j], ruled_rule[j]) = order[j];
  }
  const std::size_t rule_count = rules_.size(), periods = period_count();
  // Crediting. The common row (one payee on plan, a factor and product that
  // fit 64 bits, no trace) is credited here, with everything it reads held
  // in locals (stores through the uint8_t class column may alias anything,
  // so members would be reloaded); every other row goes through
  // credit_row. The payee state and aggregate lane of a row a few ahead are
  // fetched early: random over payees, they miss L1, and fetched early the
  // misses overlap.
  constexpr std::size_t ahead = 8;
  std::int64_t* lane = lane_sum_ ? acc.sum.data() : lane_count_ ? acc.count.data() : nullptr;
  const bool fast_rows = acc.trace == nullptr;
  // A plan whose aggregates are one unfiltered sum (the usual "credited"
  // measure) adds to that lane directly.
  const bool one_sum = lane_sum_ && !lane_count_ && !lane_min_ && !lane_max_ && plain_aggregates_.size() == 1 &&
                       filtered_aggregates_.empty();
  const std::size_t one_slot = plain_aggregates_.empty() ? 0 : plain_aggregates_[0];
  const payee_state* payees = payees_.data();
  const std::size_t payee_count = payees_.size(), slots = slots_;
  const chunk_factor* factors = s.factors.data();
  const rounding_mode mode = mode_;
  const int rollup_depth = rollup_depth_;
  std::uint64_t credits = 0;  // given on the one_sum path
  for (std::size_t j = 0; j < ruled_count; ++j) {
    if (j + ahead < ruled_count) {
      const std::uint32_t a = ruled[j + ahead];
      const std::uint32_t p = payee_of[a];
      if (p < payee_count) {
        __builtin_prefetch(payees + p);
        if (lane) __builtin_prefetch(lane + (p * periods + static_cast<std::size_t>(per[a])) * slots);
      }
    }
    const std::uint32_t i = ruled[j];
    const std::size_t r = ruled_rule[j];
    const int period = per[i];
    if (fast_rows && (split == nullptr || split[i] == 0)) {
      const std::uint32_t p = payee_of[i];
      const payee_state& ps = payees[p];
      const std::uint32_t slot = ccy ? ccy[i] : 0;
      const chunk_factor& f = factors[(slot * rule_count + r) * periods + static_cast<std::size_t>(period)];
      const std::int32_t day = date[i];
      std::int64_t v;
      if (f.digits >= 0 && ps.on_plan && day >= ps.hire && day <= ps.end &&
          !__builtin_mul_overflow(amount[i], f.coefficient, &v) && v != INT64_MIN) {
        const std::int64_t minor = round_small(v, f.digits, mode);
        const std::size_t cell = (p * periods + static_cast<std::size_t>(period)) * slots + one_slot;
        std::int64_t total;
        if (one_sum && !__builtin_add_overflow(lane[cell], minor, &total)) {
          lane[cell] = total;
          ++credits;
        } else {
          give(acc, c, i, p, period, minor, false);
        }
        if (rollup_depth > 0) roll_up(acc, c, i, ps.manager, period, minor, nullptr);
        continue;
      }
    }
    cls[i] = static_cast<std::uint8_t>(credit_row(c, i, r, period, book, acc));
  }
  acc.credits += credits;
}

// One instance per rounding mode: a switch on it per row would cost an
// indirect jump.
template <bool OneSum>
void credit_kernel::credit_by_word_in_mode(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                                           kernel_scratch& s) const {
  switch (mode_) {
    case rounding_mode::half_even: return credit_by_word<rounding_mode::half_even, OneSum>(c, book, acc, s);
    case rounding_mode::half_up: return credit_by_word<rounding_mode::half_up, OneSum>(c, book, acc, s);
    case rounding_mode::half_down: return credit_by_word<rounding_mode::half_down, OneSum>(c, book, acc, s);
    case rounding_mode::down: return credit_by_word<rounding_mode::down, OneSum>(c, book, acc, s);
    case rounding_mode::up: return credit_by_word<rounding_mode::up, OneSum>(c, book, acc, s);
    case rounding_mode::floor: return credit_by_word<rounding_mode::floor, OneSum>(c, book, acc, s);
    case rounding_mode::ceiling: return credit_by_word<rounding_mode::ceiling, OneSum>(c, book, acc, s);
  }
}

// Each row: its period and rule (one lookup in the rule table), so its
// entry; its payee's eligibility; its credit, added to its payee's cell;
// its tally in the entry's. Which rows match is as random as the rows, so a
// row of no rule or outside the plan year takes an entry of coefficient 0
// and runs the same instructions, adding 0: no branch on the data. The rare
// rows for credit_row (splits, payees off plan or out of employment, wide
// factors or products, missing FX) are listed and done after the loop.
// OneSum: the plan's one aggregate is an unfiltered sum and there is no
// rollup, so the credit goes straight to its cell.
template <rounding_mode Mode, bool OneSum>
void credit_kernel::credit_by_word(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                                   kernel_scratch& s) const {
  const std::size_t n = c.rows;
  const std::size_t rule_count = rules_.size(), periods = period_count();
  // Entries by (split or not, slot, rule or none, period or none), from the
  // chunk's factors; a slot's entries padded to a power of two (a shift,
  // not a multiply, per row).
  const std::size_t rule_stride = periods + 1;
  unsigned slot_shift = 0;
  while ((std::size_t{1} << slot_shift) < (rule_count + 1) * rule_stride) ++slot_shift;
  const std::size_t half = book.size() << slot_shift;  // the split rows' copy
  s.entries.assign(2 * half, {});
  s.entry_tallies.assign(s.entries.size(), {});
  // A factor with its divisor: digits 0 becomes coefficient x 10 and digits
  // 1 (a division by 10 that is exact), so that every divisor is a multiply
  // and a shift; false when the factor leaves the fast path.
  auto set_factor = [](word_entry& e, std::int64_t coefficient, int digits) {
    // (d is even: digits >= 1.)
    if (digits == 0) {
      if (__builtin_mul_overflow(coefficient, std::int64_t{10}, &coefficient)) return false;
      digits = 1;
    }
    if (digits < 1 || digits > 18 || __builtin_mul_overflow(coefficient, std::int64_t{4}, &e.coefficient))
      return false;
    const pow10_divisor& div = divisors[static_cast<std::size_t>(digits)];
    e.d = div.d;
    e.m = div.m;
    e.post_shift = static_cast<std::uint8_t>(div.post_shift);
    e.lowest = ((std::uint64_t{1} << 61) + div.d - 1) / div.d;  // ceil(2^61 / d), then even
    e.lowest += e.lowest & 1;
    e.bias = e.lowest * div.d + (to_nearest(Mode) ? div.d / 2 : 0);
    return true;
  };
  for (std::size_t slot = 0; slot < book.size(); ++slot)
    for (std::size_t r = 0; r <= rule_count; ++r)
      for (std::size_t p = 0; p <= periods; ++p) {
        word_entry& e = s.entries[(slot << slot_shift) + r * rule_stride + p];
        e.period = static_cast<std::uint8_t>(p);
        e.rule = static_cast<std::uint16_t>(r);
        e.slot = static_cast<std::uint16_t>(slot);
        if (p == periods || r == rule_count) {
          e.cls = static_cast<std::uint8_t>(first_reason_class + (p == periods ? 0 : 1));
          set_factor(e, 0, 0);  // credits 0
        } else {
          const chunk_factor& f = s.factors[(slot * rule_count + r) * periods + p];
          e.cls = credited_class;
          if (f.digits < 0 || !set_factor(e, f.coefficient, f.digits)) {
            set_factor(e, 0, 0);
            e.slow = ~std::uint32_t{0};
          }
        }
        word_entry& split_copy = s.entries[half + (slot << slot_shift) + r * rule_stride + p];
        split_copy = e;
        split_copy.slow = ~std::uint32_t{0};
      }
  if (s.zeros.size() < n) s.zeros.resize(n, 0);
  // The chunk's tallies, by (slot, class).
  s.tallies.assign(book.size() * class_count, {});
  chunk_tally* taken = s.tallies.data();

  // Two passes, each with few enough columns and tables to keep them in
  // registers: each row's entry, then each row's credit.
  if (s.entry.size() < n) s.entry.resize(n);
  std::uint32_t* entry_of = s.entry.data();
  {
    const std::uint32_t* ccy = c.text.back().ids ? c.text.back().ids : s.zeros.data();
    const std::uint32_t* rule_ids = c.text[rule_slot_].ids ? c.text[rule_slot_].ids : s.zeros.data();
    const std::uint32_t* split = c.split ? c.split : s.zeros.data();
    const std::uint64_t* rule_truth = c.text[rule_slot_].truth;
    const std::uint64_t word_mask = rule_word_mask_;
    const std::uint32_t* rule_of_word = rule_of_word_.data();
    const std::int32_t* date = c.date;
    const std::int8_t* period_of_day = calendar_.period_of_day.data();
    const auto days = static_cast<std::uint32_t>(calendar_.period_of_day.size());
    const std::int32_t first_day = calendar_.first_day;
    const auto none = static_cast<std::uint32_t>(periods);
    const auto split_half = static_cast<std::uint32_t>(half);
    for (std::size_t i = 0; i < n; ++i) {
      // One unsigned compare covers both ends of the year.
      const auto offset = static_cast<std::uint32_t>(date[i] - first_day);
      const std::uint32_t period = offset < days ? static_cast<std::uint32_t>(period_of_day[offset]) : none;
      const std::uint32_t rule_offset = rule_of_word[rule_truth[rule_ids[i]] & word_mask];
      entry_of[i] = (ccy[i] << slot_shift) + rule_offset + period + (split[i] != 0 ? split_half : 0);
    }
  }

  const word_entry* entries = s.entries.data();
  entry_tally* tallies = s.entry_tallies.data();
  const std::uint32_t* payee_of = c.payee;
  const std::int64_t* amount = c.amount;
  const std::int32_t* date = c.date;
  const eligibility* eligible = eligible_.data();
  std::int64_t* lane = OneSum ? acc.sum.data() : nullptr;
  // Prefetches need an address, not a valid pointer: a null lane gives
  // addresses near 0, which are dropped.
  const auto lane_address = reinterpret_cast<std::uintptr_t>(lane);
  const std::size_t lane_stride = periods * sizeof(std::int64_t);
  // Rows for credit_row, and (marked by the top bit) OneSum credits that
  // would take their cell past int64, are listed and done after the loop:
  // a call in the loop would leave its values to the few registers a call
  // keeps, and the rest to the stack.
  if (s.sel.size() < n) s.sel.resize(n);
  std::uint32_t* later = s.sel.data();
  std::size_t later_count = 0;
  constexpr std::uint32_t spill_mark = std::uint32_t{1} << 31;

  auto credit = [&](std::size_t i) __attribute__((always_inline)) {
    const word_entry& e = entries[entry_of[i]];
    const std::uint32_t p = payee_of[i];
    const eligibility& who = eligible[p];
    const std::int64_t a = amount[i];
    std::int64_t product;
    // `&`, not `&&`: no branch per condition. The coefficient times 4 keeps
    // a product that fits below 2^61, where round_from_floor is exact.
    const bool fast = (e.slow == 0) &
                      (static_cast<std::uint32_t>(date[i]) - static_cast<std::uint32_t>(who.hire) <= who.span) &
                      !__builtin_mul_overflow(a, e.coefficient, &product);
    // A row for credit_row is tallied here as credited and credits 0 here;
    // credit_row's class replaces credited after the loop.
    const bool slow = (e.cls == credited_class) & !fast;
    // The entry's amounts, int64 while they fit; past that the sum so far
    // joins the chunk tally of its class (as 32-bit halves, exact).
    entry_tally& t = tallies[entry_of[i]];
    std::int64_t sum;
    if (__builtin_expect(__builtin_add_overflow(t.sum, a, &sum), 0)) {
      taken[e.slot * class_count + e.cls].add(t.sum);
      sum = a;
    }
    t.sum = sum;
    ++t.rows;
    const std::int64_t minor = round_from_floor<Mode>(product >> 2, e) & -static_cast<std::int64_t>(!slow);
    bool spills = false;
    if constexpr (OneSum) {
      // Outside the plan year, the entry's period is `periods`: the next
      // payee's first cell (or the padding cell), to which 0 is added.
      std::int64_t& cell = lane[p * periods + e.period];
      std::int64_t total;
      spills = __builtin_add_overflow(cell, minor, &total);
      cell = spills ? cell : total;
    } else if ((e.cls == credited_class) & !slow) {
      give(acc, c, i, p, e.period, minor, false);
      if (rollup_depth_ > 0) roll_up(acc, c, i, payees_[p].manager, e.period, minor, nullptr);
    }
    later[later_count] = static_cast<std::uint32_t>(i) | (spills ? spill_mark : 0);
    later_count += slow | spills;
  };
  // The payee's eligibility and cells of a row a few ahead are fetched
  // early: random over payees, they miss L1, and fetched early the misses
  // overlap.
  constexpr std::size_t ahead = 8;
  std::size_t i = 0;
  for (; i + ahead < n; ++i) {
    const std::uint32_t a = payee_of[i + ahead];
    __builtin_prefetch(eligible + a);
    if constexpr (OneSum) __builtin_prefetch(reinterpret_cast<const void*>(lane_address + a * lane_stride));
    credit(i);
  }
  for (; i < n; ++i) credit(i);

  // The entries' tallies join the chunk's by (slot, class); a OneSum credit
  // is counted here, by the rows of its entry.
  std::uint64_t credits = 0;
  for (std::size_t k = 0; k < s.entries.size(); ++k) {
    const word_entry& e = entries[k];
    const entry_tally& from = tallies[k];
    chunk_tally& t = taken[e.slot * class_count + e.cls];
    t.add(from.sum);
    t.rows += from.rows;
    if (e.cls == credited_class) credits += from.rows;
  }
  for (std::size_t j = 0; j < later_count; ++j) {
    const std::uint32_t row = later[j] & ~spill_mark;
    const word_entry& e = entries[entry_of[row]];
    if (later[j] & spill_mark) {
      // A credit its cell could not take: give() spills the cell and
      // starts it again (the sum is the same in any order).
      std::int64_t product = 0;
      __builtin_mul_overflow(amount[row], e.coefficient, &product);  // fits: the row was fast
      give(acc, c, row, payee_of[row], e.period, round_from_floor<Mode>(product >> 2, e), false);
      continue;
    }
    // The row moves from credited to the class credit_row gives it.
    const int k = credit_row(c, row, e.rule, e.period, book, acc);
    const std::int64_t a = amount[row];
    chunk_tally& from = taken[e.slot * class_count + credited_class];
    chunk_tally& to = taken[e.slot * class_count + static_cast<std::size_t>(k)];
    from.take(a);
    --from.rows;
    to.add(a);
    ++to.rows;
  }
  // credit_row and give() count their own credits.
  if (OneSum) acc.credits += credits - later_count;
}

void credit_kernel::count_rows(const txn_chunk& c, const currency_book& book, kernel_scratch& s) const {
  const std::size_t n = c.rows;
  const std::uint8_t* cls = s.cls.data();
  const std::uint32_t* ccy = c.text.back().ids;
  const std::int64_t* amount = c.amount;
  // The chunk's tallies by currency and class, in four interleaved copies
  // so that consecutive rows of one currency do not wait on each other's
  // stores, then added into the first. Amounts are summed as 32-bit halves
  // in int64: exact for up to 2^31 rows (a chunk is a few thousand rows, or
  // one block of a streamed file).
  constexpr std::size_t copies = 4;
  const std::size_t per_copy = book.size() * class_count;
  s.tallies.assign(copies * per_copy, {});
  chunk_tally* t = s.tallies.data();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t slot = ccy ? ccy[i] : 0;
    chunk_tally& cell = t[(i % copies) * per_copy + slot * class_count + cls[i]];
    cell.add(amount[i]);
    ++cell.rows;
  }
  for (std::size_t copy = 1; copy < copies; ++copy)
    for (std::size_t k = 0; k < per_copy; ++k) {
      t[k].low += t[copy * per_copy + k].low;
      t[k].high += t[copy * per_copy + k].high;
      t[k].rows += t[copy * per_copy + k].rows;
    }
}

// The chunk's tallies (s.tallies, by slot and class) folded in at a common
// scale; every row is read.
void credit_kernel::fold_tallies(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                                 kernel_scratch& s) const {
  const chunk_tally* t = s.tallies.data();
  if (acc.slot_sums.size() < book.size()) acc.slot_sums.resize(book.size());
  auto upscale = [](int128& v, int by) {
    for (int i = 0; i < by; ++i) v *= 10;
  };
  if (c.amount_scale > acc.sum_scale) {
    for (auto& sums : acc.slot_sums)
      for (auto& v : sums.sum) upscale(v, c.amount_scale - acc.sum_scale);
    acc.sum_scale = c.amount_scale;
  }
  for (std::size_t slot = 0; slot < book.size(); ++slot)
    for (int k = credited_class; k < class_count; ++k) {  // a row's class is never read_class
      const chunk_tally& cell = t[slot * class_count + static_cast<std::size_t>(k)];
      int128 v = static_cast<int128>(cell.high) * (int128{1} << 32) + cell.low;
      upscale(v, acc.sum_scale - c.amount_scale);
      acc.slot_sums[slot].sum[k] += v;
      acc.slot_sums[slot].rows[k] += cell.rows;
      acc.slot_sums[slot].sum[read_class] += v;
      acc.slot_sums[slot].rows[read_class] += cell.rows;
    }
}

crediting_result credit_kernel::finish(std::vector<credit_accumulator>& parts, diagnostics& diags,
                                       const std::string& transactions_file) const {
  crediting_result out;
  out.period_count = period_count();
  out.aggregate_count = slots_;
  // Lanes the plan does not use leave their field at its initial value
  // (a count of 0 for a plan of sums: nothing reads it).
  out.cells.resize(payees_.size() * period_count() * slots_);
  for (const auto& part : parts) {
    for (std::size_t i = 0; i < out.cells.size(); ++i) {
      auto& a = out.cells[i];
      if (lane_sum_) a.sum += part.sum[i];
      if (lane_count_) a.count += part.count[i];
      if (lane_min_) a.min = std::min(a.min, part.min[i]);
      if (lane_max_) a.max = std::max(a.max, part.max[i]);
    }
    for (const auto& [i, spilled] : part.wide) out.cells[i].sum += spilled;
  }

  int scale = 0;
  for (const auto& p : parts) scale = std::max(scale, p.sum_scale);
  std::array<std::uint64_t, class_count> counts{};
  std::array<std::map<std::string, int128>, class_count> sums;
  std::map<std::pair<std::string, int>, std::uint32_t> missing;
  std::vector<std::pair<std::uint32_t, std::string>> errors;
  for (const auto& p : parts) {
    out.totals.credits += p.credits;
    for (std::size_t slot = 0; slot < p.slot_sums.size(); ++slot) {
      const std::string& code = p.book->code(static_cast<std::uint32_t>(slot));
      for (int k = 0; k < class_count; ++k) {
        const auto rows = p.slot_sums[slot].rows[k];
        if (rows == 0) continue;  // a class lists the currencies of its rows only
        counts[k] += rows;
        int128 v = p.slot_sums[slot].sum[k];
        for (int i = p.sum_scale; i < scale; ++i) v *= 10;
        sums[k][code.empty() ? currency_ : code] += v;
      }
    }
    for (const auto& [key, line] : p.missing_fx) {
      auto [it, fresh] = missing.try_emplace(key, line);
      if (!fresh) it->second = std::min(it->second, line);
    }
    errors.insert(errors.end(), p.errors.begin(), p.errors.end());
  }
  std::sort(errors.begin(), errors.end());
  for (const auto& [line, message] : errors) diags.error({transactions_file, line, 1, 1}, message);
  for (const auto& [key, line] : missing) {
    const auto& when = to_string(calendar_.periods[static_cast<std::size_t>(key.second)]);
    diags.error({transactions_file, line, 1, 1},
                fmt::format("no FX rate for {} in {} (fx.csv needs a row: {},{},RATE)", key.first, when,
                            key.first, when));
  }

  auto to_tally = [&](int cls) {
    transaction_tally t;
    t.count = counts[cls];
    for (const auto& [code, sum] : sums[cls]) t.amount[code] += decimal_from_i128(sum, scale);
    return t;
  };
  out.totals.currency = currency_;
  out.totals.read = to_tally(read_class);
  out.totals.credited = to_tally(credited_class);
  out.totals.rejected = to_tally(rejected_class);
  for (int r = 0; r < reason_count; ++r)
    if (counts[first_reason_class + r] > 0) out.totals.uncredited[reason_names[r]] = to_tally(first_reason_class + r);
  return out;
}

// ---- in-memory run --------------------------------------------------------------

crediting_result credit_transactions(const crediting_context& ctx, diagnostics& diags,
                                     std::uint32_t trace_payee, std::vector<credit_record>* trace) {
  const auto& data = ctx.data;
  const auto& txns = data.transactions;
  credit_kernel kernel(ctx.plan, data, ctx.calendar, ctx.on_plan, diags);
  const auto& texts = kernel.texts();

  // Split groups by transaction row, in row order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> split_rows;  // (txn row, group)
  {
    std::vector<std::uint32_t> order(data.splits.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return data.splits.txn[a] < data.splits.txn[b]; });
    std::vector<std::pair<std::uint32_t, decimal>> shares;
    kernel.reserve_split_groups(order.size() / 2, order.size());  // most splits are of two payees
    for (std::size_t i = 0; i < order.size();) {
      const auto row = data.splits.txn[order[i]];
      shares.clear();
      for (; i < order.size() && data.splits.txn[order[i]] == row; ++i)
        shares.emplace_back(data.splits.payee[order[i]], data.splits.share[order[i]]);
      split_rows.emplace_back(row, kernel.add_split_group(shares));
    }
  }

  // One book for the pool's currency codes, and truth words by pool id.
  currency_book book(kernel);
  const auto& pool = data.strings;
  std::vector<std::uint32_t> slot_of_id(txns.has_currency_column ? pool.size() : 0, 0);
  for (std::uint32_t id = 1; id < slot_of_id.size(); ++id)
    if (is_currency_code(pool.view(id))) slot_of_id[id] = book.slot(pool.view(id));
  std::vector<std::vector<std::uint64_t>> truth(texts.columns().size());
  std::vector<const attribute_column*> columns(texts.columns().size());
  std::vector<std::uint8_t> used;
  for (std::size_t k = 0; k < truth.size(); ++k) {
    columns[k] = txns.attribute(texts.columns()[k]);
    truth[k].resize(std::max<std::size_t>(pool.size(), 1));
    // The pool holds every text of the data set (payee ids, other
    // columns). When a truth word may parse the value as a number or date
    // (thousands of instructions), only the values the column holds get
    // one; else every value (a few string compares, less than the scan).
    used.assign(truth[k].size(), texts.parses(k) ? 0 : 1);
    used[0] = 1;
    if (columns[k] && texts.parses(k))
      for (const std::uint32_t id : columns[k]->values) used[id] = 1;
    for (std::uint32_t id = 0; id < pool.size(); ++id)
      if (used[id]) truth[k][id] = texts.truth(k, pool.view(id));
  }

  const std::size_t rows = txns.size();
  constexpr std::size_t chunk_rows = 16384;
  const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
  const unsigned threads = trace ? 1u : std::min<unsigned>(thread_count(ctx.threads),
                                                           static_cast<unsigned>(std::max<std::size_t>(chunks, 1)));
  std::vector<credit_accumulator> parts;
  for (unsigned t = 0; t < threads; ++t) {
    parts.push_back(kernel.make_accumulator(book));
    parts.back().trace_payee = trace_payee;
    parts.back().trace = trace;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&](unsigned t) {
    kernel_scratch s;
    std::vector<std::uint32_t> slots, split;
    txn_chunk c;
    c.text.resize(texts.column_count());
    for (;;) {
      const std::size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= chunks) break;
      const std::size_t from = k * chunk_rows, n = std::min(chunk_rows, rows - from);
      c.rows = n;
      c.first_row = from;
      c.date = txns.date.data() + from;
      c.payee = txns.payee.data() + from;
      c.amount = txns.amount.data() + from;
      c.amount_scale = txns.amount_scale;
      c.line = txns.line.data() + from;
      for (std::size_t col = 0; col < columns.size(); ++col)
        c.text[col] = {columns[col] ? columns[col]->values.data() + from : nullptr, truth[col].data()};
      if (txns.has_currency_column) {
        slots.resize(n);
        for (std::size_t i = 0; i < n; ++i) slots[i] = slot_of_id[txns.currency[from + i]];
        c.text.back() = {slots.data(), book.truth()};
      } else {
        c.text.back() = {nullptr, book.truth()};
      }
      c.split = nullptr;
      auto lo = std::lower_bound(split_rows.begin(), split_rows.end(), std::pair<std::uint32_t, std::uint32_t>(
                                                                           static_cast<std::uint32_t>(from), 0));
      if (lo != split_rows.end() && lo->first < from + n) {
        split.assign(n, 0);
        for (; lo != split_rows.end() && lo->first < from + n; ++lo) split[lo->first - from] = lo->second + 1;
        c.split = split.data();
      }
      kernel.process(c, book, parts[t], s);
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool_threads;
    for (unsigned t = 0; t < threads; ++t) pool_threads.emplace_back(work, t);
    for (auto& th : pool_threads) th.join();
  }
  // With no rows, the amount scale is still the data set's.
  for (auto& p : parts) {
    for (auto& sums : p.slot_sums)
      for (auto& v : sums.sum)
        for (int i = p.sum_scale; i < txns.amount_scale; ++i) v *= 10;
    p.sum_scale = txns.amount_scale;
  }
  return kernel.finish(parts, diags, data.file_path("transactions.csv"));
}

}  // namespace icm::eval
