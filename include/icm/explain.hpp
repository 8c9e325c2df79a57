// icm/explain.hpp - why a payee was paid what they were paid.
//
// An explanation lists, for one payee and period, every credit (with its
// share, weight, FX rate and rounding), every measure, and for each
// component the steps that produced its payout: the base and driver, each
// tier band's portion and rate, each modifier that changed the amount and by
// how much, each rounding, then the ledger lines (plan cap, carried
// balances, draws). A comp analyst can recompute the payout by hand from it.
//
//   auto why = icm::explain(plan, data, "1042", *icm::parse_period("2026-Q2"), diags);
//   std::cout << icm::render_explanation(*why);
#pragma once

#include <optional>     // results
#include <string>       // ids, text
#include <string_view>  // payee id
#include <vector>       // steps

#include "icm/run.hpp"  // payout_line, measure_value, dataset, plan

namespace icm {

struct explained_credit {
  std::string txn_id;
  std::uint32_t line = 0;  // transactions.csv line
  date on;
  decimal amount;          // the transaction's own amount
  std::string currency;
  decimal share, weight, rate;
  decimal credit;          // rounded, in the plan currency
  bool rollup = false;     // a manager's overlay credit
};

// What a step contributes, so that a reader (or a test) can add it up:
//   input         a value the component reads (base, prorated quota): no sum
//   part          the formula's amount is the sum of its parts (tier band
//                 portions, a bonus, a curve value x base)
//   modifier      the running amount after a gate, multiplier, cap or floor
//   rounding      the component's amount rounded once to the minor unit
//   year_to_date  a cumulative component's line: rounded YTD minus earlier lines
//   ledger        a ledger line (plan_cap, carried balances, draws)
enum class step_kind : std::uint8_t { input, part, modifier, rounding, year_to_date, ledger };
std::string_view to_string(step_kind k) noexcept;

struct explanation_step {
  step_kind kind = step_kind::input;
  std::string component;  // the component or ledger line; empty for inputs such as a prorated quota
  std::string step;       // "base", "band 2", "cap", "rounding", "year to date", ...
  std::string detail;     // how, in words and numbers
  std::optional<decimal> amount;
};

struct explanation {
  std::string payee_id;
  period when;
  std::string currency;
  std::vector<explained_credit> credits;
  std::vector<measure_value> measures;
  std::vector<explanation_step> steps;
  std::vector<payout_line> lines;  // what payouts.csv holds for this payee and period
  decimal total;                   // their sum
};

// Explains one payee and period. Errors (unknown payee, a period the payee
// is not evaluated in, any error of the run itself) go to diags.
std::optional<explanation> explain(const plan& p, const dataset& data, std::string_view payee_id,
                                   const period& when, diagnostics& diags);

std::string render_explanation(const explanation& e);       // text for a person
std::string render_explanation_json(const explanation& e);  // the same as JSON
}  // namespace icm
