// eval/payee_eval.hpp - measures -> components -> ledger, per payee and period.
//
// Runs after crediting, once per payee, over that payee's evaluated periods
// in order (year-to-date components and carried balances need the earlier
// periods). Values keep exact quotients (attainments, averages, divisions)
// beside their rounded value: decisions such as tier bands, bonus
// conditions and curve segments use the exact value; arithmetic uses the
// value rounded half-even to the plan's precision (spec section 10).
#pragma once

#include <string>
#include <vector>

#include "eval/crediting.hpp"
#include "icm/explain.hpp"

namespace icm::eval {

// One step of an explanation: what was computed, from what, and the amount.
struct trace_step {
  step_kind kind = step_kind::input;
  std::string component;  // component or ledger line; empty for inputs
  std::string step;       // "base", "band 2", "cap", "rounding", ...
  std::string detail;     // how, in words and numbers
  std::optional<decimal> amount;
};

struct payee_context {
  const compile::compiled_plan& plan;
  const dataset& data;
  const plan_calendar& calendar;
  const crediting_result& credits;
  // Quotas by (payee, period index, metric id).
  const std::unordered_map<std::uint64_t, std::pair<decimal, std::uint32_t>>& quotas;
};

struct payee_output {
  std::vector<payout_line> payouts;
  std::vector<measure_value> measures;
  std::vector<open_balance> balances;
};

// Evaluates one payee over the periods it is employed in. Errors carry the
// payee and period. `trace`, when set, receives the steps of `trace_period`.
payee_output evaluate_payee(const payee_context& ctx, std::uint32_t payee, diagnostics& diags,
                            int trace_period = -1, std::vector<trace_step>* trace = nullptr);

inline std::uint64_t quota_key(std::uint32_t payee, int period, std::uint32_t metric) {
  return (static_cast<std::uint64_t>(payee) << 32) | (static_cast<std::uint64_t>(period) << 24) | metric;
}

}  // namespace icm::eval
