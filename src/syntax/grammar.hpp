// syntax/grammar.hpp - declaration of the plan grammar's entry rule.
//
// Why only a declaration: the grammar is heavy to compile, so its definition
// (grammar_def.hpp) is included by grammar.cpp alone, which instantiates it
// once for config.hpp's iterator and context. Everyone else, parse.cpp
// included, sees this header: one rule and the promise that it exists.
#pragma once

#include <boost/spirit/home/x3/nonterminal/rule.hpp>

#include "syntax/ast.hpp"

namespace icm::syntax::parser {

namespace x3 = boost::spirit::x3;

struct plan_file_class;
using plan_file_type = x3::rule<plan_file_class, ast::plan_file>;
BOOST_SPIRIT_DECLARE(plan_file_type)

}  // namespace icm::syntax::parser

namespace icm::syntax {

// The whole-file rule: `plan "..." { ... }` then statements to the end.
const parser::plan_file_type& plan_file_grammar();

}  // namespace icm::syntax
