// icm/data.hpp - the input data set as columnar tables.
//
// Why columns: the evaluator filters and sums millions of transactions per
// run; one array per column keeps each pass over a column cache-friendly and
// lets a filter produce a selection of rows (DuckDB style). Text is interned
// (a uint32 per cell, equal strings equal ids), so attribute tests compare
// integers; amounts are int64 coefficients at one scale per column; dates are
// day numbers; periods are `period` values.
//
// Reading is strict and independent of any plan: every malformed cell,
// unknown reference or inconsistency is reported with file:line:column and
// what was expected, and the reader keeps going to report more. Checks that
// need the plan (period granularity, an FX rate for the plan currency, the
// plan's name) belong to the engine. A permissive read sets bad transaction
// rows aside (dataset::rejected) so that a run can go on and account for them.
//
//   icm::diagnostics diags;
//   auto data = icm::read_dataset("rules/data/reference", diags);
//   if (!data) for (auto& d : diags) std::cerr << d.headline() << '\n';
#pragma once

#include <cstdint>        // ids, day numbers, coefficients
#include <functional>     // std::equal_to<> (transparent lookup)
#include <memory>         // string_pool blocks
#include <optional>       // read_dataset result, find
#include <string>         // payee ids, names
#include <string_view>    // lookups without allocation
#include <unordered_map>  // payee index
#include <vector>         // columns

#include "icm/calendar.hpp"     // period
#include "icm/decimal.hpp"      // quota amounts, shares, rates
#include "icm/diagnostics.hpp"  // read_dataset reports into one

namespace icm {

// Hash for string-keyed maps that accept a string_view lookup (no temporary
// std::string per probe).
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Interned strings. Ids are dense and stable; 0 is always "". Views stay
// valid for the pool's lifetime (the bytes live in blocks that never move),
// also when the pool itself is moved.
class string_pool {
 public:
  string_pool();
  string_pool(string_pool&&) noexcept;
  string_pool& operator=(string_pool&&) noexcept;
  ~string_pool();

  std::uint32_t intern(std::string_view text);
  std::string_view view(std::uint32_t id) const noexcept { return strings_[id]; }
  std::optional<std::uint32_t> find(std::string_view text) const noexcept;
  std::size_t size() const noexcept { return strings_.size(); }
  // Room for `count` strings without rehashing (a reader knows its row count).
  void reserve(std::size_t count);
  // The hash the pool uses; a caller that batches computes it while the text
  // is still in cache.
  static std::uint64_t hash(std::string_view text) noexcept;
  // intern() of each of `texts` (with hashes[i] == hash(texts[i])) in order,
  // into `ids`. Quicker for a large batch: the hash slots are fetched from
  // memory ahead of use.
  void intern_all(const std::vector<std::string_view>& texts,
                  const std::vector<std::uint64_t>& hashes, std::vector<std::uint32_t>& ids);

 private:
  std::uint32_t intern_hashed(std::string_view text, std::uint64_t hash);
  std::string_view store(std::string_view text);
  void rehash(std::size_t slot_count);

  std::vector<std::string_view> strings_;  // by id
  std::vector<std::uint64_t> hashes_;      // by id, to rehash without rehashing text
  // Open addressing: (high 32 bits of the hash << 32) | (id + 1); 0 when
  // empty. The hash bits reject most mismatches without touching strings_.
  std::vector<std::uint64_t> slots_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_left_ = 0;
  char* block_next_ = nullptr;
};

// One text column of a table, interned in dataset::strings.
struct attribute_column {
  std::string name;                   // the header's spelling
  std::uint32_t column_number = 0;    // 1-based position in the header
  std::vector<std::uint32_t> values;  // per row
};

inline constexpr std::uint32_t no_payee = 0xffffffff;
inline constexpr std::int32_t no_date_before = INT32_MIN;  // empty hire_date
inline constexpr std::int32_t no_date_after = INT32_MAX;   // empty end_date

struct payee_table {
  std::vector<std::string> ids;  // payee_id, file order
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> index;  // id -> row
  std::vector<std::uint32_t> line;                  // 1-based source line per row
  std::vector<std::uint32_t> manager;               // row of manager_id, or no_payee
  std::vector<std::int32_t> hire_date, end_date;    // day numbers, or no_date_before/after
  bool has_plan_column = false;
  std::vector<std::uint32_t> plan;                  // interned plan name (empty without the column)
  std::vector<attribute_column> attributes;         // every other column (name, region, ...)

