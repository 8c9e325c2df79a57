// eval/crediting.hpp - transactions -> credits -> per payee and period aggregates.
//
// One kernel, fed chunks of transaction columns (`txn_chunk`), whether they
// come from a loaded data set (credit_transactions) or are streamed from
// transactions.csv (run_files): each row is placed in a plan period (or left
// uncredited with a reason), matched against the credit rules column-wise
// (first match wins), split among its payees, converted to the plan currency
// and rounded once to the minor unit (spec section 3), rolled up to managers
// when the plan asks, and folded into the aggregate cells of each receiving
// payee and period. Memory is per payee, not per transaction.
//
// Why integers: credit = amount x weight x rate is a product of int64
// coefficients, exact in __int128, rounded by a division by a power of ten
// done with a precomputed reciprocal. Anything that does not fit (a wide
// rate, a product beyond 2^63) continues in icm::decimal: never wraps.
//
// Why per-thread accumulators: each thread folds its chunks into its own
// cells and tallies; they are merged at the end. Sums, counts, minima and
// maxima of integers do not depend on the order, so the output bytes do not
// depend on the thread count or on the order of the input rows.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "compile/compiled_plan.hpp"
#include "eval/row_filter.hpp"
#include "icm/data.hpp"
#include "icm/run.hpp"

namespace icm::eval {

// 128-bit sums (the GNU extension, spelled once so -Wpedantic stays quiet).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

// One aggregate slot of one payee in one period. Credits are whole minor
// units, so sums are exact integers; __int128 cannot overflow for any
// realistic batch (2^127 minor units).
struct aggregate_cell {
  int128 sum = 0;
  std::int64_t count = 0;
  std::int64_t min = INT64_MAX, max = INT64_MIN;  // meaningful when count > 0
};

// The plan's periods, and which of them each payee is evaluated in.
struct plan_calendar {
  std::vector<period> periods;
  std::int32_t first_day = 0, last_day = 0;  // the plan year
  std::vector<std::int8_t> period_of_day;    // day - first_day -> period index

  explicit plan_calendar(const check::plan_settings& s);
  int period_index(std::int32_t day) const {
    // One unsigned compare covers both ends of the year.
    const auto offset = static_cast<std::uint32_t>(day - first_day);
    if (offset >= period_of_day.size()) return -1;
    return period_of_day[offset];
  }
};

// One credit given to a payee, as `explain` lists them.
struct credit_record {
  std::uint32_t row = 0;    // transaction row
  std::uint32_t payee = 0;  // payee row credited
  int period = 0;
  decimal share, weight, rate;  // split share, rule weight, FX rate
  std::int64_t minor = 0;        // credit amount, minor units
  bool rollup = false;
  std::uint32_t rule = 0;
};

struct crediting_result {
  // cells[(payee * periods + period) * aggregates + slot]
  std::vector<aggregate_cell> cells;
  std::size_t period_count = 0, aggregate_count = 0;
  control_totals totals;
  const aggregate_cell& cell(std::uint32_t payee, int period, std::uint32_t slot) const {
    return cells[(payee * period_count + static_cast<std::size_t>(period)) * aggregate_count + slot];
  }
};

struct crediting_context {
  const compile::compiled_plan& plan;
  const dataset& data;
  const plan_calendar& calendar;
  std::vector<std::uint8_t> on_plan;  // per payee row
  unsigned threads = 1;               // 0: all cores
};

// An exact decimal from a 128-bit coefficient (control-total sums).
decimal decimal_from_i128(int128 coefficient, int scale);

// Threads to use for a requested count (0: all cores).
unsigned thread_count(unsigned requested);

// Weight x FX rate of one rule, currency and period, as one coefficient.
struct credit_factor {
  std::int64_t coefficient = 0;
  int scale = 0;
  bool fast = false;     // coefficient and scale are valid; else the decimal path
  bool missing = false;  // no FX rate: a credited transaction is an error
};

class credit_kernel;

// The currencies one thread has met, as dense slots (0 is the plan currency,
// written as an empty cell or no column): truth words for currency tests and
// the credit factors per rule and period. Streaming threads each keep their
// own (no locks); an in-memory run shares one built from the data set.
class currency_book {
 public:
  explicit currency_book(const credit_kernel& kernel);
  std::uint32_t slot(std::string_view code);  // adds a slot for a new code
  std::size_t size() const { return codes_.size(); }
  const std::uint64_t* truth() const { return truth_.data(); }
  const std::string& code(std::uint32_t slot) const { return codes_[slot]; }
  const credit_factor& factor(std::uint32_t slot, std::size_t rule, int period) const {
    return factors_[(slot * rules_ + rule) * periods_ + static_cast<std::size_t>(period)];
  }
  const std::optional<decimal>& rate(std::uint32_t slot, int period) const {
    return rates_[slot * periods_ + static_cast<std::size_t>(period)];
  }

