// syntax/ast_adapted.hpp - Boost.Fusion adaptation of every AST node.
//
// Why a separate file: X3 fills structs through Fusion, but nothing outside
// the grammar needs Fusion; keeping the macros here keeps ast.hpp plain and
// cheap for the checker and the tests to include.
#pragma once

#include <optional>  // std::optional in the AST

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/mpl/bool.hpp>
#include <boost/mpl/identity.hpp>
#include <boost/spirit/home/x3/support/traits/optional_traits.hpp>

#include "syntax/ast.hpp"

// X3 1.74 knows boost::optional only; the AST uses std::optional. These two
// traits are all X3 needs to fill one (`-p` assigns the parsed value).
namespace boost::spirit::x3::traits {
template <typename T>
struct is_optional<std::optional<T>> : mpl::true_ {};
template <typename T>
struct optional_value<std::optional<T>> : mpl::identity<T> {};
}  // namespace boost::spirit::x3::traits

// clang-format off
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::identifier, name)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::number_literal, text)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::percent_literal, text)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::money_literal, text, currency)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::string_literal, value)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::date_literal, text)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::period_literal, text)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::name_ref, name)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::operation, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::binary_chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::unary, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::call, function, args)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::aggregate, function, filter)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::list_operand, items)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::range_operand, low, high)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::setting, key, value)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::plan_cap, amount)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::draw_setting, kind, amount, until)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::plan_header, name, items)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::columns_decl, names)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::attribute_decl, name, type)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::credit_rule, weight, condition)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::measure_def, name, value)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::pay_formula, amount)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::tier_band, lower, upper, rate)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::tier_table, kind, base, driver, bands)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::curve_point, x, y)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::payout_curve, base, driver, points)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::bonus_formula, amount, condition)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::gate_modifier, condition)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::multiplier_modifier, factor, condition)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::cap_modifier, amount)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::floor_modifier, amount)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::component_def, name, cumulative, body, modifiers)
BOOST_FUSION_ADAPT_STRUCT(icm::syntax::ast::plan_file, header, statements)
// clang-format on
