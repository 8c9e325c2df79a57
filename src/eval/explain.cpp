// icm::explain: one payee and period, re-run with tracing on.
#include <fmt/format.h>

#include "compile/plan_impl.hpp"
#include "eval/payee_eval.hpp"
#include "eval/run_internal.hpp"
#include "icm/explain.hpp"

namespace icm {

std::string_view to_string(step_kind k) noexcept {
  switch (k) {
    case step_kind::input: return "input";
    case step_kind::part: return "part";
    case step_kind::modifier: return "modifier";
    case step_kind::rounding: return "rounding";
    case step_kind::year_to_date: return "year_to_date";
    case step_kind::ledger: return "ledger";
  }
  return "input";
}

std::optional<explanation> explain(const plan& p, const dataset& data, std::string_view payee_id,
                                   const period& when, diagnostics& diags) {
  const auto& plan = p.impl().compiled;
  const auto& s = plan.settings();
  auto row = data.payees.find(payee_id);
  if (!row) {
    diags.error({data.file_path("payees.csv"), 0, 0, 0}, fmt::format("no payee '{}' in payees.csv", payee_id));
    return std::nullopt;
  }
  if (when.unit != s.unit || when.year != s.year) {
    diags.error({}, fmt::format("{} is not a period of the plan ({}s of {})", to_string(when), to_string(s.unit),
                                s.year));
    return std::nullopt;
  }
  auto bound = eval::bind_run(plan, data, diags);
  if (!bound) return std::nullopt;
  if (!bound->on_plan[*row]) {
    diags.payee_error(std::string(payee_id), to_string(when), fmt::format("the payee is not on plan '{}'", s.name));
    return std::nullopt;
  }
  const auto before = diags.error_count();
  std::vector<eval::credit_record> records;
  eval::crediting_context cctx{plan, data, bound->calendar, bound->on_plan};
  auto credits = eval::credit_transactions(cctx, diags, *row, &records);
  if (diags.error_count() > before) return std::nullopt;

  const int period_index = when.index - 1;
  std::vector<eval::trace_step> trace;
  eval::payee_context pctx{plan, data, bound->calendar, credits, bound->quotas};
  auto out = eval::evaluate_payee(pctx, *row, diags, period_index, &trace);
  if (diags.error_count() > before) return std::nullopt;

  explanation e;
  e.payee_id = std::string(payee_id);
  e.when = when;
  e.currency = s.currency;
  const auto& txns = data.transactions;
  for (const auto& r : records) {
    if (r.period != period_index) continue;
    explained_credit c;
    c.txn_id = std::string(data.txn_ids.view(txns.txn_id[r.row]));
    c.line = txns.line[r.row];
    c.on = date{txns.date[r.row]};
    c.amount = txns.amount_of(r.row);
    auto ccy = txns.has_currency_column ? data.strings.view(txns.currency[r.row]) : std::string_view{};
    c.currency = ccy.empty() ? s.currency : std::string(ccy);
    c.share = r.share;
    c.weight = r.weight;
    c.rate = r.rate;
    c.credit = decimal(r.minor, s.minor_digits);
    c.rollup = r.rollup;
    e.credits.push_back(std::move(c));
  }
  for (auto& m : out.measures)
    if (m.when == when) e.measures.push_back(std::move(m));
  for (auto& t : trace) e.steps.push_back({t.kind, std::move(t.component), std::move(t.step), std::move(t.detail), std::move(t.amount)});
  bool evaluated = false;
  for (auto& l : out.payouts) {
    if (!(l.when == when)) continue;
    evaluated = true;
    e.total += l.amount;
    e.lines.push_back(std::move(l));
  }
  if (!evaluated) {
    diags.payee_error(std::string(payee_id), to_string(when), "the payee is not employed in this period: nothing is evaluated");
    return std::nullopt;
  }
  return e;
}

}  // namespace icm
