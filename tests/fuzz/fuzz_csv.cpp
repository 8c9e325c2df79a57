// fuzz_csv: arbitrary bytes through the CSV tokenizer (icm::csv::reader, every
// record and field), then as one file of a data set through read_dataset.
//
// Why both: the tokenizer owns quoting, line ends and positions; the data set
// reader owns everything that follows (numbers, dates, references, duplicate
// and sum checks, error caps). Spec section 7: malformed data is a diagnostic
// with its place, never a crash.
//
// The data set lives in one directory per process, created on the first call
// and reused (only the files that change are written each time), so the
// round trip through the file system stays cheap. The input replaces the
// file its header names (transactions.csv unless the first line starts like
// payees.csv, quotas.csv, splits.csv or fx.csv); the other four hold a small
// valid data set that the input can refer to (payees P1, P2, transactions T1,
// T2), so that references, splits sums and duplicates are exercised too.
#include <unistd.h>  // getpid

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <cstdio>       // std::FILE
#include <cstdlib>      // std::atexit
#include <filesystem>   // the temp directory
#include <string>       // paths, text
#include <string_view>  // the input

#include "icm/data.hpp"
#include "icm/diagnostics.hpp"
#include "icm/io/csv.hpp"

namespace {

namespace fs = std::filesystem;

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
  const char* name;
  const char* header_start;  // how an input for this file begins
  const char* fixed;         // the content when the input is not this file
};

constexpr data_file files[] = {
    {"payees.csv", "payee_id,",
     "payee_id,name,manager_id,hire_date,end_date,target_incentive,region\n"
     "P1,Ann,,2025-01-01,,15000.00,west\n"
     "P2,Bob,P1,2025-06-01,2026-12-31,9000,east\n"},
    {"quotas.csv", "payee_id,period",
     "payee_id,period,amount\nP1,2026-Q1,100000.00\nP2,2026,250000\n"},
    {"splits.csv", "txn_id,payee_id", "txn_id,payee_id,share\nT2,P1,0.5\nT2,P2,0.5\n"},
    {"fx.csv", "currency,", "currency,period,rate\nEUR,2026-Q1,1.08\nEUR,2026-Q2,1.1\n"},
    // Last: the file an input goes to when no other header matches.
    {"transactions.csv", "",
     "txn_id,date,payee_id,amount,currency,product\n"
     "T1,2026-01-15,P1,1000.00,USD,saas\n"
     "T2,2026-02-01,P2,-250.5,EUR,hardware\n"},
};
constexpr std::size_t file_count = sizeof files / sizeof files[0];

fs::path directory;
std::size_t last_target = file_count;  // which file holds the previous input

void remove_directory() {
  std::error_code ec;
  fs::remove_all(directory, ec);
}

void write(const fs::path& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr);
  check(std::fwrite(text.data(), 1, text.size(), f) == text.size());
  std::fclose(f);
}

void read_as_dataset(std::string_view text) {
  if (directory.empty()) {
    directory = fs::temp_directory_path() / ("icm-fuzz-csv-" + std::to_string(::getpid()));
    fs::create_directories(directory);
    std::atexit(remove_directory);
  }
  std::size_t target = file_count - 1;
  for (std::size_t i = 0; i + 1 < file_count; ++i) {
    if (text.substr(0, std::string_view(files[i].header_start).size()) == files[i].header_start) {
      target = i;
      break;
    }
  }
  for (std::size_t i = 0; i < file_count; ++i) {
    if (i == target)
      write(directory / files[i].name, text);
    else if (i == last_target || last_target == file_count)
      write(directory / files[i].name, files[i].fixed);
  }
  last_target = target;

  icm::diagnostics diags;
  icm::read_options options;
  options.max_field_length = 1u << 16;
  auto data = icm::read_dataset(directory.string(), diags, options);
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
