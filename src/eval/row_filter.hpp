// eval/row_filter.hpp - compiled row conditions over chunks of transaction columns.
//
// Why chunks: crediting runs over tens of millions of transactions, read either
// from a loaded data set or streamed from transactions.csv. Both hand the
// evaluator the same `txn_chunk` (a few thousand rows as column pointers), so
// there is one crediting implementation. A credit rule is evaluated column-wise
// over a selection of rows (DuckDB style): each leaf fills a byte mask for the
// selection, and/or/not combine masks, no per-row dispatch.
//
// Why truth words: text tests (`product in ("saas", "services")`, currency,
// payee_id) are decided once per distinct value with the spec's dynamic
// comparison rules (section 10) and stored as one bit per test in a 64-bit
// word per value. A chunk's text column is then ids plus the truth words of
// whoever interned them (the data set's pool, or a streaming thread's own
// dictionary), and a leaf costs one load and a shift per row.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compile/compiled_plan.hpp"
#include "icm/data.hpp"

namespace icm::eval {

// What a test may read about the credit being filtered.
struct credit_view {
  std::int64_t minor = 0;  // credit amount in plan-currency minor units
  bool rollup = false;
};

// One text column of a chunk: an id per row (nullptr: every row has id 0) and
// the truth word of each id.
struct chunk_text_column {
  const std::uint32_t* ids = nullptr;
  const std::uint64_t* truth = nullptr;
};

// A batch of transactions as column pointers. Rows are 0..rows-1; first_row is
// the data set row of row 0 (in-memory runs), for traces.
struct txn_chunk {
  std::size_t rows = 0;
  std::size_t first_row = 0;
  const std::int32_t* date = nullptr;    // day numbers
  const std::uint32_t* payee = nullptr;  // payee rows, each below the payee count
  const std::int64_t* amount = nullptr;  // coefficients at amount_scale
  int amount_scale = 0;
  const std::uint32_t* line = nullptr;   // source lines
  const std::uint32_t* split = nullptr;  // split group + 1, 0 for none; nullptr: no splits
  // text_test_set::column_count() columns; the last one is the currency, whose
  // ids are currency slots (see crediting.hpp).
  std::vector<chunk_text_column> text;
};

// Every text test of a plan's row programs, grouped by what it reads: one
// slot per attribute column, then the currency. Bits are numbered per slot.
class text_test_set {
 public:
  text_test_set() = default;
  text_test_set(const compile::compiled_plan& plan, const payee_table& payees);

  std::size_t column_count() const { return columns_.size() + 1; }
  std::size_t currency_slot() const { return columns_.size(); }
  // Attribute columns read by some text test, in slot order.
  const std::vector<std::string>& columns() const { return columns_; }
  // The truth word of `value` in `slot` (for the currency, pass the code; ""
  // means the plan currency).
  std::uint64_t truth(std::size_t slot, std::string_view value) const;
  const std::vector<std::uint64_t>& payee_truth() const { return payee_truth_; }
  // Where a test sits: (slot, bit). Slot column_count() is the payee.
  std::pair<std::size_t, unsigned> place(const compile::row_test* t) const;
  bool too_many() const { return too_many_; }
  // Text tests on `slot` (bits of its truth words).
  std::size_t test_count(std::size_t slot) const { return tests_[slot].size(); }
  // Whether a truth word of `slot` may parse the value as a number or date
  // (a test with such constants, or an ordering): then it costs thousands of
  // instructions, else a few string compares.
  bool parses(std::size_t slot) const {
    return std::find(by_text_[slot].begin(), by_text_[slot].end(), false) != by_text_[slot].end();
  }

 private:
  bool holds(std::size_t slot, std::size_t bit, std::string_view value) const;

  std::vector<std::string> columns_;
  std::vector<std::vector<const compile::row_test*>> tests_;  // per slot, then payee tests
  std::vector<std::vector<bool>> by_text_;                      // per slot and test: decided by texts alone
  std::vector<std::uint64_t> payee_truth_;                    // per payee row
  std::string plan_currency_;
  bool too_many_ = false;  // more than 64 tests on one slot
};

class row_filter {
 public:
  row_filter() = default;
  row_filter(const compile::row_program& program, const text_test_set& texts, int minor_digits);

  bool empty() const { return code_.empty(); }
  // out[j] = the condition holds for row sel[j], for j < n. `scratch` is
  // reused between calls (one mask per stack level).
  void select(const txn_chunk& c, const std::uint32_t* sel, std::size_t n, std::uint8_t* out,
              std::vector<std::vector<std::uint8_t>>& scratch) const;
  // One row, with the credit it would give (aggregate filters).
  bool matches(const txn_chunk& c, std::size_t row, const credit_view& credit = {}) const;

  // The text slot whose truth word alone decides the condition, when one
  // does: `every_slot` for a condition with no test (any slot decides it),
  // nullopt when it reads anything else (amount, date, payee, two slots).
  static constexpr std::size_t every_slot = SIZE_MAX;
  std::optional<std::size_t> deciding_slot() const;
  // The condition for a row whose deciding slot has truth word `word`.
  bool holds_for_word(std::uint64_t word) const;

 private:
  struct test {
    compile::row_source source;
    compile::comparison op;
    std::size_t slot = 0;   // text sources: chunk text column (or payee)
    std::uint64_t bit = 0;  // text sources: the test's bit
    std::vector<decimal> numbers;   // numeric constants (amount, credit)
    std::vector<std::int32_t> days; // date constants
    bool constant_result = false;   // used when a constant can never match
    bool has_constant_result = false;
  };
  bool run_test(const test& t, const txn_chunk& c, std::size_t row, const credit_view& credit) const;
  void run_test(const test& t, const txn_chunk& c, const std::uint32_t* sel, std::size_t n,
                std::uint8_t* out) const;

  std::vector<test> tests_;
  std::vector<compile::row_instruction> code_;
  const std::uint64_t* payee_truth_ = nullptr;
  int minor_digits_ = 2;
};

}  // namespace icm::eval
