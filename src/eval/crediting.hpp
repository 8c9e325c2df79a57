// eval/crediting.hpp - transactions -> credits -> per payee and period aggregates.
//
// One pass over the transaction columns: each row is placed in a plan period
// (or left uncredited with a reason), matched against the credit rules
// (first match wins), split among its payees, converted to the plan
// currency and rounded once to the minor unit (spec section 3), rolled up to
// managers when the plan asks, and folded into the aggregate slots of each
// receiving payee and period. Memory is per payee, not per transaction.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compile/compiled_plan.hpp"
#include "eval/row_filter.hpp"
#include "icm/data.hpp"
#include "icm/run.hpp"

namespace icm::eval {

// 128-bit sums (the GNU extension, spelled once so -Wpedantic stays quiet).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

// One aggregate slot of one payee in one period. Credits are whole minor
// units, so sums are exact integers; __int128 cannot overflow for any
// realistic batch (2^127 minor units).
struct aggregate_cell {
  int128 sum = 0;
  std::int64_t count = 0;
  std::int64_t min = 0, max = 0;  // valid when count > 0
};

// The plan's periods, and which of them each payee is evaluated in.
struct plan_calendar {
  std::vector<period> periods;
  std::int32_t first_day = 0, last_day = 0;  // the plan year
  std::vector<std::uint8_t> period_of_day;   // day - first_day -> period index

  explicit plan_calendar(const check::plan_settings& s);
  int period_index(std::int32_t day) const {
    if (day < first_day || day > last_day) return -1;
    return period_of_day[static_cast<std::size_t>(day - first_day)];
  }
};

// One credit given to a payee, as `explain` lists them.
struct credit_record {
  std::uint32_t row = 0;    // transaction row
  std::uint32_t payee = 0;  // payee row credited
  int period = 0;
  decimal share, weight, rate;  // split share, rule weight, FX rate
  std::int64_t minor = 0;        // credit amount, minor units
  bool rollup = false;
  std::uint32_t rule = 0;
};

struct crediting_result {
  // cells[(payee * periods + period) * aggregates + slot]
  std::vector<aggregate_cell> cells;
  std::size_t period_count = 0, aggregate_count = 0;
  control_totals totals;
  const aggregate_cell& cell(std::uint32_t payee, int period, std::uint32_t slot) const {
    return cells[(payee * period_count + static_cast<std::size_t>(period)) * aggregate_count + slot];
  }
};

struct crediting_context {
  const compile::compiled_plan& plan;
  const dataset& data;
  const plan_calendar& calendar;
  std::vector<std::uint8_t> on_plan;  // per payee row
};

// An exact decimal from a 128-bit coefficient (control-total sums).
decimal decimal_from_i128(int128 coefficient, int scale);

// Credits every transaction. Errors (a missing FX rate for a credited
// transaction, an amount out of range) go to diags. When `trace_payee` is
// set, every credit given to that payee is appended to `trace`.
crediting_result credit_transactions(const crediting_context& ctx, diagnostics& diags,
                                     std::uint32_t trace_payee = no_payee,
                                     std::vector<credit_record>* trace = nullptr);

}  // namespace icm::eval
