// syntax/parse.hpp - parse a plan's text into its syntax tree.
//
// Why a class that owns the text: every AST node is position_tagged, i.e. it
// holds indexes into a cache of iterators into the source. parsed_plan keeps
// the text (behind a shared pointer, so moves and copies never invalidate the
// iterators), the cache and the line index together, so that the checker can
// ask "where is this node?" long after parsing and get file:line:column.
//
//   icm::diagnostics diags;
//   auto parsed = icm::syntax::parse_plan(text, "plans/ae.icm", diags);
//   if (!parsed) return;                       // diags holds the syntax errors
//   auto where = parsed->locate(parsed->plan().header);  // plans/ae.icm:1:1
#pragma once

#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr
#include <optional>     // the result
#include <string>       // source text, file name
#include <string_view>  // source()
#include <vector>       // line index, position cache

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>

#include "icm/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace icm::syntax {

class parsed_plan {
 public:
  const ast::plan_file& plan() const noexcept { return plan_; }
  std::string_view source() const noexcept { return *source_; }
  const std::string& file() const noexcept { return file_; }

  // file:line:column (1-based, bytes) and length of the text a node was
  // parsed from. A node that was not parsed (id -1) gets line 0.
  source_location locate(const boost::spirit::x3::position_tagged& node) const;

  // The text a node was parsed from ("credited / quota"); empty when unknown.
  std::string_view text_of(const boost::spirit::x3::position_tagged& node) const;

 private:
  friend std::optional<parsed_plan> parse_plan(std::string, std::string, diagnostics&);
  parsed_plan() = default;

  std::shared_ptr<const std::string> source_;
  std::string file_;
  ast::plan_file plan_;
  // [id] -> byte offset into *source_ (the cache of X3's position_cache,
  // stored as offsets so that it does not depend on where the text lives).
  std::vector<std::size_t> positions_;
  std::vector<std::size_t> line_starts_;
};

// Parses a whole plan file. Appends every syntax error found to `diags`
// (after an error the parser resumes at the next top-level statement) and
// returns nullopt when there was any; `file` is the name diagnostics carry.
std::optional<parsed_plan> parse_plan(std::string source, std::string file, diagnostics& diags);

}  // namespace icm::syntax
