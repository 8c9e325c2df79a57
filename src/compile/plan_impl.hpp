// compile/plan_impl.hpp - what an icm::plan holds: its text and compiled form.
#pragma once

#include <string>

#include "compile/compiled_plan.hpp"
#include "icm/plan.hpp"

namespace icm::detail {

struct plan_impl {
  std::string source;
  std::string file;
  compile::compiled_plan compiled;
};

}  // namespace icm::detail
