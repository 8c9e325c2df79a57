// icm::run: bind the plan to the data, credit, evaluate every payee.
#include <fmt/format.h>

#include <algorithm>

#include "compile/plan_impl.hpp"
#include "eval/evaluate_payees.hpp"
#include "eval/payee_eval.hpp"
#include "eval/run_internal.hpp"
#include "icm/run.hpp"

namespace icm {

namespace eval {

namespace {

// Payees in payouts.csv order: numeric when every id is an integer, else
// byte order (spec section 10).
std::vector<std::uint32_t> payee_order(const payee_table& payees) {
  std::vector<std::uint32_t> order(payees.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto is_integer = [](const std::string& s) {
    std::size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
    if (i == s.size() || s.size() > 30) return false;
    for (; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  const bool numeric = std::all_of(payees.ids.begin(), payees.ids.end(), is_integer);
  // Each id's number parsed once, not at every comparison of the sort.
  std::vector<decimal> number;
  if (numeric) {
    number.reserve(payees.size());
    for (const auto& id : payees.ids) number.push_back(*decimal::parse(id));
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (numeric) {
      const auto o = number[a] <=> number[b];
      if (o != 0) return o < 0;
    }
    return payees.ids[a] < payees.ids[b];
  });
  return order;
}

// The rows a permissive read set aside, as read and rejected.
void tally_rejected(const dataset& data, const std::string& plan_currency, control_totals& totals) {
  for (const auto& row : data.rejected) {
    if (row.file != "transactions.csv") continue;  // split rows of those rows are not transactions
    ++totals.rejected.count;
    ++totals.read.count;
    // An amount that does not parse (the reason the row was set aside) adds
    // nothing: it counts, with no amount. A parsed one is shown at the
    // amount column's scale like the other classes.
    auto amount = decimal::parse(row.amount);
    if (!amount) continue;
    if (amount->scale() < data.transactions.amount_scale)
      *amount = amount->with_scale(data.transactions.amount_scale);
    const std::string& code = row.currency.empty() ? plan_currency : row.currency;
    auto& rejected = totals.rejected.amount[code];
    rejected = rejected + *amount;
    auto& read = totals.read.amount[code];
    read = read + *amount;
  }
}

}  // namespace

std::optional<bound_run> bind_run(const compile::compiled_plan& plan, const dataset& data, diagnostics& diags) {
  const auto& s = plan.settings();
  const auto before = diags.error_count();
  bound_run b{plan_calendar(s), {}, {}, {}};
  // Columns the plan reads must exist before any row is read (spec 1).
  for (const auto& c : plan.checked.columns)
    if (!data.transactions.attribute(c))
      diags.error({data.file_path("transactions.csv"), 1, 1, 1},
                  fmt::format("no column '{}': the plan reads it (columns {})", c, c));
  for (const auto& a : plan.checked.attributes)
    if (!data.payees.attribute(a.name))
      diags.error({data.file_path("payees.csv"), 1, 1, 1},
                  fmt::format("no column '{}': the plan uses this payee attribute", a.name));
  // Quotas of the plan's periods.
  const std::string quota_file = data.file_path("quotas.csv");
  for (std::size_t i = 0; i < data.quotas.size(); ++i) {
    const auto& when = data.quotas.when[i];
    if (when.unit != s.unit) {
      diags.error({quota_file, data.quotas.line[i], 1, 1},
                  fmt::format("quota for period {} but the plan's periods are {}s", to_string(when),
                              to_string(s.unit)));
      continue;
    }
    if (when.year != s.year) continue;
    b.quotas.add(quota_key(data.quotas.payee[i], when.index - 1, data.quotas.metric[i]), data.quotas.amount[i],
                 data.quotas.line[i]);
  }
  b.quotas.seal();
  // Who is on the plan.
  b.on_plan.assign(data.payees.size(), 1);
  if (data.payees.has_plan_column) {
    auto id = data.strings.find(s.name);
    for (std::size_t p = 0; p < data.payees.size(); ++p) b.on_plan[p] = id && data.payees.plan[p] == *id;
  }
  // A manager cycle matters only when credit rolls up.
  if (s.rollup_depth > 0) {
    const auto& m = data.payees.manager;
    std::vector<std::uint8_t> state(data.payees.size(), 0);  // 0 new, 1 on path, 2 done
    for (std::uint32_t start = 0; start < m.size(); ++start) {
      std::vector<std::uint32_t> path;
      auto p = start;
      while (p != no_payee && state[p] == 0) {
        state[p] = 1;
        path.push_back(p);
        p = m[p];
      }
      if (p != no_payee && state[p] == 1) {
        std::string names;
        auto it = std::find(path.begin(), path.end(), p);
        for (; it != path.end(); ++it) names += fmt::format("{} -> ", data.payees.ids[*it]);
        names += data.payees.ids[p];
        diags.error({data.file_path("payees.csv"), data.payees.line[p], 1, 1},
                    fmt::format("manager cycle: {}", names));
      }
      for (auto q : path) state[q] = 2;
    }
  }
  b.order = payee_order(data.payees);
  if (diags.error_count() > before) return std::nullopt;
  return b;
}

}  // namespace eval

std::optional<run_result> run(const plan& p, const dataset& data, diagnostics& diags,
                              const run_options& options) {
  const auto& plan = p.impl().compiled;
  auto bound = eval::bind_run(plan, data, diags);
  if (!bound) return std::nullopt;
  eval::crediting_context cctx{plan, data, bound->calendar, bound->on_plan, options.threads};
  const auto before = diags.error_count();
  auto credits = eval::credit_transactions(cctx, diags);
  if (diags.error_count() > before) return std::nullopt;

  run_result result;
  result.totals = credits.totals;
  // Rows a permissive read set aside never reach crediting; they are read
  // and rejected, so that read = credited + uncredited + rejected still holds.
  eval::tally_rejected(data, plan.settings().currency, result.totals);
  eval::evaluate_payees(plan, data, *bound, credits, options.threads, result, diags);
  if (diags.error_count() > before) return std::nullopt;
  return result;
}

}  // namespace icm
