// eval/run_internal.hpp - the plan bound to one data set, shared by run and explain.
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include "eval/crediting.hpp"
#include "eval/payee_eval.hpp"

namespace icm::eval {

struct bound_run {
  plan_calendar calendar;
  std::vector<std::uint8_t> on_plan;  // per payee row
  quota_book quotas;
  std::vector<std::uint32_t> order;   // payee rows in output order
};

// Checks what the plan needs of the data (columns, quota periods, manager
// cycles) and indexes it. Errors go to diags.
std::optional<bound_run> bind_run(const compile::compiled_plan& plan, const dataset& data, diagnostics& diags);

}  // namespace icm::eval
