// icm/diagnostics.hpp - errors and warnings as values.
//
// Why values: the parser, checker and compiler keep going after an error so
// that an analyst sees every mistake of a plan in one run (Wren does the
// same). Each stage appends to one `diagnostics` list; nothing prints. The
// command-line tool renders them Clang-style with `render`:
//
//   plans/ae.icm:12:17: error: unknown column 'prodcut' (did you mean 'product'?)
//     credit 100% where prodcut in ("saas", "services")
//                       ^~~~~~~
//
// Data errors carry a place too: file:line:column for a CSV field, or a payee
// and period for an evaluation error (missing quota, missing FX rate).
#pragma once

#include <cstdint>      // std::uint32_t
#include <exception>    // icm::error
#include <string>       // messages, file names
#include <string_view>  // source text for rendering
#include <vector>       // the list

namespace icm {

enum class severity : std::uint8_t { error, warning, note };

// A place in a text file; line and column are 1-based, column counts bytes.
// line == 0 means "no text position" (see payee/period instead).
struct source_location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t length = 1;  // how many bytes the caret underlines
};

struct diagnostic {
  severity level = severity::error;
  source_location where;
  std::string payee;   // set for evaluation errors about one payee
  std::string period;  // set with payee, e.g. "2026-Q1"
  std::string message;

  // "file:line:col: error: message", or "payee P, period 2026-Q1: error: ...".
  std::string headline() const;
};

class diagnostics {
 public:
  void add(diagnostic d) { items_.push_back(std::move(d)); }
  void error(source_location where, std::string message);
  void warning(source_location where, std::string message);
  void payee_error(std::string payee, std::string period, std::string message);

  bool has_errors() const noexcept;
  std::size_t error_count() const noexcept;
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  const std::vector<diagnostic>& items() const noexcept { return items_; }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  void append(const diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  }

 private:
  std::vector<diagnostic> items_;
};

// Clang-style text: the headline, then (when `source` holds the text the
// location points into) the source line and a caret line under the column.
std::string render(const diagnostic& d, std::string_view source = {});
std::string render(const diagnostics& ds, std::string_view source = {});

// Thrown by the convenience APIs that do not return diagnostics; carries
// them all so that nothing is lost.
class error : public std::exception {
 public:
  explicit error(diagnostics ds);
  const char* what() const noexcept override { return text_.c_str(); }
  const icm::diagnostics& details() const noexcept { return diags_; }

 private:
  icm::diagnostics diags_;
  std::string text_;
};

// "did you mean" helper: the candidate closest to `name` by edit distance,
// or empty when none is close enough to be a plausible typo.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace icm
