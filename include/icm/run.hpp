// icm/run.hpp - run a plan over a data set: payouts, measures, control totals.
//
// run() credits every transaction, aggregates measures per payee and period,
// evaluates the components and the payee ledger (plan cap, carried
// balances, draws) exactly as ../docs/semantics.md describes, and returns
// plain values. It never prints and never writes files (see report.hpp).
//
//   icm::diagnostics diags;
//   auto data = icm::read_dataset("data/", diags);
//   auto result = data ? icm::run(*plan, *data, diags) : std::nullopt;
//   for (const auto& line : result->payouts)
//     fmt::print("{} {} {} {}\n", line.payee_id, icm::to_string(line.when), line.component, line.amount);
//
// Errors that concern one payee (a missing quota, a zero quota under an
// attainment, a missing FX rate) carry the payee and period; run() reports
// all of them and returns nullopt: there is no partial result.
#pragma once

#include <cstddef>   // block size
#include <cstdint>   // counts
#include <chrono>    // phase times
#include <map>       // amounts per currency, per reason (ordered: deterministic output)
#include <optional>  // run result
#include <string>    // ids, names
#include <vector>    // lines

#include "icm/calendar.hpp"     // period
#include "icm/data.hpp"         // dataset
#include "icm/decimal.hpp"      // amounts
#include "icm/diagnostics.hpp"  // diagnostics
#include "icm/plan.hpp"         // plan

namespace icm {

// One row of payouts.csv. `component` is a component of the plan, or a
// ledger line: plan_cap, carried_balance_recovery, draw, draw_recovery,
// carried_balance.
struct payout_line {
  std::string payee_id;
  period when;
  std::string component;
  decimal amount;  // exactly the currency's minor digits
  std::string currency;
};

// One row of measures.csv: a measure, quota or attainment of a payee in a
// period; scope "period", or "ytd" for the year-to-date values a cumulative
// component used. Quotients are rounded to the plan's precision.
struct measure_value {
  std::string payee_id;
  period when;
  std::string name;
  std::string scope;
  std::string value;  // decimal text, or true/false for a condition
};

// A count of transactions and the sum of their amounts in each currency
// (their own amounts, before weights and conversion).
struct transaction_tally {
  std::uint64_t count = 0;
  std::map<std::string, decimal> amount;  // by currency code
};

// read = credited + sum(uncredited) + rejected, in count and in amount.
struct control_totals {
  transaction_tally read, credited, rejected;
  std::map<std::string, transaction_tally> uncredited;  // by reason
  std::uint64_t credits = 0;       // credit records given (splits and rollups count each)
  std::uint64_t payees = 0;        // payees evaluated
  std::uint64_t payee_periods = 0;
  decimal total_paid;              // sum of payouts.csv, in the plan currency
  std::string currency;
};

// A balance still open after the plan year's last period: reported, not
// paid or forgiven. Both kinds are what the payee still owes, as a positive
// amount.
struct open_balance {
  std::string payee_id;
  std::string kind;  // "draw" (recoverable draw not yet repaid) or "carried" (negative totals)
  decimal amount;    // > 0: owed by the payee
};

// Wall time of one stage of a run ("read splits", "stream transactions",
// ...), for operators sizing a batch. Never part of an output file.
struct phase_time {
  std::string name;
  std::chrono::nanoseconds elapsed{};
};

struct run_result {
  std::vector<payout_line> payouts;     // ordered as payouts.csv
  std::vector<measure_value> measures;  // ordered as measures.csv
  control_totals totals;
  std::vector<open_balance> balances;
  std::vector<phase_time> phases;       // run_files: its stages in order; run: empty
};

struct run_options {
  unsigned threads = 0;  // 0: all cores
  // run_files only: the size of the blocks transactions.csv is read in, one
  // per thread at a time (0: 2 MiB, less for a small file). Any size gives
  // the same result; tests use tiny blocks to cut records everywhere.
  std::size_t block_bytes = 0;
};

std::optional<run_result> run(const plan& p, const dataset& data, diagnostics& diags,
                              const run_options& options = {});

// The same run straight from the CSV files of `directory`: payees, quotas, fx
// and splits are read whole (they are small); transactions.csv is streamed in
// chunks folded into per payee and period aggregates, so memory grows with
// payees, not transactions. Same result as read_dataset + run, byte for byte,
// whatever options.threads and the order of the rows; errors keep their
// file:line:column.
//
//   icm::diagnostics diags;
//   auto result = icm::run_files(*plan, "data/", diags, {.threads = 2});
std::optional<run_result> run_files(const plan& p, const std::string& directory, diagnostics& diags,
                                    const run_options& options = {});

}  // namespace icm