  std::size_t size() const noexcept { return ids.size(); }
  std::optional<std::uint32_t> find(std::string_view payee_id) const;
  const attribute_column* attribute(std::string_view name) const noexcept;
};

struct transaction_table {
  std::vector<std::uint32_t> txn_id;  // interned in dataset::txn_ids
  std::vector<std::int32_t> date;     // day numbers
  std::vector<std::uint32_t> payee;   // payee row
  std::vector<std::int64_t> amount;   // coefficient at amount_scale
  // The most fractional digits any amount has; earlier rows are rescaled when
  // a longer one appears, so every coefficient shares this scale.
  int amount_scale = 0;
  bool has_currency_column = false;
  std::vector<std::uint32_t> currency;  // interned code; 0 ("") = plan currency
  std::vector<std::uint32_t> line;
  std::vector<attribute_column> attributes;  // every further column (product, region, ...)

  std::size_t size() const noexcept { return txn_id.size(); }
  decimal amount_of(std::size_t row) const { return decimal(amount[row], amount_scale); }
  const attribute_column* attribute(std::string_view name) const noexcept;
};

struct quota_table {
  std::vector<std::uint32_t> payee;   // payee row
  std::vector<period> when;
  std::vector<std::uint32_t> metric;  // interned; "quota" without a metric column
  std::vector<decimal> amount;
  std::vector<std::uint32_t> line;
  std::size_t size() const noexcept { return payee.size(); }
};

struct split_table {
  std::vector<std::uint32_t> txn;    // transaction row
  std::vector<std::uint32_t> payee;  // payee row
  std::vector<decimal> share;        // in (0, 1]; the shares of one transaction sum to 1
  std::vector<std::uint32_t> line;
  std::size_t size() const noexcept { return txn.size(); }
};

struct fx_table {
  std::vector<std::uint32_t> currency;  // interned code
  std::vector<period> when;
  std::vector<decimal> rate;  // plan-currency units per unit of currency, > 0
  std::vector<std::uint32_t> line;
  std::size_t size() const noexcept { return currency.size(); }
};

// A row set aside by a permissive read (read_options::permissive) instead of
// failing the whole read: a transactions.csv row with a bad field, or a
// splits.csv row of such a transaction. Texts are the raw cells, empty when
// the row could not be split into fields.
struct rejected_row {
  std::string file;    // "transactions.csv" or "splits.csv"
  std::uint32_t line = 0;
  std::string reason;  // "column 2 (date): bad date ..."; several joined by "; "
  std::string txn_id, currency, amount;
};

struct dataset {
  std::string directory;
  string_pool strings;  // attribute values, currencies, plan names, metrics
  string_pool txn_ids;
  payee_table payees;
  transaction_table transactions;
  quota_table quotas;
  split_table splits;
  fx_table fx;
  std::vector<rejected_row> rejected;  // permissive reads only; by file, then line

  // "<directory>/transactions.csv", as diagnostics name it.
  std::string file_path(std::string_view file) const;
};

struct read_options {
  std::size_t max_field_length = std::size_t{1} << 20;
  std::size_t max_errors_per_file = 50;  // then one "and N more errors" line
  // false: leave transactions.csv and splits.csv unread (a streaming run
  // reads them itself, chunk by chunk; see icm::run_files).
  bool transactions = true;
  // true: a transactions.csv row with a bad field (number, date, field count,
  // unknown payee, later duplicate txn_id, amount out of range) goes to
  // dataset::rejected instead of failing the read, and so do the splits.csv
  // rows of such a transaction. Errors in the other files, and structural
  // ones (missing column, empty file, an unbalanced quote that swallows the
  // rest of the file), still fail.
  bool permissive = false;
};

// Reads payees.csv and transactions.csv (required) and quotas.csv, splits.csv
// and fx.csv (optional: absent means no rows) from `directory`. Appends every
// error found to `diags` and returns nullopt when there was any.
std::optional<dataset> read_dataset(const std::string& directory, diagnostics& diags,
                                    const read_options& options = {});

// The same five files with their bytes already in memory: a data set
// received over the network, pulled from a database export or built by a
// test. A file left nullopt is absent (payees and transactions are
// required). The texts need to live only for the call; the dataset keeps
// copies of what it uses. Diagnostics name the files "<name>/payees.csv" and
// so on, with lines and columns as for files on disk.
struct dataset_texts {
  std::string name = "memory";
  std::optional<std::string_view> payees;
  std::optional<std::string_view> transactions;
  std::optional<std::string_view> quotas;
  std::optional<std::string_view> splits;
  std::optional<std::string_view> fx;
};

std::optional<dataset> read_dataset(const dataset_texts& texts, diagnostics& diags,
                                    const read_options& options = {});

}  // namespace icm

