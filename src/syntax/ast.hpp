// syntax/ast.hpp - the plan language's abstract syntax tree.
//
// Plain structs, as Boost.Spirit X3 recommends: every node derives
// x3::position_tagged so that the checker can point at it, sums are
// x3::variant, and there are no semantic actions. Fusion adaptation lives in
// ast_adapted.hpp. Names and numbers stay text here: numbers are parsed by
// icm::decimal in the checker, never by x3::double_.
//
// Binary operators are kept as chains (first, then a list of operator and
// operand), one chain per precedence level, the way X3's calculator examples
// do; the checker turns them into a typed tree (check/bound_expression).
// `in (...)` and `between a and b` are operations of the comparison level
// whose right-hand side is a list or a range.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace icm::syntax::ast {

namespace x3 = boost::spirit::x3;

// ---- expressions ----------------------------------------------------------

struct identifier : x3::position_tagged {
  std::string name;
};

struct number_literal : x3::position_tagged {
  std::string text;  // "12.50", "-3" is unary minus + "3"
};

struct percent_literal : x3::position_tagged {
  std::string text;  // the digits before '%': "12.5" for 12.5%
};

struct money_literal : x3::position_tagged {
  std::string text;      // "5000.00"
  std::string currency;  // "USD": must be the plan currency
};

struct string_literal : x3::position_tagged {
  std::string value;  // unescaped ("" inside quotes is one ")
};

struct date_literal : x3::position_tagged {
  std::string text;  // "2026-03-31"
};

struct period_literal : x3::position_tagged {
  std::string text;  // "2026-Q2", "2026-03" (only where a period is expected)
};

struct name_ref : x3::position_tagged {
  std::string name;  // a measure, attribute, column or built-in (quota, credit)
};

struct binary_chain;
struct unary;
struct call;
struct aggregate;
struct list_operand;
struct range_operand;

struct operand
    : x3::variant<number_literal, percent_literal, money_literal, string_literal, date_literal,
                  name_ref, x3::forward_ast<call>, x3::forward_ast<aggregate>,
                  x3::forward_ast<unary>, x3::forward_ast<binary_chain>,
                  x3::forward_ast<list_operand>, x3::forward_ast<range_operand>> {
  using base_type::base_type;
  using base_type::operator=;
};

// One operator and its right-hand operand. op is the operator's spelling:
// "or" "and" "==" "!=" "<" "<=" ">" ">=" "in" "not in" "between" "+" "-" "*" "/".
struct operation : x3::position_tagged {
  std::string op;
  operand rhs;
};

// first op1 rhs1 op2 rhs2 ... all operators of one precedence level.
struct binary_chain : x3::position_tagged {
  operand first;
  std::vector<operation> rest;
};

using expression = binary_chain;

// "-" x, "not" x
struct unary : x3::position_tagged {
  std::string op;
  operand rhs;
};

// round(x, 0.01, half_up), min(a, b, ...), max(a, b, ...), quota("pipeline")
struct call : x3::position_tagged {
  identifier function;
  std::vector<expression> args;
};

// sum(credit), count(credit where product == "saas"); function is one of
// sum count min max avg.
struct aggregate : x3::position_tagged {
  std::string function;
  std::optional<expression> filter;
};

// The right-hand side of `in`: ("saas", "services")
struct list_operand : x3::position_tagged {
  std::vector<expression> items;
};

// The right-hand side of `between`: low and high, both inclusive.
struct range_operand : x3::position_tagged {
  expression low;
  expression high;
};

// ---- plan header ------------------------------------------------------------

// `currency USD`, `period quarter`, `year 2026`, `precision 10`,
// `rounding half_even`, `negative_totals carry|pay`, `rollup 2` (manager
// overlay depth), `prorate quotas`: a keyword and one word or number.
struct setting : x3::position_tagged {
  std::string key;
  std::string value;
};

// `cap 3 * target_incentive` at plan level: a cap on the sum of all
// components per period.
struct plan_cap : x3::position_tagged {
  expression amount;
};

// `draw recoverable 3000.00 USD [until 2026-Q2]` or `draw guarantee ...`
struct draw_setting : x3::position_tagged {
  std::string kind;  // "recoverable" | "guarantee"
  expression amount;
  std::optional<period_literal> until;
};

struct header_item : x3::variant<setting, plan_cap, draw_setting> {
  using base_type::base_type;
  using base_type::operator=;
};

// plan "Name" { items }
struct plan_header : x3::position_tagged {
  string_literal name;
  std::vector<header_item> items;
};

// ---- declarations, credit rules, measures -----------------------------------

// `columns product, region`: the transaction columns the plan reads.
struct columns_decl : x3::position_tagged {
  std::vector<identifier> names;
};

// `attribute tenure money`: a payee attribute (payees.csv column) and its
// type: money, ratio, number, count, text or date. target_incentive is built
// in (money).
struct attribute_decl : x3::position_tagged {
  identifier name;
  identifier type;
};

// `credit 50% where product == "hardware"`; the first matching rule wins.
struct credit_rule : x3::position_tagged {
  expression weight;
  std::optional<expression> condition;
};

// `measure credited = sum(credit)`
struct measure_def : x3::position_tagged {
  identifier name;
  expression value;
};

// ---- components ---------------------------------------------------------------

// `pay credited * 8%`: a flat rate or any money formula.
struct pay_formula : x3::position_tagged {
  expression amount;
};

// `from 50% to 100% pay 8%`; no `to` on the last, open-ended band.
struct tier_band : x3::position_tagged {
  expression lower;
  std::optional<expression> upper;
  expression rate;  // a ratio (percentage of the base) or money (fixed amount)
};

// `tiers marginal of credited by attainment { bands }`; without `by` the
// driver is the base itself.
struct tier_table : x3::position_tagged {
  identifier kind;  // marginal | retroactive
  expression base;
  std::optional<expression> driver;
  std::vector<tier_band> bands;
};

// `50% -> 0%`
struct curve_point : x3::position_tagged {
  expression x;
  expression y;
};

// `curve of target_incentive by attainment { points }`
struct payout_curve : x3::position_tagged {
  expression base;
  expression driver;
  std::vector<curve_point> points;
};

// `bonus 5000.00 USD when attainment >= 100%`
struct bonus_formula : x3::position_tagged {
  expression amount;
  expression condition;
};

struct formula : x3::variant<pay_formula, tier_table, payout_curve, bonus_formula> {
  using base_type::base_type;
  using base_type::operator=;
};

// Modifiers apply in the order written.
struct gate_modifier : x3::position_tagged {  // gate when COND
  expression condition;
};
struct multiplier_modifier : x3::position_tagged {  // multiplier 1.5 [when COND]
  expression factor;
  std::optional<expression> condition;
};
struct cap_modifier : x3::position_tagged {  // cap EXPR
  expression amount;
};
struct floor_modifier : x3::position_tagged {  // floor EXPR
  expression amount;
};

struct modifier
    : x3::variant<gate_modifier, multiplier_modifier, cap_modifier, floor_modifier> {
  using base_type::base_type;
  using base_type::operator=;
};

// component NAME [cumulative] { formula modifiers }
struct component_def : x3::position_tagged {
  identifier name;
  std::optional<std::string> cumulative;  // "cumulative" when year-to-date
  formula body;
  std::vector<modifier> modifiers;
};

struct statement : x3::variant<columns_decl, attribute_decl, credit_rule, measure_def,
                               component_def> {
  using base_type::base_type;
  using base_type::operator=;
};

struct plan_file : x3::position_tagged {
  plan_header header;
  std::vector<statement> statements;
};

}  // namespace icm::syntax::ast
