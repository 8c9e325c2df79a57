// icm/dataset_builder.hpp - input tables built from a host application's own data.
//
// Why: an application that embeds icm keeps its payees and deals in its own
// structures (a CRM export, an ORM, a message queue), not in CSV files. The
// builder turns rows given one by one into the same `icm::dataset` that
// read_dataset() makes from CSV, with the same checks: an unknown payee
// (of a transaction, split, quota or manager), a duplicate txn_id, split
// shares outside (0, 1] or not summing to exactly 1 per transaction, duplicate
// quota or FX rows, bad dates, periods and currency codes. There is no
// file:line to point at, so each error names its row instead:
//
//   error: transaction T17: unknown payee_id 'P9'
//
// Rows can be added in any order (transactions before their payees, say);
// references are resolved by build(). Fields are text where CSV cells are text
// (ids, dates, periods, attribute values), so that the same spellings and the
// same checks apply, and exact `decimal`s where they are numbers.
//
//   icm::dataset_builder b;
//   b.payee_attributes({"target_incentive"});
//   b.add_payee({.id = "A1", .attributes = {"10000.00"}});
//   b.add_transaction({.txn_id = "T1", .date = "2026-02-10", .payee_id = "A1",
//                      .amount = icm::decimal(120000, 2)});
//   b.add_quota({.payee_id = "A1", .period = "2026-Q1", .amount = icm::decimal(100000)});
//   icm::diagnostics diags;
//   std::optional<icm::dataset> data = b.build(diags);
//
// Errors the engine finds later (a missing FX rate, a quota for the wrong
// kind of period) are placed at "<name>/<table>.csv:<line>", where <name> is
// the builder's name and <line> is the row's position among the rows added
// to that table plus one: the line it would have in a CSV file with a header.
#pragma once

#include <cstdint>      // row counts
#include <optional>     // build result
#include <string>       // ids, dates, attribute values
#include <string_view>  // lookups
#include <vector>       // rows, attribute lists

#include "icm/data.hpp"         // dataset
#include "icm/decimal.hpp"      // amounts, shares, rates
#include "icm/diagnostics.hpp"  // build() reports into one

namespace icm {

// The row types have a default initializer on every field, so that a
// designated initializer may leave fields out without -Wmissing-field-initializers.

// A row of payees.csv. Empty dates mean "employed since before / until after
// the plan year". When any payee has a non-empty `plan`, the data set has a
// plan column: a payee is then on the plan being run only when its `plan`
// equals the plan's name (an empty one never does).
struct payee_row {
  std::string id{};
  std::string manager_id{};              // "" for none
  std::string hire_date{};               // YYYY-MM-DD or ""
  std::string end_date{};                // YYYY-MM-DD or ""
  std::string plan{};                    // the plan's name, or ""
  std::vector<std::string> attributes{};  // one per payee_attributes() name, in that order
};

// A row of transactions.csv. `amount` is in `currency` (empty: the plan's).
struct transaction_row {
  std::string txn_id{};
  std::string date{};  // YYYY-MM-DD
  std::string payee_id{};
  decimal amount{};
  std::string currency{};                // ISO 4217 code such as "EUR", or ""
  std::vector<std::string> attributes{};  // one per transaction_attributes() name, in that order
};

// A row of quotas.csv.
struct quota_row {
  std::string payee_id{};
  std::string period{};  // "2026", "2026-Q1" or "2026-03"
  decimal amount{};
  std::string metric = "quota";
};

// A row of splits.csv: `share` of transaction `txn_id` credits `payee_id`.
struct split_row {
  std::string txn_id{};
  std::string payee_id{};
  decimal share{};  // in (0, 1]; the shares of one transaction sum to exactly 1
};

// A row of fx.csv: `rate` plan-currency units per one unit of `currency`.
struct fx_row {
  std::string currency{};
  std::string period{};
  decimal rate{};  // > 0
};

class dataset_builder {
 public:
  // `name` stands for the directory in diagnostics of later stages.
  explicit dataset_builder(std::string name = "memory");

  // The names of the extra columns, in order, as a plan refers to them
  // (`columns product`, `target_incentive`). Declare the transaction
  // columns before the first add_transaction().
  // Payee columns are free except payee_id, manager_id, hire_date, end_date
  // and plan; transaction columns except txn_id, date, payee_id, amount and
  // currency.
  void payee_attributes(std::vector<std::string> names);
  void transaction_attributes(std::vector<std::string> names);

  void add_payee(payee_row row);
  // Transactions go straight into the columns (the only table that runs to
  // millions of rows): the row is not kept.
  void add_transaction(const transaction_row& row);
  void add_quota(quota_row row);
  void add_split(split_row row);
  void add_fx(fx_row row);

  // Checks every row, appends each error to `diags` and returns the data set,
  // or nullopt when there was any error. Either way the builder is empty
  // afterwards (the attribute names included), ready for another data set.
  std::optional<dataset> build(diagnostics& diags);

 private:
  void reset();

  std::string name_;
  std::vector<std::string> payee_attribute_names_, transaction_attribute_names_;
  std::vector<payee_row> payees_;
  std::vector<quota_row> quotas_;
  std::vector<split_row> splits_;
  std::vector<fx_row> fx_;
  // Transactions, already columnar; their payees are resolved by build().
  dataset data_;
  string_pool transaction_payee_ids_;         // the payee_id each transaction names
  std::vector<std::uint32_t> transaction_payee_;  // per row, into transaction_payee_ids_
  std::vector<std::uint32_t> txn_row_of_id_;  // by data_.txn_ids id
  std::size_t transaction_rows_added_ = 0;  // good or not: row numbers in messages
  std::size_t transaction_errors_ = 0;
  diagnostics errors_;  // found while adding rows, reported by build()
};

}  // namespace icm
