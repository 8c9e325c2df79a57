// The consistency rules of a data set (see dataset_rules.hpp).
#include "io/dataset_rules.hpp"

#include <fmt/format.h>

#include <algorithm>  // std::all_of, std::stable_sort

namespace icm::detail {

std::string shown(std::string_view text) {
  constexpr std::size_t room = 40;
  if (text.size() <= room) return fmt::format("'{}'", text);
  return fmt::format("'{}...'", text.substr(0, room));
}

std::string too_precise_message(std::string_view amount_text, int fraction_digits) {
  return fmt::format("amount out of range: {} has {} fractional digits, at most {}", shown(amount_text),
                     fraction_digits, max_amount_fraction_digits);
}

std::vector<header_problem> header_problems(const csv::record& header) {
  std::vector<header_problem> problems;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view name = header[i].text;
    if (name.empty()) problems.push_back({i, fmt::format("empty column name in column {}", i + 1)});
    for (std::size_t j = 0; j < i && !name.empty(); ++j)
      if (header[j].text == name)
        problems.push_back({i, fmt::format("duplicate column {} (also column {})", shown(name), j + 1)});
  }
  return problems;
}

bool is_currency_code(std::string_view code) noexcept {
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_valid_share(const decimal& share) { return share.sign() > 0 && share <= decimal(1); }

bool is_valid_rate(const decimal& rate) { return rate.sign() > 0; }

bool is_valid_employment(std::int32_t hire_date, std::int32_t end_date) noexcept {
  return hire_date == no_date_before || end_date == no_date_after || end_date >= hire_date;
}

placed_amount place_amount(transaction_table& t, std::int64_t coefficient, int scale,
                           std::int64_t& out) {
  using outcome = placed_amount::outcome;
  if (scale > t.amount_scale) {
    const int grow = scale - t.amount_scale;
    std::int64_t rescaled;
    for (std::size_t r = 0; r < t.amount.size(); ++r)
      if (!upscale_i64(t.amount[r], grow, rescaled)) return {outcome::earlier_row_out_of_range, r};
    for (auto& a : t.amount) upscale_i64(a, grow, a);
    t.amount_scale = scale;
  }
  if (!upscale_i64(coefficient, t.amount_scale - scale, out)) return {outcome::out_of_range, 0};
  return {};
}

std::vector<split_sum_mismatch> split_sums_not_one(const split_table& t,
                                                   const std::vector<bool>& skip) {
  std::vector<std::uint32_t> order(t.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable: table order within a transaction.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return t.txn[a] < t.txn[b]; });
  std::vector<split_sum_mismatch> out;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    decimal sum;
    while (j < order.size() && t.txn[order[j]] == t.txn[order[i]]) sum += t.share[order[j++]];
    const std::uint32_t txn = t.txn[order[i]];
    if (sum != decimal(1) && !(txn < skip.size() && skip[txn]))
      out.push_back({txn, sum, std::vector<std::uint32_t>(order.begin() + i, order.begin() + j)});
    i = j;
  }
  return out;
}

}  // namespace icm::detail