 private:
  const credit_kernel* kernel_;
  std::size_t rules_, periods_;
  std::vector<std::string> codes_;
  std::vector<std::uint64_t> truth_;
  std::vector<credit_factor> factors_;
  std::vector<std::optional<decimal>> rates_;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> index_;
};

enum tally_class : int { read_class = 0, credited_class, rejected_class, first_reason_class };
inline constexpr int reason_count = 4;
inline constexpr int class_count = first_reason_class + reason_count;

// Rows and amounts of each tally class in one currency.
struct currency_tally {
  std::array<int128, class_count> sum{};
  std::array<std::uint64_t, class_count> rows{};
};

// What one thread has folded in so far.
struct credit_accumulator {
  // Aggregate lanes by (payee * periods + period) * aggregates + slot, each
  // allocated only when an aggregate of the plan needs it: a plan of sums
  // touches 8 bytes per credit (the cells of 10,000 payees stay in L2), not
  // a whole aggregate_cell. A sum that would leave int64 spills its value so
  // far into `wide` and starts again: exact, and rare enough to be a list.
  std::vector<std::int64_t> sum, count, min, max;
  std::vector<std::pair<std::size_t, int128>> wide;
  std::uint64_t credits = 0;
  int sum_scale = 0;                        // scale of the amounts in slot_sums
  std::vector<currency_tally> slot_sums;    // by currency slot of `book`
  const currency_book* book = nullptr;
  std::map<std::pair<std::string, int>, std::uint32_t> missing_fx;  // (code, period) -> first line
  std::vector<std::pair<std::uint32_t, std::string>> errors;       // (line, message)
  std::uint32_t trace_payee = no_payee;
  std::vector<credit_record>* trace = nullptr;
};

// Rows and amount of one tally class and currency in one chunk, the amounts
// summed as int64 halves (see credit_kernel::process).
struct chunk_tally {
  std::int64_t low = 0, high = 0;
  std::uint64_t rows = 0;
  // Adds (or takes back) an amount, as its halves: amount = high x 2^32 + low.
  void add(std::int64_t amount) {
    low += static_cast<std::int64_t>(static_cast<std::uint32_t>(amount));
    high += amount >> 32;  // arithmetic shift
  }
  void take(std::int64_t amount) {
    low -= static_cast<std::int64_t>(static_cast<std::uint32_t>(amount));
    high -= amount >> 32;
  }
};

// A credit factor prepared for one chunk's amount scale: when `digits` is
// 0..18, the credit is amount x coefficient rounded at that many digits by a
// multiply and a shift; -1 sends the row to credit_minor's general path.
struct chunk_factor {
  std::int64_t coefficient = 0;
  int digits = -1;
};

// What the rule-table path (credit_kernel::credit_by_word) needs of a row's
// (currency slot, rule, period), in one cache line: the factor and how its
// product is rounded (a floor division by d = 10^digits, digits >= 1, as a
// multiply and a shift, see pow10_divisor in crediting.cpp, after adding
// bias = lowest x d, plus d / 2 when the plan rounds to the nearest, see
// round_from_floor), the tally class of its rows, and where they go. Rows of no rule or outside the plan year
// have entries too (coefficient 0, class the reason), so that every row
// runs the same instructions. Split transactions take a second copy of the
// entries, marked slow. 64 bytes (an index is a shift); not aligned to 64,
// which would cost the kernel's frame a register to realign the stack, for
// entries that stay in L1.
struct word_entry {
  std::int64_t coefficient = 0;  // times 4: a product that fits is below 2^61 in magnitude
  std::uint64_t d = 10, m = 0;
  std::uint64_t bias = 0, lowest = 0;
  // Rows of this entry that credit_row takes whatever they hold: 0, or
  // ~0 when the factor is not on the fast path (wide, missing FX).
  std::uint32_t slow = 0;
  std::uint8_t post_shift = 0;
  std::uint8_t cls = 0;
  std::uint8_t period = 0;  // periods for none: the row's cell
  std::uint16_t rule = 0;   // for credit_row
  std::uint16_t slot = 0;   // currency slot, for the tallies
  std::uint8_t unused[12] = {};
};
static_assert(sizeof(word_entry) == 64);

// The rows a word_entry tallied: their amounts (int64 while they fit) and count.
struct entry_tally {
  std::int64_t sum = 0;
  std::uint64_t rows = 0;
};

// Reused buffers of one thread.
struct kernel_scratch {
  std::vector<std::int8_t> period;
  std::vector<std::uint8_t> cls;     // tally class of each row
  std::vector<std::uint32_t> sel;
  std::vector<std::uint32_t> ruled;  // rows a credit rule matched, by rule
  std::vector<std::uint16_t> rule;   // the rule of each row of `ruled`
  std::vector<std::uint8_t> mask;
  std::vector<std::vector<std::uint8_t>> masks;
  std::vector<chunk_factor> factors;  // by (currency slot, rule, period)
  std::vector<word_entry> entries;    // by (currency slot, rule or none, period or none)
  std::vector<entry_tally> entry_tallies;  // by entry
  std::vector<std::uint32_t> entry;   // the entry of each row
  std::vector<std::uint32_t> zeros;   // ids of a column the chunk does not have
  std::vector<chunk_tally> tallies;   // by (lane, currency slot, class)
};

// The plan bound to the payees and FX rates of a data set; read-only while
// chunks are processed, so threads share it.
class credit_kernel {
 public:
  // Reports FX rows of the wrong period unit and plan-currency rates other
  // than 1 to diags, as the in-memory run always did.
  credit_kernel(const compile::compiled_plan& plan, const dataset& data, const plan_calendar& calendar,
                const std::vector<std::uint8_t>& on_plan, diagnostics& diags);

