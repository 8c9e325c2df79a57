// Entry point of the plan parser: runs the grammar (compiled in grammar.cpp)
// over the text and keeps what the later stages need to point into it.
#include "syntax/parse.hpp"

#include <algorithm>  // std::upper_bound
#include <functional>  // std::ref

#include <boost/spirit/home/x3.hpp>  // phrase_parse, with; the grammar itself is in grammar.cpp

#include "syntax/config.hpp"
#include "syntax/grammar.hpp"

namespace icm::syntax {

namespace parser {

source_location locate_offset(const std::vector<std::size_t>& line_starts, const std::string& file,
                              std::size_t offset, std::size_t length) {
  auto next_line = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  auto line = static_cast<std::size_t>(next_line - line_starts.begin());  // 1-based
  auto column = offset - line_starts[line - 1] + 1;
  return {file, static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column),
          static_cast<std::uint32_t>(std::max<std::size_t>(length, 1))};
}

source_location parse_state::locate(iterator_type where, std::size_t length) const {
  return locate_offset(line_starts_, file_, static_cast<std::size_t>(where - begin()), length);
}

void parse_state::error(iterator_type where, std::size_t length, std::string message) {
  ++errors_;
  diags_->error(locate(where, length), std::move(message));
  if (errors_ == max_syntax_errors)
    diags_->error(locate(where, length),
                  "too many syntax errors (" + std::to_string(max_syntax_errors) +
                      "); stopping here");
}

}  // namespace parser

source_location parsed_plan::locate(const boost::spirit::x3::position_tagged& node) const {
  if (node.id_first < 0 || node.id_last < 0 ||
      static_cast<std::size_t>(node.id_last) >= positions_.size())
    return {file_, 0, 0, 1};
  auto first = positions_[static_cast<std::size_t>(node.id_first)];
  auto last = positions_[static_cast<std::size_t>(node.id_last)];
  return parser::locate_offset(line_starts_, file_, first, last > first ? last - first : 1);
}

std::string_view parsed_plan::text_of(const boost::spirit::x3::position_tagged& node) const {
  if (node.id_first < 0 || node.id_last < 0 ||
      static_cast<std::size_t>(node.id_last) >= positions_.size())
    return {};
  auto first = positions_[static_cast<std::size_t>(node.id_first)];
  auto last = positions_[static_cast<std::size_t>(node.id_last)];
  return source().substr(first, last > first ? last - first : 0);
}

std::optional<parsed_plan> parse_plan(std::string source, std::string file, diagnostics& diags) {
  namespace x3 = boost::spirit::x3;
  using parser::iterator_type;

  if (source.size() > parser::max_plan_bytes) {
    diags.error({file, 1, 1, 1}, "plan file is too large (" + std::to_string(source.size()) +
                                     " bytes, limit " +
                                     std::to_string(parser::max_plan_bytes / (1024 * 1024)) +
                                     " MiB)");
    return std::nullopt;
  }

  parsed_plan result;
  result.source_ = std::make_shared<const std::string>(std::move(source));
  result.file_ = file;
  iterator_type first = result.source_->data();
  iterator_type const last = first + result.source_->size();

  parser::parse_state state(first, last, std::move(file), diags);
  bool ok = false;
  try {
    auto const grammar = x3::with<x3::error_handler_tag>(std::ref(state))[plan_file_grammar()];
    ok = x3::phrase_parse(first, last, grammar, parser::skipper, result.plan_);
  } catch (const x3::expectation_failure<iterator_type>& x) {
    // Only reachable if an error escapes both recovery units; report it anyway.
    state.error(parser::skip_blanks(x.where(), last), 1, "expected " + x.which());
  }
  if (!ok && state.error_count() == 0) state.error(first, 1, "unexpected text");
  if (state.error_count() > 0) return std::nullopt;

  const iterator_type begin = result.source_->data();
  const auto& cached = state.positions.get_positions();
  result.positions_.reserve(cached.size());
  for (auto it : cached) result.positions_.push_back(static_cast<std::size_t>(it - begin));
  result.line_starts_ = state.line_starts();
  return result;
}

}  // namespace icm::syntax
