// Every payee of a run, split among threads. See evaluate_payees.hpp.
#include "eval/evaluate_payees.hpp"

#include <thread>

#include "eval/payee_eval.hpp"

namespace icm::eval {

void evaluate_payees(const compile::compiled_plan& plan, const dataset& data, const bound_run& bound,
                     const crediting_result& credits, unsigned threads, run_result& result,
                     diagnostics& diags) {
  struct range_output {
    std::vector<payout_line> payouts;
    std::vector<measure_value> measures;
    std::vector<open_balance> balances;
    std::uint64_t payees = 0, payee_periods = 0;
    decimal paid;
    diagnostics diags;
  };
  std::vector<std::uint32_t> order;
  order.reserve(bound.order.size());
  for (auto p : bound.order)
    if (bound.on_plan[p]) order.push_back(p);
  // Small runs are not worth a thread.
  const std::size_t n = order.size();
  const unsigned parts = static_cast<unsigned>(std::max<std::size_t>(
      1, std::min<std::size_t>(thread_count(threads), n / 256)));
  std::vector<range_output> out(parts);
  payee_context pctx{plan, data, bound.calendar, credits, bound.quotas};
  auto work = [&](unsigned t) {
    auto& o = out[t];
    const std::size_t from = n * t / parts, to = n * (t + 1) / parts;
    for (std::size_t k = from; k < to; ++k) {
      auto r = evaluate_payee(pctx, order[k], o.diags);
      if (o.payouts.capacity() == 0 && !r.payouts.empty()) {
        // Payees have about as many lines as each other: room for the
        // range from the first one's count (growing by doubling moves
        // every line several times). The first range makes room for every
        // range: the result adopts its vectors and appends the others.
        const std::size_t left = (t == 0 ? n : to) - k;
        o.payouts.reserve(r.payouts.size() * left + left / 8);
        o.measures.reserve(r.measures.size() * left + left / 8);
      }
      if (r.payouts.empty() && r.measures.empty() && !o.diags.has_errors()) continue;
      ++o.payees;
      const period* last = nullptr;
      for (auto& l : r.payouts) {
        o.paid += l.amount;
        // Lines come by period: a new period starts a new payee-period.
        if (!last || !(*last == l.when)) ++o.payee_periods;
        last = &l.when;
        o.payouts.push_back(std::move(l));
      }
      for (auto& m : r.measures) o.measures.push_back(std::move(m));
      for (auto& b : r.balances) o.balances.push_back(std::move(b));
    }
  };
  if (parts == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < parts; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  decimal paid;
  std::size_t payout_lines = result.payouts.size(), measure_lines = result.measures.size();
  for (const auto& o : out) {
    payout_lines += o.payouts.size();
    measure_lines += o.measures.size();
  }
  // The first range's lines are moved in whole when the result has none
  // yet (the common case): copying them would touch as much memory again
  // (tens of megabytes at payroll scale, each page a fault).
  const bool adopt = result.payouts.empty() && result.measures.empty();
  if (adopt) {
    result.payouts = std::move(out[0].payouts);
    result.measures = std::move(out[0].measures);
  }
  result.payouts.reserve(payout_lines);
  result.measures.reserve(measure_lines);
  for (auto& o : out) {
    diags.append(o.diags);
    result.totals.payees += o.payees;
    result.totals.payee_periods += o.payee_periods;
    paid += o.paid;
    result.payouts.insert(result.payouts.end(), std::make_move_iterator(o.payouts.begin()),
                          std::make_move_iterator(o.payouts.end()));
    result.measures.insert(result.measures.end(), std::make_move_iterator(o.measures.begin()),
                           std::make_move_iterator(o.measures.end()));
    result.balances.insert(result.balances.end(), std::make_move_iterator(o.balances.begin()),
                           std::make_move_iterator(o.balances.end()));
  }
  result.totals.total_paid = paid.round(plan.settings().minor_digits);
}

}  // namespace icm::eval
