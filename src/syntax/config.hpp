// syntax/config.hpp - the iterator, skipper and context types of the plan grammar.
//
// Why one file: X3 instantiates every rule for one (iterator, context) pair in
// grammar.cpp, and parse.cpp must call it with exactly the same pair; two
// definitions of these types give link errors, not compile errors. The context
// carries one object, `parse_state`, under X3's error_handler_tag: it plays the
// part of X3's error_handler (annotate_on_success calls its `tag`) and also
// holds what the grammar needs while it runs (the nesting depth that keeps
// hostile input from overflowing the stack, the diagnostics list that the
// on_error handler appends to).
#pragma once

#include <cstddef>     // std::size_t
#include <cstdint>     // std::uint32_t
#include <functional>  // std::reference_wrapper
#include <string>      // file name
#include <utility>     // std::move
#include <vector>      // position cache, line starts

#include <boost/spirit/home/x3/core/parser.hpp>
#include <boost/spirit/home/x3/core/parse.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/context.hpp>
#include <boost/spirit/home/x3/support/utility/error_reporting.hpp>

#include "icm/diagnostics.hpp"

namespace icm::syntax::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;
using position_cache = x3::position_cache<std::vector<iterator_type>>;

// Limits that turn hostile input into an error instead of a stack overflow
// or an unbounded allocation.
inline constexpr int max_nesting_depth = 64;          // parentheses, prefix operators, calls
inline constexpr std::size_t max_token_length = 1024;  // identifier, number, string
inline constexpr std::size_t max_plan_bytes = 10u * 1024u * 1024u;
inline constexpr std::size_t max_syntax_errors = 50;  // then stop: the rest is noise

// Whitespace and `#` comments up to the end of the line. Used both as the
// phrase skipper and to find where an error really is (X3 reports the place
// before the skipped blanks).
inline iterator_type skip_blanks(iterator_type first, iterator_type last) {
  while (first != last) {
    char c = *first;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++first;
    } else if (c == '#') {
      while (first != last && *first != '\n') ++first;
    } else {
      break;
    }
  }
  return first;
}

struct skipper_parser : x3::parser<skipper_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    auto next = skip_blanks(first, last);
    if (next == first) return false;
    first = next;
    return true;
  }
};

inline constexpr skipper_parser skipper{};
using skipper_type = skipper_parser;

// What the grammar reads and writes while it runs; one per parse.
class parse_state {
 public:
  parse_state(iterator_type first, iterator_type last, std::string file, diagnostics& diags)
      : positions(first, last), file_(std::move(file)), diags_(&diags) {
    line_starts_.push_back(0);
    for (auto it = first; it != last; ++it)
      if (*it == '\n') line_starts_.push_back(static_cast<std::size_t>(it - first) + 1);
  }

  // annotate_on_success calls this with the text a node was parsed from.
  template <typename Node>
  void tag(Node& node, iterator_type first, iterator_type last) {
    positions.annotate(node, first, last);
  }

  // A syntax error at `where` (blanks before it are skipped here).
  void error(iterator_type where, std::size_t length, std::string message);

  // The place of `where` as file:line:column.
  source_location locate(iterator_type where, std::size_t length) const;

  std::size_t error_count() const noexcept { return errors_; }
  bool too_many_errors() const noexcept { return errors_ >= max_syntax_errors; }

  iterator_type begin() const { return positions.first(); }
  iterator_type end() const { return positions.last(); }

  position_cache positions;
  int depth = 0;  // current expression nesting, checked against max_nesting_depth

  const std::vector<std::size_t>& line_starts() const noexcept { return line_starts_; }

 private:
  std::string file_;
  diagnostics* diags_;
  std::vector<std::size_t> line_starts_;  // byte offset of each line's first byte
  std::size_t errors_ = 0;
};

// The place of byte `offset` as file:line:column, given each line's start.
source_location locate_offset(const std::vector<std::size_t>& line_starts, const std::string& file,
                              std::size_t offset, std::size_t length);

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type =
    x3::context<x3::error_handler_tag, std::reference_wrapper<parse_state>, phrase_context_type>;

}  // namespace icm::syntax::parser
