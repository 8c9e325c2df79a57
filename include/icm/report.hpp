// icm/report.hpp - payouts, measures and control totals as files and text.
//
// The CSV writers produce exactly the formats of the spec (section 6):
// payouts.csv `payee_id,period,component,amount,currency`, measures.csv
// `payee_id,period,measure,scope,value`, control_totals.csv
// `class,reason,count,currency,amount`. write_outputs() writes all three
// into a folder whole or not at all: each goes to a temporary file in the
// target folder first and is renamed into place only when every file was
// written completely.
#pragma once

#include <iosfwd>       // std::ostream
#include <string>       // paths
#include <string_view>  // currency codes

#include "icm/diagnostics.hpp"  // write errors
#include "icm/run.hpp"          // run_result

namespace icm {

void write_payouts_csv(const run_result& result, std::ostream& out);
void write_measures_csv(const run_result& result, std::ostream& out);
void write_control_totals_csv(const run_result& result, std::ostream& out);

// Human-readable control totals: read = credited + uncredited + rejected.
std::string format_control_totals(const control_totals& totals);

// An amount in `currency` as the control totals show it: at the currency's
// ISO 4217 minor unit (25110000 JPY, 2040.00 EUR, 7.000 KWD), or with more
// digits when the amount has them (a sum of amounts as read is never
// rounded); as written for a code without a known minor unit.
std::string format_currency_amount(std::string_view currency, const decimal& amount);

// Writes payouts.csv, measures.csv and control_totals.csv into `directory`
// (created if missing). Returns false, with a diagnostic, when any write
// fails; then none of the three files was replaced. `threads` as in
// run_options (0: all cores): with two or more, payouts.csv and
// measures.csv are rendered side by side; the bytes are the same.
bool write_outputs(const run_result& result, const std::string& directory, diagnostics& diags,
                   unsigned threads = 0);

// Writes `content` to `path` atomically (temporary file + rename).
bool write_file_atomically(const std::string& path, const std::string& content, diagnostics& diags);

}  // namespace icm
