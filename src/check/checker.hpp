// check/checker.hpp - names, types, tiers: AST in, checked plan or diagnostics out.
//
// The checker reports every problem it finds in one run (Clang style, with
// the place of each) and suppresses follow-on errors: an expression whose
// operand already failed gets the `error` type and is not reported again.
#pragma once

#include <optional>

#include "check/checked_plan.hpp"
#include "syntax/parse.hpp"

namespace icm::check {

std::optional<checked_plan> check_plan(const syntax::parsed_plan& parsed, diagnostics& diags);

}  // namespace icm::check
