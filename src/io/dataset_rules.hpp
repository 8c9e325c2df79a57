// io/dataset_rules.hpp - the consistency rules of a data set, shared by the
// CSV reader (dataset.cpp) and the in-memory builder (dataset_builder.cpp).
//
// Why shared: a data set must mean the same thing whichever way it arrives.
// Each rule here decides; the caller reports, because only the caller knows
// how to name the place (file:line:column for CSV, the row's id for the
// builder).
#pragma once

#include <cstdint>      // coefficients, rows
#include <functional>   // read_dataset_files' callback
#include <optional>     // read_dataset_files
#include <string>       // messages
#include <string_view>  // codes
#include <vector>       // split groups

#include "icm/data.hpp"     // tables
#include "icm/decimal.hpp"  // shares, rates
#include "icm/io/csv.hpp"   // header records

namespace icm::detail {

// read_dataset over the files of `directory`, calling after_payees(ds) (when
// given) as soon as payees.csv is read without error, before quotas.csv and
// fx.csv: a streaming run starts reading splits.csv there, on a thread of its
// own. The dataset is moved after the call; what the callback keeps of it,
// it copies.
std::optional<dataset> read_dataset_files(const std::string& directory, diagnostics& diags,
                                          const read_options& options,
                                          const std::function<void(const dataset&)>& after_payees);

// A value from the data, quoted for a message; long ones are cut at 40
// characters so that one bad cell cannot flood the diagnostics.
std::string shown(std::string_view text);

// The rules of every file's header: no empty column name, no name twice.
// One entry per broken rule, at the header field (0-based) it concerns;
// both transaction readers (read_dataset, the streaming run) report these.
struct header_problem {
  std::size_t field = 0;
  std::string message;
};
std::vector<header_problem> header_problems(const csv::record& header);

// A three-letter upper-case code such as EUR (the shape of ISO 4217).
bool is_currency_code(std::string_view code) noexcept;

// A split share lies in (0, 1].
bool is_valid_share(const decimal& share);

// An FX rate is positive.
bool is_valid_rate(const decimal& rate);

// Employment runs forward: an end_date before the hire_date is an error
// (no_date_before / no_date_after stand for empty dates).
bool is_valid_employment(std::int32_t hire_date, std::int32_t end_date) noexcept;

// Puts an amount (coefficient / 10^scale) into the transaction table's amount
// column, which keeps every coefficient at one scale: the largest seen. A
// longer scale rescales the earlier rows first.
struct placed_amount {
  enum class outcome {
    ok,
    earlier_row_out_of_range,  // `row` no longer fits 64 bits at the new scale (nothing changed)
    out_of_range,              // this amount does not fit 64 bits at the column's scale
  };
  outcome result = outcome::ok;
  std::size_t row = 0;  // for earlier_row_out_of_range
};
placed_amount place_amount(transaction_table& transactions, std::int64_t coefficient, int scale,
                           std::int64_t& out);

// The transactions whose split shares do not sum to exactly 1, skipping those
// marked in `skip` (a transaction with a bad split row, whose sum would only
// repeat that error). Split rows are given in table order.
struct split_sum_mismatch {
  std::uint32_t txn = 0;            // transaction row
  decimal sum;                      // of its shares
  std::vector<std::uint32_t> rows;  // its split rows, in table order
};
std::vector<split_sum_mismatch> split_sums_not_one(const split_table& splits,
                                                   const std::vector<bool>& skip);

// The most fractional digits a transaction amount may have: a money amount
// needs a handful; past 18 even 1.0 no longer fits the int64 column at that
// scale, and an unbounded scale (0.000...1 with a thousand zeros) would
// leave the exact types' range.
inline constexpr int max_amount_fraction_digits = 18;

// -?[0-9]+(\.[0-9]+)? into an int64 coefficient and its scale, for the hot
// loop of both transaction readers (read_dataset and the streaming run).
// `bad` leaves the explanation to decimal::parse; `too_large` is a
// coefficient beyond int64; `too_precise` more than
// max_amount_fraction_digits after the point.
enum class amount_syntax { ok, bad, too_large, too_precise };

// The message of too_precise, the same from every reader.
std::string too_precise_message(std::string_view amount_text, int fraction_digits);
inline amount_syntax parse_amount(std::string_view s, std::int64_t& coefficient, int& scale) noexcept {
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  std::uint64_t magnitude = 0;
  bool too_large = false;
  int whole = 0, fraction = 0;
  const auto digits = [&](int& count) {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      const auto digit = static_cast<std::uint64_t>(s[i] - '0');
      // 18 digits always fit (10^18 < 2^63); only longer numbers are checked.
      if (whole + fraction >= 18 && magnitude > (static_cast<std::uint64_t>(INT64_MAX) - digit) / 10)
        too_large = true;
      if (!too_large) magnitude = magnitude * 10 + digit;
      ++i;
      ++count;
    }
  };
  digits(whole);
  if (whole == 0) return amount_syntax::bad;
  if (i < s.size() && s[i] == '.') {
    ++i;
    digits(fraction);
    if (fraction == 0) return amount_syntax::bad;
  }
  if (i != s.size()) return amount_syntax::bad;
  if (fraction > max_amount_fraction_digits) {
    scale = fraction;  // for the message
    return amount_syntax::too_precise;
  }
  if (too_large) return amount_syntax::too_large;
  const auto v = static_cast<std::int64_t>(magnitude);
  coefficient = negative ? -v : v;
  scale = fraction;
  return amount_syntax::ok;
}

}  // namespace icm::detail