  // A split transaction's payees and shares; returns the group (chunk split
  // markers hold group + 1).
  std::uint32_t add_split_group(const std::vector<std::pair<std::uint32_t, decimal>>& shares);
  // Room for `groups` more split groups of `shares` shares in all, before
  // adding them (hundreds of thousands at payroll scale).
  void reserve_split_groups(std::size_t groups, std::size_t shares) {
    split_begin_.reserve(split_begin_.size() + groups);
    split_shares_.reserve(split_shares_.size() + shares);
  }

  credit_accumulator make_accumulator(const currency_book& book) const;
  void process(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
               kernel_scratch& s) const;
  // Merges accumulators (any order gives the same result) into cells and
  // control totals at the amount scale `amount_scale`; errors go to diags.
  crediting_result finish(std::vector<credit_accumulator>& parts, diagnostics& diags,
                          const std::string& transactions_file) const;

  const text_test_set& texts() const { return texts_; }
  const compile::compiled_plan& plan() const { return plan_; }
  std::size_t period_count() const { return calendar_.periods.size(); }

 private:
  friend class currency_book;
  struct payee_state {
    std::int32_t hire, end;
    std::uint32_t manager;
    std::uint8_t on_plan;
  };
  // Whether a payee may be credited on a day, as one compare: on plan and
  // (uint32)(day - hire) <= span. A payee off plan has hire INT32_MAX and
  // span 0 (no transaction is dated INT32_MAX).
  struct eligibility {
    std::int32_t hire;
    std::uint32_t span;
  };
  struct split_share {
    std::uint32_t payee;
    decimal share;
    // The share as coefficient and scale when it fits int64 (shares are
    // fractions of a few digits): credit_minor's integer path.
    std::int64_t coefficient = 0;
    int scale = 0;
    bool fast = false;
  };
  void give(credit_accumulator& acc, const txn_chunk& c, std::size_t row, std::uint32_t payee, int period,
            std::int64_t minor, bool rollup) const;
  // The credit, in full, to the on-plan managers up the chain from `manager`;
  // `traced` (when tracing) is the record to append for the traced payee.
  void roll_up(credit_accumulator& acc, const txn_chunk& c, std::size_t row, std::uint32_t manager,
               int period, std::int64_t minor, const credit_record* traced) const;
  // One row a rule matched, through the general path (splits, wide factors,
  // payees not credited, traces); returns its tally class.
  int credit_row(const txn_chunk& c, std::size_t row, std::size_t rule, int period, const currency_book& book,
                 credit_accumulator& acc) const;
  std::optional<std::int64_t> credit_minor(const txn_chunk& c, std::size_t row, const credit_factor& f,
                                           std::size_t rule, const split_share* share, const decimal& rate) const;
  // The steps of process(): credit factors at the chunk's amount scale;
  // each row's period, rule, credit and tally, by the rule table
  // (credit_by_word, one instance per rounding mode) or by running the rules
  // as filters (credit_by_rules, then count_rows); the tallies folded into
  // the accumulator.
  void prepare_factors(const txn_chunk& c, const currency_book& book, kernel_scratch& s) const;
  template <rounding_mode Mode, bool OneSum>
  void credit_by_word(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                      kernel_scratch& s) const;
  template <bool OneSum>
  void credit_by_word_in_mode(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                              kernel_scratch& s) const;
  void credit_by_rules(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                       kernel_scratch& s) const;
  void count_rows(const txn_chunk& c, const currency_book& book, kernel_scratch& s) const;
  void fold_tallies(const txn_chunk& c, const currency_book& book, credit_accumulator& acc,
                    kernel_scratch& s) const;

