// The one translation unit that compiles the plan grammar (see grammar.hpp).
#include "syntax/grammar_def.hpp"

#include "syntax/config.hpp"

namespace icm::syntax::parser {

BOOST_SPIRIT_INSTANTIATE(plan_file_type, iterator_type, context_type)

}  // namespace icm::syntax::parser

namespace icm::syntax {
const parser::plan_file_type& plan_file_grammar() { return parser::plan_file; }
}  // namespace icm::syntax
