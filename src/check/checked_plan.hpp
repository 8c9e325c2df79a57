// check/checked_plan.hpp - what the checker hands to the compiler and evaluator.
//
// The checker resolves every name of the AST (measures, payee attributes,
// transaction columns, built-ins), gives every expression a type (money,
// ratio, number, count, ...) and turns operator chains into a tree of
// `bound_expr` nodes. Constants that decide structure (tier bounds, curve
// points, credit weights) are folded to decimals here, so that gaps,
// overlaps and ascending order are checked before any data is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "icm/calendar.hpp"
#include "icm/decimal.hpp"
#include "icm/diagnostics.hpp"

namespace icm::check {

enum class value_type : std::uint8_t { money, ratio, number, count, boolean, text, date, error };
std::string_view to_string(value_type t);

// One node kind per construct; the evaluator switches on it.
enum class node_kind : std::uint8_t {
  constant,      // number: a decimal; text: a string; date: day number in `number`
  quota,         // quota of metric `text` for the payee and period (prorated if the plan says)
  payee_attribute,  // payee column `text` (index: attribute slot)
  measure_ref,   // measure `index`
  aggregate,     // aggregate slot `index` (sum/count/min/max/avg of credits)
  column,        // transaction column `text` (row context)
  txn_amount,    // the transaction's own amount (row context)
  txn_date,      // the transaction date (row context)
  txn_currency,  // the transaction currency (row context)
  txn_payee,     // the transaction payee_id (row context)
  credit_amount, // the credit in plan currency (aggregate filters)
  is_rollup,     // true for a manager's overlay credit (aggregate filters)
  add, sub, mul, div, neg,
  eq, ne, lt, le, gt, ge, in_list, between,
  logical_and, logical_or, logical_not,
  round, min, max, abs,
};

struct bound_expr {
  node_kind kind = node_kind::constant;
  value_type type = value_type::number;
  bool quotient = false;      // a division, an attainment or an avg: decisions use the exact value
  std::vector<bound_expr> args;
  decimal number;             // constant value (dates: day number)
  std::string text;           // constant text, metric, column or attribute name
  std::uint32_t index = 0;    // measure, aggregate or attribute slot
  rounding_mode mode = rounding_mode::half_even;  // round()
  bool has_mode = false;      // round() named a mode (else: the plan's)
  source_location where;
};

enum class aggregate_fn : std::uint8_t { sum, count, min, max, avg };
std::string_view to_string(aggregate_fn f);

struct aggregate_def {
  aggregate_fn fn = aggregate_fn::sum;
  std::optional<bound_expr> filter;  // row context + credit_amount + is_rollup
  source_location where;
};

struct measure_def {
  std::string name;
  bound_expr value;
  source_location where;
};

struct attribute_def {
  std::string name;
  value_type type = value_type::text;
  source_location where;
};

struct credit_rule_def {
  decimal weight;                    // folded constant: 0.5 for 50%
  std::optional<bound_expr> condition;
  source_location where;
};

enum class formula_kind : std::uint8_t { pay, tiers, curve, bonus };
enum class tier_kind : std::uint8_t { marginal, retroactive };

struct tier_band_def {
  decimal lower;
  std::optional<decimal> upper;  // none: open-ended last band
  decimal rate;                  // a ratio, or a fixed amount when `fixed`
  bool fixed = false;
  source_location where;
};

struct curve_point_def {
  decimal x, y;
  source_location where;
};

enum class modifier_kind : std::uint8_t { gate, multiplier, cap, floor };
std::string_view to_string(modifier_kind m);

struct modifier_def {
  modifier_kind kind = modifier_kind::cap;
  std::optional<bound_expr> condition;  // gate, multiplier
  std::optional<bound_expr> amount;     // multiplier factor, cap, floor
  source_location where;
};

struct component_def {
  std::string name;
  bool cumulative = false;
  formula_kind kind = formula_kind::pay;
  // pay: amount. bonus: amount + condition. tiers: base, driver, bands.
  // curve: base, driver, points.
  std::optional<bound_expr> amount, condition, base, driver;
  tier_kind tiers = tier_kind::retroactive;
  // Marginal tiers on attainment: bands in amount are bound x denominator
  // (the quota side of the attainment), computed exactly.
  std::optional<bound_expr> attainment_denominator;
  std::vector<tier_band_def> bands;
  std::vector<curve_point_def> points;
  std::vector<modifier_def> modifiers;
  source_location where;
};

enum class draw_kind : std::uint8_t { recoverable, guarantee };

struct draw_def {
  draw_kind kind = draw_kind::recoverable;
  bound_expr amount;
  std::optional<period> until;  // last period the draw is paid (inclusive)
  source_location where;
};

struct plan_settings {
  std::string name;
  std::string currency = "USD";
  int minor_digits = 2;  // ISO 4217 exponent of the plan currency
  period_unit unit = period_unit::quarter;
  int year = 0;
  int precision = 16;
  rounding_mode rounding = rounding_mode::half_even;
  bool pay_negative_totals = false;  // else carry forward (default)
  int rollup_depth = 0;              // 0: no manager overlay
  bool prorate_quotas = false;
  std::optional<bound_expr> plan_cap;
  std::optional<draw_def> draw;
};

struct checked_plan {
  std::string file;
  plan_settings settings;
  std::vector<std::string> columns;       // declared transaction columns
  std::vector<attribute_def> attributes;  // payee attributes (target_incentive first)
  std::vector<credit_rule_def> rules;
  std::vector<aggregate_def> aggregates;
  std::vector<measure_def> measures;
  std::vector<component_def> components;
  // Every quota metric the plan reads (for missing-quota checks up front).
  std::vector<std::string> quota_metrics;
};

// ISO 4217 minor-unit digits for a currency code; nullopt when unknown.
std::optional<int> currency_minor_digits(std::string_view code);

}  // namespace icm::check