  const compile::compiled_plan& plan_;
  const plan_calendar& calendar_;
  text_test_set texts_;
  std::vector<row_filter> rules_, filters_;
  // When every rule is decided by the truth word of one text slot (the
  // usual `product in (...)`): the first rule matching each word (masked by
  // rule_word_mask_), rules_.size() for none, as its offset in
  // credit_by_word's entries (rule x (periods + 1)), so that a row's entry
  // is one sum. A row then costs one lookup, not a pass per rule. Empty:
  // the rules run as filters.
  std::size_t rule_slot_ = 0;
  std::uint64_t rule_word_mask_ = 0;
  std::vector<std::uint32_t> rule_of_word_;
  std::vector<std::uint32_t> plain_aggregates_, filtered_aggregates_;
  std::vector<payee_state> payees_;
  std::vector<eligibility> eligible_;  // by payee row, half the bytes of payees_
  bool lane_sum_ = false, lane_count_ = false, lane_min_ = false, lane_max_ = false;
  std::unordered_map<std::string, std::vector<std::optional<decimal>>> fx_;  // code -> rate per period
  std::vector<std::uint32_t> split_begin_{0};
  std::vector<split_share> split_shares_;
  std::size_t slots_ = 0;
  int minor_digits_ = 2;
  rounding_mode mode_ = rounding_mode::half_even;
  int rollup_depth_ = 0;
  std::string currency_;
};

// Credits every transaction of a loaded data set. Errors (a missing FX rate
// for a credited transaction, an amount out of range) go to diags. When
// `trace_payee` is set, every credit given to that payee is appended to
// `trace` (then one thread runs, so the trace is in row order).
crediting_result credit_transactions(const crediting_context& ctx, diagnostics& diags,
                                     std::uint32_t trace_payee = no_payee,
                                     std::vector<credit_record>* trace = nullptr);

}  // namespace icm::eval
