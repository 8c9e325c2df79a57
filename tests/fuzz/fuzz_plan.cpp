// fuzz_plan: arbitrary bytes as a plan file through icm::plan::parse (parser,
// checker and compiler), then rendered diagnostics (the caret code).
//
// Why: a plan is typed by analysts and may be anything; spec section 7 says
// bad input never crashes or hangs the engine. Diagnostics are the expected
// outcome for most inputs; a crash, a sanitizer report, a leak or a timeout is
// a bug.
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t
#include <string>   // the plan text

#include "icm/diagnostics.hpp"
#include "icm/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  icm::diagnostics diags;
  auto plan = icm::plan::parse(text, "fuzz.icm", diags);
  // Every failure must say why.
  if (!plan && !diags.has_errors()) __builtin_trap();
  const std::string rendered = icm::render(diags, text);
  if (!diags.empty() && rendered.empty()) __builtin_trap();
  if (plan) {
    // The accessors of a plan that compiled must hold up too.
    (void)plan->component_names();
    (void)plan->name();
  }
  return 0;
}
