// fuzz_csv: arbitrary bytes through the CSV tokenizer (icm::csv::reader, every
// record and field), then as one file of a data set through read_dataset.
//
// Why both: the tokenizer owns quoting, line ends and positions; the data set
// reader owns everything that follows (numbers, dates, references, duplicate
// and sum checks, error caps). Spec section 7: malformed data is a diagnostic
// with its place, never a crash.
//
// The data set is read from memory (read_dataset over dataset_texts: the same
// table reader as for files, no file system round trip, so thousands of
// inputs a second). The input stands for the file its header names
// (transactions.csv unless the first line starts like payees.csv,
// quotas.csv, splits.csv or fx.csv); the other four hold a small valid data
// set that the input can refer to (payees P1, P2, transactions T1, T2), so
// that references, splits sums and duplicates are exercised too.
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <optional>     // dataset_texts members
#include <string_view>  // the input

#include "icm/data.hpp"
#include "icm/diagnostics.hpp"
#include "icm/io/csv.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A field's place must lie inside the text it came from.
void tokenize(std::string_view text) {
  icm::csv::reader in(text, icm::csv::options{1u << 16});
  icm::csv::record rec;
  std::size_t bytes = 0;
  icm::csv::status s = in.read_header(rec);
  for (int records = 0; s != icm::csv::status::end; ++records) {
    if (s == icm::csv::status::error) {
      const icm::csv::error& e = in.last_error();
      check(!e.message.empty() && e.line >= 1 && e.column >= 1);
      if (records == 0) break;  // no header: nothing more to read
    } else {
      check(rec.size() >= 1);
      if (records > 0) check(rec.size() == in.expected_fields());
      for (const auto& f : rec) {
        bytes += f.text.size();
        check(f.line >= 1 && f.column >= 1 && f.length >= 1);
        check(f.line >= rec.line());
      }
    }
    check(in.position() <= text.size());
    s = in.next(rec);
  }
  check(bytes <= text.size());
}

struct data_file {
  std::optional<std::string_view> icm::dataset_texts::*member;
  const char* header_start;  // how an input for this file begins
  const char* fixed;         // the content when the input is not this file
};

constexpr data_file files[] = {
    {&icm::dataset_texts::payees, "payee_id,",
     "payee_id,name,manager_id,hire_date,end_date,target_incentive,region\n"
     "P1,Ann,,2025-01-01,,15000.00,west\n"
     "P2,Bob,P1,2025-06-01,2026-12-31,9000,east\n"},
    {&icm::dataset_texts::quotas, "payee_id,period",
     "payee_id,period,amount\nP1,2026-Q1,100000.00\nP2,2026,250000\n"},
    {&icm::dataset_texts::splits, "txn_id,payee_id", "txn_id,payee_id,share\nT2,P1,0.5\nT2,P2,0.5\n"},
    {&icm::dataset_texts::fx, "currency,", "currency,period,rate\nEUR,2026-Q1,1.08\nEUR,2026-Q2,1.1\n"},
    // Last: the file an input goes to when no other header matches.
    {&icm::dataset_texts::transactions, "",
     "txn_id,date,payee_id,amount,currency,product\n"
     "T1,2026-01-15,P1,1000.00,USD,saas\n"
     "T2,2026-02-01,P2,-250.5,EUR,hardware\n"},
};

void read_as_dataset(std::string_view text) {
  icm::dataset_texts texts;
  texts.name = "fuzz";
  bool placed = false;
  for (const data_file& f : files) {
    const std::string_view start(f.header_start);
    if (!placed && text.substr(0, start.size()) == start) {
      texts.*f.member = text;
      placed = true;
    } else {
      texts.*f.member = std::string_view(f.fixed);
    }
  }
  icm::diagnostics diags;
  icm::read_options options;
  options.max_field_length = 1u << 16;
  auto data = icm::read_dataset(texts, diags, options);
  if (!data) check(diags.has_errors());
  for (const auto& d : diags) check(!d.message.empty() && !d.headline().empty());
  (void)icm::render(diags, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tokenize(text);
  read_as_dataset(text);
  return 0;
}
