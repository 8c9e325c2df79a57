// eval/payee_eval.hpp - measures -> components -> ledger, per payee and period.
//
// Runs after crediting, once per payee, over that payee's evaluated periods
// in order (year-to-date components and carried balances need the earlier
// periods). Values keep exact quotients (attainments, averages, divisions)
// beside their rounded value: decisions such as tier bands, bonus
// conditions and curve segments use the exact value; arithmetic uses the
// value rounded half-even to the plan's precision (spec section 10).
#pragma once

#include <span>
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

inline std::uint64_t quota_key(std::uint32_t payee, int period, std::uint32_t metric) {
  return (static_cast<std::uint64_t>(payee) << 32) | (static_cast<std::uint64_t>(period) << 24) | metric;
}

// Quotas of the plan year by quota_key (payee, period index, metric id),
// sorted by key: a payee's quotas lie together, found once per payee by a
// binary search, then among a handful (was a node-based hash map looked up
// per use: about 15% of evaluating payees).
class quota_book {
 public:
  struct entry {
    std::uint64_t key;
    decimal amount;
    std::uint32_t line;  // in quotas.csv
  };
  // A later quota for the same key replaces an earlier one.
  void add(std::uint64_t key, const decimal& amount, std::uint32_t line) { entries_.push_back({key, amount, line}); }
  // After the last add: sorted, one entry per key.
  void seal();
  // The quotas of one payee, in key order.
  std::span<const entry> of_payee(std::uint32_t payee) const;
  // The entry of `key` among `quotas` (one payee's), or nullptr.
  static const entry* find(std::span<const entry> quotas, std::uint64_t key) {
    for (const auto& e : quotas)
      if (e.key == key) return &e;
    return nullptr;
  }

 private:
  std::vector<entry> entries_;
};

struct payee_context {
  const compile::compiled_plan& plan;
  const dataset& data;
  const plan_calendar& calendar;
  const crediting_result& credits;
  const quota_book& quotas;
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

}  // namespace icm::eval
