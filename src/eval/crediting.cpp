// Crediting: transactions -> credits -> aggregates. See crediting.hpp.
#include "eval/crediting.hpp"

#include <fmt/format.h>

#include <array>
#include <unordered_map>

namespace icm::eval {

plan_calendar::plan_calendar(const check::plan_settings& s) {
  periods = periods_of_year(s.year, s.unit);
  first_day = icm::first_day(periods.front()).days;
  last_day = icm::last_day(periods.back()).days;
  period_of_day.resize(static_cast<std::size_t>(last_day - first_day + 1));
  for (std::size_t i = 0; i < periods.size(); ++i)
    for (auto d = icm::first_day(periods[i]).days; d <= icm::last_day(periods[i]).days; ++d)
      period_of_day[static_cast<std::size_t>(d - first_day)] = static_cast<std::uint8_t>(i);
}

namespace {

enum tally_class : int { read_class = 0, credited_class, rejected_class, first_reason_class };
constexpr const char* reason_names[] = {"outside_plan_year", "no_credit_rule", "payee_not_on_plan",
                                        "outside_employment"};
constexpr int reason_count = 4;

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

crediting_result credit_transactions(const crediting_context& ctx, diagnostics& diags,
                                     std::uint32_t trace_payee, std::vector<credit_record>* trace) {
  const auto& plan = ctx.plan;
  const auto& s = plan.settings();
  const auto& data = ctx.data;
  const auto& txns = data.transactions;
  const auto& payees = data.payees;
  const std::size_t period_count = ctx.calendar.periods.size();
  const std::size_t slots = plan.aggregates.size();
  const std::string tx_file = data.file_path("transactions.csv");

  crediting_result out;
  out.period_count = period_count;
  out.aggregate_count = slots;
  out.cells.resize(payees.size() * period_count * slots);

  // Filters bound to this data set.
  std::vector<row_filter> rules, filters;
  for (const auto& r : plan.rules) rules.emplace_back(r.condition, data, s.currency, s.minor_digits);
  for (const auto& a : plan.aggregates) filters.emplace_back(a.filter, data, s.currency, s.minor_digits);

  // FX: rate per (currency id, period). The plan currency is 1.
  const auto plan_ccy_id = data.strings.find(s.currency);
  std::unordered_map<std::uint32_t, std::vector<std::optional<decimal>>> fx;
  const std::string fx_file = data.file_path("fx.csv");
  for (std::size_t i = 0; i < data.fx.size(); ++i) {
    const auto& when = data.fx.when[i];
    if (when.unit != s.unit) {
      diags.error({fx_file, data.fx.line[i], 1, 1},
                  fmt::format("rate for period {} but the plan's periods are {}s", to_string(when),
                              to_string(s.unit)));
      continue;
    }
    if (when.year != s.year) continue;  // another plan year's rates
    auto ccy = data.fx.currency[i];
    if (plan_ccy_id && ccy == *plan_ccy_id) {
      if (data.fx.rate[i] != decimal(1))
        diags.error({fx_file, data.fx.line[i], 1, 1},
                    fmt::format("{} is the plan currency: its rate is 1, not {}", s.currency, data.fx.rate[i]));
      continue;
    }
    auto& v = fx[ccy];
    v.resize(period_count);
    v[when.index - 1u] = data.fx.rate[i];
  }

  // Splits grouped by transaction row.
  std::vector<std::uint32_t> split_begin(txns.size() + 1, 0), split_order(data.splits.size());
  for (std::size_t i = 0; i < data.splits.size(); ++i) ++split_begin[data.splits.txn[i] + 1];
  for (std::size_t r = 0; r < txns.size(); ++r) split_begin[r + 1] += split_begin[r];
  {
    auto fill = split_begin;
    for (std::size_t i = 0; i < data.splits.size(); ++i)
      split_order[fill[data.splits.txn[i]]++] = static_cast<std::uint32_t>(i);
  }

  // Control totals: counts per class, amounts per class and currency id.
  const std::size_t classes = first_reason_class + reason_count;
  std::vector<std::uint64_t> counts(classes, 0);
  std::vector<std::unordered_map<std::uint32_t, int128>> amounts(classes);
  auto tally = [&](int cls, std::size_t row) {
    ++counts[cls];
    std::uint32_t ccy = txns.has_currency_column ? txns.currency[row] : 0;
    amounts[cls][ccy] += txns.amount[row];
  };

  std::map<std::pair<std::uint32_t, int>, std::uint32_t> missing_fx;  // -> first line needing it
  const decimal one(1);

  auto employed = [&](std::uint32_t p, std::int32_t day) {
    return day >= payees.hire_date[p] && day <= payees.end_date[p];
  };
  auto give = [&](std::uint32_t payee, int period, std::size_t row, std::int64_t minor, bool rollup) {
    ++out.totals.credits;
    credit_view view{minor, rollup};
    auto* cells = &out.cells[(payee * period_count + static_cast<std::size_t>(period)) * slots];
    for (std::size_t a = 0; a < slots; ++a) {
      if (!filters[a].empty() && !filters[a].matches(row, view)) continue;
      auto& c = cells[a];
      if (c.count == 0) {
        c.min = c.max = minor;
      } else {
        c.min = std::min(c.min, minor);
        c.max = std::max(c.max, minor);
      }
      c.sum += minor;
      ++c.count;
    }
  };

  for (std::size_t row = 0; row < txns.size(); ++row) {
    tally(read_class, row);
    const std::int32_t day = txns.date[row];
    const int period = ctx.calendar.period_index(day);
    if (period < 0) {
      tally(first_reason_class + 0, row);
      continue;
    }
    std::size_t rule = 0;
    while (rule < rules.size() && !rules[rule].matches(row)) ++rule;
    if (rule == rules.size()) {
      tally(first_reason_class + 1, row);
      continue;
    }
    // Recipients: the split rows, or the payee with share 1.
    struct recipient {
      std::uint32_t payee;
      const decimal* share;
    };
    std::array<recipient, 1> single{{{txns.payee[row], &one}}};
    const recipient* first = single.data();
    std::size_t n = 1;
    std::vector<recipient> split_list;
    if (split_begin[row + 1] > split_begin[row]) {
      for (auto k = split_begin[row]; k < split_begin[row + 1]; ++k) {
        auto i = split_order[k];
        split_list.push_back({data.splits.payee[i], &data.splits.share[i]});
      }
      first = split_list.data();
      n = split_list.size();
    }
    int reason = -1;  // of the first recipient not credited, when none is
    bool any = false;
    const decimal* rate = &one;
    std::uint32_t ccy = txns.has_currency_column ? txns.currency[row] : 0;
    for (std::size_t k = 0; k < n; ++k) {
      auto p = first[k].payee;
      if (!ctx.on_plan[p]) {
        if (reason < 0) reason = 2;
        continue;
      }
      if (!employed(p, day)) {
        if (reason < 0) reason = 3;
        continue;
      }
      if (!any) {
        // The rate is needed only once the transaction is credited.
        if (ccy != 0 && !(plan_ccy_id && ccy == *plan_ccy_id)) {
          auto it = fx.find(ccy);
          if (it == fx.end() || !it->second[static_cast<std::size_t>(period)]) {
            missing_fx.try_emplace({ccy, period}, txns.line[row]);
            break;
          }
          rate = &*it->second[static_cast<std::size_t>(period)];
        }
        any = true;
      }
      const decimal& weight = plan.rules[rule].weight;
      decimal exact = txns.amount_of(row) * *first[k].share * weight * *rate;
      auto minor = exact.round(s.minor_digits, s.rounding).scaled(s.minor_digits);
      if (!minor) {
        diags.error({tx_file, txns.line[row], 1, 1}, "credit amount out of range");
        continue;
      }
      give(p, period, row, *minor, false);
      if (trace && p == trace_payee)
        trace->push_back({static_cast<std::uint32_t>(row), p, period, *first[k].share, weight, *rate, *minor,
                          false, static_cast<std::uint32_t>(rule)});
      // Overlay credit, in full, up the manager chain.
      auto m = payees.manager[p];
      for (int level = 0; level < s.rollup_depth && m != no_payee; ++level, m = payees.manager[m]) {
        if (!ctx.on_plan[m] || !employed(m, day)) continue;
        give(m, period, row, *minor, true);
        if (trace && m == trace_payee)
          trace->push_back({static_cast<std::uint32_t>(row), m, period, *first[k].share, weight, *rate,
                            *minor, true, static_cast<std::uint32_t>(rule)});
      }
    }
    if (any) tally(credited_class, row);
    else if (reason >= 0) tally(first_reason_class + reason, row);
    else tally(credited_class, row);  // missing FX: reported as an error below
  }

  for (const auto& [key, line] : missing_fx) {
    diags.error({tx_file, line, 1, 1},
                fmt::format("no FX rate for {} in {} (fx.csv needs a row: {},{},RATE)",
                            data.strings.view(key.first), to_string(ctx.calendar.periods[key.second]),
                            data.strings.view(key.first), to_string(ctx.calendar.periods[key.second])));
  }

  // Control totals as values, currencies by code.
  auto to_tally = [&](int cls) {
    transaction_tally t;
    t.count = counts[cls];
    for (const auto& [ccy, sum] : amounts[cls]) {
      std::string code(ccy == 0 ? std::string_view(s.currency) : data.strings.view(ccy));
      auto& slot = t.amount[code];
      slot += decimal_from_i128(sum, txns.amount_scale);
    }
    return t;
  };
  out.totals.currency = s.currency;
  out.totals.read = to_tally(read_class);
  out.totals.credited = to_tally(credited_class);
  out.totals.rejected = to_tally(rejected_class);
  for (int r = 0; r < reason_count; ++r)
    if (counts[first_reason_class + r] > 0) out.totals.uncredited[reason_names[r]] = to_tally(first_reason_class + r);
  return out;
}

}  // namespace icm::eval
