// Parsing decimal text: the strict grammar -?[0-9]+(\.[0-9]+)?
//
// Strict on purpose: a CSV amount such as "1,000" or "1e5" is a data error to
// report with its place, not a number to guess at. The parser is hand-written
// (one pass, no allocation on the fast path) because every amount of every
// transaction goes through it.
#include <fmt/format.h>

#include "decimal/wide.hpp"

namespace icm {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// 'x' for a printable byte, '\xNN' otherwise (control bytes, UTF-8).
std::string show(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("'\\x{:02x}'", u);
}

bool fail(decimal_syntax_error* error, std::size_t offset, std::string message) {
  if (error) {
    error->offset = offset;
    error->message = std::move(message);
  }
  return false;
}

// Checks the grammar; on success sets where the digits and the point are.
bool scan(std::string_view text, decimal_syntax_error* error, bool& negative,
          std::size_t& int_begin, std::size_t& point) {
  if (text.size() > decimal::max_text_length)
    return fail(error, decimal::max_text_length,
                fmt::format("number too long ({} characters, at most {})", text.size(),
                            decimal::max_text_length));
  if (text.empty()) return fail(error, 0, "expected a number, found nothing");
  std::size_t i = 0;
  negative = text[0] == '-';
  if (negative) ++i;
  if (i == text.size()) return fail(error, i, "expected a digit after '-'");
  if (!is_digit(text[i])) {
    if (negative) return fail(error, i, fmt::format("unexpected {}, expected a digit after '-'", show(text[i])));
    return fail(error, i, fmt::format("unexpected {}, expected '-' or a digit", show(text[i])));
  }
  int_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  point = text.size();
  if (i == text.size()) return true;
  if (text[i] != '.')
    return fail(error, i,
                fmt::format("unexpected {}, expected a digit, '.' or the end of the number", show(text[i])));
  point = i++;
  if (i == text.size()) return fail(error, i, "expected a digit after '.'");
  if (!is_digit(text[i]))
    return fail(error, i, fmt::format("unexpected {}, expected a digit after '.'", show(text[i])));
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i != text.size())
    return fail(error, i, fmt::format("unexpected {}, expected a digit or the end of the number", show(text[i])));
  return true;
}

}  // namespace

std::optional<decimal> decimal::parse(std::string_view text, decimal_syntax_error* error) {
  bool negative = false;
  std::size_t int_begin = 0, point = 0;
  if (!scan(text, error, negative, int_begin, point)) return std::nullopt;
  const int scale = point == text.size() ? 0 : static_cast<int>(text.size() - point - 1);

  // Accumulate the magnitude negatively so that INT64_MIN parses on the fast path.
  std::int64_t c = 0;
  bool fits = true;
  for (std::size_t i = int_begin; i < text.size() && fits; ++i) {
    if (i == point) continue;
    fits = !__builtin_mul_overflow(c, 10, &c) && !__builtin_sub_overflow(c, text[i] - '0', &c);
  }
  if (fits && (negative || c != std::numeric_limits<std::int64_t>::min()))
    return detail_access::fast(negative ? c : -c, scale);

  // Leading zeros dropped: cpp_int would read "0..." as octal.
  std::string digits;
  digits.reserve(text.size());
  for (std::size_t i = int_begin; i < text.size(); ++i)
    if (i != point && (text[i] != '0' || !digits.empty())) digits += text[i];
  if (digits.empty()) return detail_access::fast(0, scale);
  detail::big_int big(digits);
  if (negative) big = -big;
  return detail_access::make(std::move(big), scale);
}

decimal decimal::parse_or_throw(std::string_view text) {
  decimal_syntax_error error;
  if (auto d = parse(text, &error)) return *d;
  // Quote a long text only in part: the message is for a person.
  const std::string quoted = text.size() <= 40 ? std::string(text) : std::string(text.substr(0, 40)) + "...";
  throw decimal_error(fmt::format("bad number '{}': {} (at offset {})", quoted, error.message, error.offset));
}

}  // namespace icm
