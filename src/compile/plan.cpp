// icm::plan: parse -> check -> compile, one diagnostics list throughout.
#include <fstream>
#include <sstream>

#include "check/checker.hpp"
#include "compile/plan_impl.hpp"
#include "syntax/parse.hpp"

namespace icm {

std::optional<plan> plan::parse(std::string source, std::string file_name, diagnostics& diags) {
  auto impl = std::make_shared<detail::plan_impl>();
  impl->source = source;
  impl->file = file_name;
  auto parsed = syntax::parse_plan(std::move(source), std::move(file_name), diags);
  if (!parsed) return std::nullopt;
  auto checked = check::check_plan(*parsed, diags);
  if (!checked) return std::nullopt;
  auto compiled = compile::compile_plan(std::move(*checked), diags);
  if (!compiled) return std::nullopt;
  impl->compiled = std::move(*compiled);
  return plan(std::move(impl));
}

std::optional<plan> plan::load_file(const std::string& path, diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0, 0}, "cannot open the plan file");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diags.error({path, 0, 0, 0}, "cannot read the plan file");
    return std::nullopt;
  }
  return parse(std::move(text).str(), path, diags);
}

plan plan::parse_or_throw(std::string source, std::string file_name) {
  diagnostics diags;
  auto p = parse(std::move(source), std::move(file_name), diags);
  if (!p) throw error(std::move(diags));
  return std::move(*p);
}

const std::string& plan::name() const { return impl_->compiled.settings().name; }
const std::string& plan::currency() const { return impl_->compiled.settings().currency; }
int plan::currency_digits() const { return impl_->compiled.settings().minor_digits; }
period_unit plan::unit() const { return impl_->compiled.settings().unit; }
int plan::year() const { return impl_->compiled.settings().year; }
int plan::precision() const { return impl_->compiled.settings().precision; }
rounding_mode plan::rounding() const { return impl_->compiled.settings().rounding; }
const std::string& plan::source() const { return impl_->source; }
const std::string& plan::file_name() const { return impl_->file; }

std::vector<std::string> plan::component_names() const {
  std::vector<std::string> names;
  for (const auto& c : impl_->compiled.checked.components) names.push_back(c.name);
  return names;
}

}  // namespace icm
