// icm/plan.hpp - load and check a comp plan.
//
// A plan is text in icm's plan language (docs/language.md). Loading parses,
// checks and compiles it in one step; every problem found goes into a
// `diagnostics` list as a value with its file:line:column, so that a host
// application can show them all (render() gives Clang-style text).
//
//   icm::diagnostics diags;
//   auto plan = icm::plan::parse(text, "plans/ae.icm", diags);
//   if (!plan) { std::cerr << icm::render(diags, text); return 1; }
//
// A plan is immutable and cheap to copy (shared); one plan can run over many
// data sets, from several threads at once.
#pragma once

#include <memory>       // std::shared_ptr (the compiled plan)
#include <optional>     // parse results
#include <string>       // names
#include <vector>       // component names

#include "icm/calendar.hpp"     // period_unit
#include "icm/decimal.hpp"      // rounding_mode
#include "icm/diagnostics.hpp"  // diagnostics

namespace icm {

namespace detail {
struct plan_impl;  // the compiled plan, defined in src/
}

class plan {
 public:
  // Parses, checks and compiles `source`; `file_name` is what diagnostics
  // call it. Returns nullopt when diags received any error.
  static std::optional<plan> parse(std::string source, std::string file_name, diagnostics& diags);
  // Reads the file at `path`, then parse(). A file that cannot be read is a
  // diagnostic too.
  static std::optional<plan> load_file(const std::string& path, diagnostics& diags);
  // As parse(), throwing icm::error (which carries the diagnostics).
  static plan parse_or_throw(std::string source, std::string file_name);

  const std::string& name() const;
  const std::string& currency() const;     // ISO 4217 code of the plan currency
  int currency_digits() const;             // its minor unit: 2 for USD, 0 for JPY
  period_unit unit() const;                // month, quarter or year
  int year() const;                        // the plan year
  int precision() const;                   // digits kept by divisions
  rounding_mode rounding() const;
  std::vector<std::string> component_names() const;  // in plan order
  const std::string& source() const;       // the plan text (for rendering diagnostics)
  const std::string& file_name() const;

  const detail::plan_impl& impl() const noexcept { return *impl_; }

 private:
  explicit plan(std::shared_ptr<const detail::plan_impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const detail::plan_impl> impl_;
};

}  // namespace icm
