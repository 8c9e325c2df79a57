// bench/generate/generator.hpp - payroll-scale input data for the reference plan.
//
// Why a generator of our own: every benchmark and cross-check runs the
// reference plan (spec section 9) on data "at any size", and those runs must
// be repeatable on any machine. So the data is a pure function of its
// arguments: the same options give the same bytes, whatever the compiler or
// standard library. That rules out std::uniform_*_distribution (its output is
// not specified) and floating point: the PRNG (xoshiro256**, seeded by
// splitmix64) and the bounded draws are written here, and every amount is an
// integer count of minor units until it is printed.
//
// The files follow spec section 1: payees.csv, quotas.csv, fx.csv,
// transactions.csv, splits.csv. After the N random payees come ten hand-made
// edge payees (ids N+1..N+10) whose exact amounts sit on the decisions the
// engine must get right (exactly at quota, one cent below, half-cent ties...);
// README.md beside this file lists them with their expected credits.
//
//   icm::gen::generator_options opt;
//   opt.payees = 1000;
//   opt.transactions = 100000;
//   icm::gen::write_directory(opt, "bench/data/1k");
#pragma once

#include <cstdint>     // std::uint64_t
#include <filesystem>  // output directory
#include <stdexcept>   // generator_error
#include <string>      // in-memory files

namespace icm::gen {

// Bad options or an output file that cannot be written.
class generator_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct generator_options {
  std::uint64_t payees = 1000;          // random payees, ids 1..payees (>= 1)
  std::uint64_t transactions = 100000;  // random transactions, ids 1..transactions
  std::uint64_t seed = 1;
  int year = 2026;     // the plan year: dates, periods 2026-Q1..Q4
  bool splits = true;  // false: splits.csv is header-only (edge split included)

  // Limits that keep every id and amount far from int64 overflow.
  static constexpr std::uint64_t max_payees = 100'000'000;
  static constexpr std::uint64_t max_transactions = 10'000'000'000;
};

// Number of hand-made edge payees (ids payees+1 .. payees+edge_payee_count)
// and of their transactions (ids transactions+1 .. transactions+edge_txn_count).
inline constexpr std::uint64_t edge_payee_count = 10;
inline constexpr std::uint64_t edge_txn_count = 13;

// Rows written per file (data rows, header excluded).
struct generated_counts {
  std::uint64_t payees = 0;
  std::uint64_t quotas = 0;
  std::uint64_t fx_rates = 0;
  std::uint64_t transactions = 0;
  std::uint64_t splits = 0;
};

// The five files as text, for tests and small runs.
struct generated_files {
  std::string payees;
  std::string quotas;
  std::string fx;
  std::string transactions;
  std::string splits;
  generated_counts counts;
};

// Throws generator_error when an option is out of range.
void validate(const generator_options& options);

// Everything in memory: only for sizes that fit comfortably.
generated_files generate(const generator_options& options);

// Writes payees.csv, quotas.csv, fx.csv, transactions.csv and splits.csv into
// `directory` (created if needed). Each file is written to a temporary name
// and renamed when complete, so a failed run leaves no truncated file.
generated_counts write_directory(const generator_options& options,
                                 const std::filesystem::path& directory);

}  // namespace icm::gen
