// eval/evaluate_payees.hpp - every payee of a run, split among threads.
//
// Payees are independent once crediting is done, so the payee order is cut
// into contiguous ranges, one per thread, each with its own outputs and
// diagnostics; the ranges are concatenated in order, so the result does not
// depend on the number of threads. Shared by the in-memory run and the
// streaming run (run_files).
#pragma once

#include "eval/crediting.hpp"
#include "eval/run_internal.hpp"

namespace icm::eval {

// Payouts, measures and balances of every payee on the plan, in output order,
// with the payee counts and the total paid filled into `result.totals` (whose
// crediting part the caller sets). Errors go to diags.
void evaluate_payees(const compile::compiled_plan& plan, const dataset& data, const bound_run& bound,
                     const crediting_result& credits, unsigned threads, run_result& result,
                     diagnostics& diags);

}  // namespace icm::eval
