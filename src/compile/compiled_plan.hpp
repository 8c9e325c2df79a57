// compile/compiled_plan.hpp - the compact plan the evaluator runs.
//
// Row-level conditions (credit rules, aggregate filters) run once per
// transaction or credit, millions of times, so they are compiled from the
// checked tree into flat postfix programs over a few leaf tests. Each leaf
// compares one transaction column with constants; text columns become a
// lookup table over interned string ids when bound to a data set, so that
// `product in ("saas", "services")` costs one array load per row whatever the
// number of items and whatever the value's dynamic type (spec section 10:
// numeric when both sides are decimals, by date when both are dates, else
// text).
//
// Per-payee expressions (measures, components) run a few times per payee and
// period, so they stay trees (check::bound_expr) evaluated by eval/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/checked_plan.hpp"

namespace icm::compile {

// What a leaf reads from the row.
enum class row_source : std::uint8_t {
  column,         // a transaction attribute column (interned text)
  txn_currency,   // the transaction's currency (interned; empty = plan currency)
  txn_payee,      // the transaction's payee_id
  txn_amount,     // the transaction's own amount (scaled integer)
  txn_date,       // the transaction date (day number)
  credit_amount,  // the credit in plan currency, minor units (aggregate filters)
  is_rollup,      // overlay credit flag (aggregate filters)
};

enum class comparison : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in, between };

// A leaf: `source OP constants`. For `between`, constants are low and high.
struct row_test {
  row_source source = row_source::column;
  std::string column;  // for row_source::column
  comparison op = comparison::eq;
  // Constants as written: a decimal, a date (day number) or a text each.
  struct constant {
    check::value_type type = check::value_type::text;
    decimal number;
    std::string text;
  };
  std::vector<constant> constants;
};

enum class row_op : std::uint8_t { test, logical_and, logical_or, logical_not, always };

struct row_instruction {
  row_op op = row_op::always;
  std::uint32_t test = 0;  // index into row_program::tests for row_op::test
};

// A condition in postfix order: tests push a truth value, and/or pop two and
// push one, not flips the top.
struct row_program {
  std::vector<row_test> tests;
  std::vector<row_instruction> code;
  bool empty() const { return code.empty(); }
  bool reads_credit() const;  // needs the credit amount or the rollup flag
};

struct compiled_rule {
  decimal weight;
  row_program condition;  // empty: matches every row
  source_location where;
};

struct compiled_aggregate {
  check::aggregate_fn fn = check::aggregate_fn::sum;
  row_program filter;  // empty: every credit
};

struct compiled_plan {
  check::checked_plan checked;  // settings, measures, components (trees)
  std::vector<compiled_rule> rules;
  std::vector<compiled_aggregate> aggregates;

  const check::plan_settings& settings() const { return checked.settings; }
};

// Compiles a checked plan. Row conditions that are not comparisons of a
// column with constants are reported to diags (file:line:column).
std::optional<compiled_plan> compile_plan(check::checked_plan checked, diagnostics& diags);

}  // namespace icm::compile
