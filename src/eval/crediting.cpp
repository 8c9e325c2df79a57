// Crediting: transactions -> credits -> aggregates. See crediting.hpp.
#include "eval/crediting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>

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
constexpr std::uint16_t no_rule = 0xffff;

// Division of a magnitude below 2^63 by 10^k (1 <= k <= 18) as a multiply
// and a shift (Granlund-Montgomery: m = ceil(2^(63+l) / d), l = ceil(log2 d)),
// so that rounding a credit costs no hardware division.
struct pow10_divisor {
  std::uint64_t d = 1;
  std::uint64_t m = 0;
  int shift = 0;
};

const std::array<pow10_divisor, 19> divisors = [] {
  std::array<pow10_divisor, 19> t{};
  std::uint64_t d = 1;
  for (int k = 1; k <= 18; ++k) {
    d *= 10;
    int l = 0;
    while ((std::uint64_t{1} << l) < d) ++l;
    const uint128 top = uint128{1} << (63 + l);
    t[static_cast<std::size_t>(k)] = {d, static_cast<std::uint64_t>((top + d - 1) / d), 63 + l};
  }
  return t;
}();

// q = v / 10^k rounded by `mode`; v any int128, k >= 1. nullopt beyond int64.
std::optional<std::int64_t> round_scaled(int128 v, int k, rounding_mode mode) {
  const bool negative = v < 0;
  uint128 mag = negative ? -static_cast<uint128>(v) : static_cast<uint128>(v);
  uint128 q, r, d;
  if (k <= 18 && mag < (uint128{1} << 63)) {
    const auto& div = divisors[static_cast<std::size_t>(k)];
    const auto n = static_cast<std::uint64_t>(mag);
    const auto q64 = static_cast<std::uint64_t>((static_cast<uint128>(n) * div.m) >> div.shift);
    q = q64;
    r = n - q64 * div.d;
    d = div.d;
  } else {
    if (k > 38) return std::nullopt;  // leave it to the decimal path
    d = 1;
    for (int i = 0; i < k; ++i) d *= 10;
    q = mag / d;
    r = mag % d;
  }
  bool up = false;  // away from zero, on the magnitude
  switch (mode) {
    case rounding_mode::half_even: up = 2 * r > d || (2 * r == d && (q & 1) != 0); break;
    case rounding_mode::half_up: up = 2 * r >= d; break;
    case rounding_mode::half_down: up = 2 * r > d; break;
    case rounding_mode::down: up = false; break;
    case rounding_mode::up: up = r != 0; break;
    case rounding_mode::floor: up = negative && r != 0; break;
    case rounding_mode::ceiling: up = !negative && r != 0; break;
  }
  q += up ? 1 : 0;
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
  for (std::size_t p = 0; p < ps.size(); ++p)
    payees_[p] = {ps.hire_date[p], ps.end_date[p], ps.manager[p], on_plan[p]};

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
  if (lane_sum_) acc.sum.assign(cells, 0);
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

void credit_kernel::process(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                            kernel_scratch& s) const {
  const std::size_t n = c.rows;
  if (s.period.size() < n) {
    s.period.resize(n);
    s.rule.resize(n);
    s.sel.resize(n);
    s.mask.resize(n);
  }
  s.sums.assign(book.size(), {});
  std::int8_t* per = s.period.data();
  std::uint16_t* rule = s.rule.data();
  std::uint32_t* sel = s.sel.data();
  const std::uint32_t* ccy = c.text.back().ids;
  auto slot_of = [&](std::size_t i) -> std::uint32_t { return ccy ? ccy[i] : 0; };

  // Periods; rows in the plan year become the first selection.
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int p = calendar_.period_index(c.date[i]);
    per[i] = static_cast<std::int8_t>(p);
    rule[i] = no_rule;
    sel[m] = static_cast<std::uint32_t>(i);
    m += p >= 0 ? 1 : 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto& sums = s.sums[slot_of(i)];
    sums.add(read_class, c.amount[i]);
    if (per[i] < 0) sums.add(first_reason_class + 0, c.amount[i]);
  }
  // Rules in plan order over what earlier rules left: first match wins.
  for (std::size_t r = 0; r < rules_.size() && m > 0; ++r) {
    rules_[r].select(c, sel, m, s.mask.data(), s.masks);
    std::size_t rest = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const std::uint32_t i = sel[j];
      if (s.mask[j]) rule[i] = static_cast<std::uint16_t>(r);
      sel[rest] = i;
      rest += s.mask[j] ? 0 : 1;
    }
    m = rest;
  }
  for (std::size_t j = 0; j < m; ++j) s.sums[slot_of(sel[j])].add(first_reason_class + 1, c.amount[sel[j]]);

  const decimal one(1);
  // The payee state and aggregate lane a row a few ahead will touch: random
  // over payees, they miss L1/L2; fetched early, the misses overlap.
  constexpr std::size_t ahead = 8;
  const std::int64_t* lane = lane_sum_ ? acc.sum.data() : lane_count_ ? acc.count.data() : nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + ahead < n && per[i + ahead] >= 0) {
      const std::uint32_t p = c.payee[i + ahead];
      if (p < payees_.size()) {
        __builtin_prefetch(&payees_[p]);
        if (lane) __builtin_prefetch(lane + (p * period_count() + static_cast<std::size_t>(per[i + ahead])) * slots_);
      }
    }
    const std::size_t r = rule[i];
    if (r == no_rule) continue;
    const int period = per[i];
    const std::int32_t day = c.date[i];
    const std::uint32_t slot = slot_of(i);
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
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint32_t p = first ? first[k].payee : c.payee[i];
      const payee_state& ps = payees_[p];
      if (!ps.on_plan) {
        if (reason < 0) reason = 2;
        continue;
      }
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
      const auto row = static_cast<std::uint32_t>(c.first_row + i);
      const decimal& share = first ? first[k].share : one;
      if (acc.trace && p == acc.trace_payee)
        acc.trace->push_back({row, p, period, share, plan_.rules[r].weight, rate, *minor, false,
                              static_cast<std::uint32_t>(r)});
      // Overlay credit, in full, up the manager chain.
      auto mgr = ps.manager;
      for (int level = 0; level < rollup_depth_ && mgr != no_payee; ++level, mgr = payees_[mgr].manager) {
        const payee_state& ms = payees_[mgr];
        if (!ms.on_plan || day < ms.hire || day > ms.end) continue;
        give(acc, c, i, mgr, period, *minor, true);
        if (acc.trace && mgr == acc.trace_payee)
          acc.trace->push_back({row, mgr, period, share, plan_.rules[r].weight, rate, *minor, true,
                                static_cast<std::uint32_t>(r)});
      }
    }
    // Missing FX is reported as an error; the row still counts as credited.
    const int cls = any || reason < 0 ? credited_class : first_reason_class + reason;
    s.sums[slot].add(cls, c.amount[i]);
  }

  // Fold the chunk's tallies in at a common scale.
  if (acc.slot_sums.size() < book.size()) acc.slot_sums.resize(book.size());
  auto upscale = [](int128& v, int by) {
    for (int i = 0; i < by; ++i) v *= 10;
  };
  if (c.amount_scale > acc.sum_scale) {
    for (auto& sums : acc.slot_sums)
      for (auto& v : sums.sum) upscale(v, c.amount_scale - acc.sum_scale);
    acc.sum_scale = c.amount_scale;
  }
  for (std::size_t slot = 0; slot < s.sums.size(); ++slot)
    for (int k = 0; k < class_count; ++k) {
      int128 v = s.sums[slot].sum[k];
      upscale(v, acc.sum_scale - c.amount_scale);
      acc.slot_sums[slot].sum[k] += v;
      acc.slot_sums[slot].rows[k] += s.sums[slot].rows[k];
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
  for (std::size_t k = 0; k < truth.size(); ++k) {
    columns[k] = txns.attribute(texts.columns()[k]);
    truth[k].resize(std::max<std::size_t>(pool.size(), 1));
    for (std::uint32_t id = 0; id < pool.size(); ++id) truth[k][id] = texts.truth(k, pool.view(id));
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
