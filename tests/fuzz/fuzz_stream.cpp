// fuzz_stream: arbitrary bytes as transactions.csv, run ways that must
// agree: streamed from the file (icm::run_files, the CLI's path, with its own
// block splitter, field splitter and duplicate check), once as the CLI runs
// it and once in blocks of a few bytes on two threads, and loaded in memory
// (read_dataset + run, the path fuzz_csv covers).
//
// Why differential: the streaming reader re-implements the reading of
// transactions for speed; a crash is one failure, but a row it reads
// differently (a field split elsewhere, an error missed or misplaced, a
// different cent) is the one a comp analyst would not see. Both must give
// the same diagnostics (as a set: read_dataset lists duplicate txn_ids after
// the file's other errors, the stream in line order) and the same bytes of
// payouts.csv, measures.csv and control_totals.csv.
//
// The other four files are a small valid data set written once to a private
// temporary directory (in /dev/shm when there is one: one small file write
// per input); the plan reads a product column, uses every aggregate, dates,
// splits, currencies and a manager rollup. There are two such sets: payee
// ids P1-P3, and 1-3, which the stream finds by number in a dense table
// (its own digit parser); an input of odd length goes with the second.
// An input that starts like splits.csv ("txn_id,payee_id") is splits.csv
// instead, next to a fixed transactions.csv: the stream reads it with its
// own record splitter and payee lookup too.
#include <unistd.h>  // getpid

#include <algorithm>    // std::sort
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <cstdio>       // std::fprintf
#include <cstdlib>      // std::atexit
#include <filesystem>   // the data set directory
#include <fstream>      // writing the files
#include <optional>     // the plan, run results
#include <sstream>      // output bytes
#include <string>       // paths, texts
#include <string_view>  // the input
#include <vector>       // diagnostics

#include "icm/data.hpp"
#include "icm/diagnostics.hpp"
#include "icm/plan.hpp"
#include "icm/report.hpp"
#include "icm/run.hpp"

namespace {

namespace fs = std::filesystem;

constexpr const char* plan_text = R"(plan "Fuzz stream" {
  currency USD
  period quarter
  year 2026
  precision 10
  rollup 1
}

columns product

credit 100% where product in ("saas", "services")
credit 50% where product == "hardware" and date between 2026-01-01 and 2026-06-30
credit 25%

measure credited = sum(credit)
measure deals = count(credit where amount > 0)
measure biggest = max(credit)
measure smallest = min(credit)
measure mean = avg(credit)
measure attainment = credited / quota

component commission {
  tiers marginal of credited by attainment {
    from 0%   to 100% pay 8%
    from 100%         pay 12%
  }
  floor 0
  cap 3 * target_incentive
}

component club {
  bonus 100.00 USD when deals >= 2 and biggest > 10 * smallest
}
)";

// A data set but for the file the input stands for.
struct fixed_files {
  const char* payees;
  const char* quotas;
  const char* splits;
  const char* fx;
  const char* transactions;
};
constexpr const char* fx_csv = "currency,period,rate\nEUR,2026-Q1,1.08\nEUR,2026-Q2,1.1\nJPY,2026-Q1,0.0067\nJPY,2026-Q2,0.0068\n";
constexpr fixed_files named_ids{
    "payee_id,name,manager_id,hire_date,end_date,target_incentive\n"
    "P1,Ann,,2025-01-01,,15000.00\n"
    "P2,Bob,P1,2026-02-01,2026-11-30,9000\n"
    "P3,Cy,P1,2020-01-01,,12000\n",
    "payee_id,period,amount\nP1,2026-Q1,100000.00\nP2,2026-Q2,250000\nP3,2026-Q2,1000\n",
    "txn_id,payee_id,share\nT2,P1,0.5\nT2,P2,0.5\n", fx_csv,
    "txn_id,date,payee_id,amount,currency,product\nT1,2026-01-05,P1,100.00,,saas\nT2,2026-02-05,P2,250.00,EUR,"
    "services\nT3,2026-04-05,P3,7000,JPY,hardware\nT4,2026-05-06,P2,-12.5,,saas\n"};
constexpr fixed_files numeric_ids{
    "payee_id,name,manager_id,hire_date,end_date,target_incentive\n"
    "1,Ann,,2025-01-01,,15000.00\n"
    "2,Bob,1,2026-02-01,2026-11-30,9000\n"
    "3,Cy,1,2020-01-01,,12000\n",
    "payee_id,period,amount\n1,2026-Q1,100000.00\n2,2026-Q2,250000\n3,2026-Q2,1000\n",
    "txn_id,payee_id,share\nT2,1,0.5\nT2,2,0.5\n", fx_csv,
    "txn_id,date,payee_id,amount,currency,product\nT1,2026-01-05,1,100.00,,saas\nT2,2026-02-05,2,250.00,EUR,"
    "services\nT3,2026-04-05,3,7000,JPY,hardware\nT4,2026-05-06,2,-12.5,,saas\n"};

void write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) __builtin_trap();  // the harness cannot work without its files
}

struct setup {
  fs::path dir;          // named_ids
  fs::path numeric_dir;  // numeric_ids
  std::optional<icm::plan> plan;
};

fs::path& directory_to_remove() {
  static fs::path dir;
  return dir;
}

const setup& once() {
  static const setup s = [] {
    setup r;
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    r.dir = base / ("icm_fuzz_stream_" + std::to_string(::getpid()));
    fs::create_directories(r.dir);
    directory_to_remove() = r.dir;
    std::atexit([] {
      std::error_code e;
      fs::remove_all(directory_to_remove(), e);
    });
    r.numeric_dir = r.dir / "numeric";
    fs::create_directories(r.numeric_dir);
    for (const auto& [dir, files] : {std::pair{r.dir, named_ids}, {r.numeric_dir, numeric_ids}}) {
      write(dir / "payees.csv", files.payees);
      write(dir / "quotas.csv", files.quotas);
      write(dir / "splits.csv", files.splits);
      write(dir / "fx.csv", files.fx);
    }
    icm::diagnostics diags;
    r.plan = icm::plan::parse(plan_text, "fuzz_stream.icm", diags);
    if (!r.plan) {
      std::fprintf(stderr, "fuzz_stream: the harness's plan does not compile:\n%s\n", icm::render(diags).c_str());
      __builtin_trap();
    }
    return r;
  }();
  return s;
}

// What a run shows a user: its output files, or its diagnostics.
struct outcome {
  bool ok = false;
  std::string bytes;                  // payouts, measures, control totals
  std::vector<std::string> messages;  // every diagnostic's headline, sorted
  bool capped = false;                // an error list cut at its cap
};

outcome describe(const std::optional<icm::run_result>& result, const icm::diagnostics& diags) {
  outcome o;
  o.ok = result.has_value();
  if (result) {
    std::ostringstream out;
    icm::write_payouts_csv(*result, out);
    out << "--\n";
    icm::write_measures_csv(*result, out);
    out << "--\n";
    icm::write_control_totals_csv(*result, out);
    o.bytes = out.str();
  }
  for (const auto& d : diags) {
    o.messages.push_back(d.headline());
    if (d.message.find("more error") != std::string::npos) o.capped = true;
  }
  std::sort(o.messages.begin(), o.messages.end());
  return o;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "  " + l + "\n";
  return s;
}

void differ(const char* what, const outcome& loaded, const outcome& streamed) {
  std::fprintf(stderr,
               "fuzz_stream: loaded and streamed runs differ in %s\n"
               "loaded (ok=%d):\n%s%s\nstreamed (ok=%d):\n%s%s\n",
               what, loaded.ok, joined(loaded.messages).c_str(), loaded.bytes.c_str(), streamed.ok,
               joined(streamed.messages).c_str(), streamed.bytes.c_str());
  __builtin_trap();
}

// The streamed outcome must be the loaded one (see the top of the file).
void compare(const outcome& loaded, const outcome& streamed, const std::string& header_place) {
  if (loaded.ok != streamed.ok) differ("success", loaded, streamed);
  if (!loaded.ok && loaded.messages.empty()) differ("a failure without a message", loaded, streamed);
  // An error in transactions.csv's header stops the stream before its rows
  // (the plan's columns are checked there), where read_dataset reads the
  // rows first and the run checks the plan's columns after: each then shows
  // errors the other did not reach, and the header's error suffices.
  const bool header_error = std::any_of(streamed.messages.begin(), streamed.messages.end(), [&](const std::string& m) {
    return m.rfind(header_place, 0) == 0;
  });
  // Amounts that do not fit 64 bits at the file's largest scale ("...
  // fractional digits ..."): both fail (checked above), but read_dataset
  // decides row by row as the scale grows (rows with other errors
  // included), the stream over the whole file, so the message may stand on
  // another row.
  const auto scale_error = [](const outcome& o) {
    return std::any_of(o.messages.begin(), o.messages.end(),
                       [](const std::string& m) { return m.find("fractional digits") != std::string::npos; });
  };
  const bool scale_errors = scale_error(loaded) || scale_error(streamed);
  // Past the cap, the two readers may keep different errors (they list them
  // in different orders); the count of errors shown is the same.
  if (header_error || scale_errors) {
    // both failed: checked above
  } else if (loaded.capped || streamed.capped) {
    if (loaded.messages.size() != streamed.messages.size()) differ("the number of diagnostics", loaded, streamed);
  } else if (loaded.messages != streamed.messages) {
    differ("diagnostics", loaded, streamed);
  }
  if (loaded.bytes != streamed.bytes) differ("output bytes", loaded, streamed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const setup& s = once();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool numeric = size % 2 == 1;
  const fixed_files& files = numeric ? numeric_ids : named_ids;
  const fs::path& dir = numeric ? s.numeric_dir : s.dir;
  const bool as_splits = text.substr(0, 15) == "txn_id,payee_id";
  const std::string_view transactions = as_splits ? std::string_view(files.transactions) : text;
  const std::string_view splits = as_splits ? text : std::string_view(files.splits);
  write(dir / "transactions.csv", transactions);
  write(dir / "splits.csv", splits);

  icm::diagnostics loaded_diags;
  std::optional<icm::run_result> loaded_result;
  {
    icm::dataset_texts texts;
    texts.name = dir.string();
    texts.payees = std::string_view(files.payees);
    texts.transactions = transactions;
    texts.quotas = std::string_view(files.quotas);
    texts.splits = splits;
    texts.fx = std::string_view(files.fx);
    auto ds = icm::read_dataset(texts, loaded_diags);
    if (ds) loaded_result = icm::run(*s.plan, *ds, loaded_diags, {.threads = 1});
  }
  const outcome loaded = describe(loaded_result, loaded_diags);
  const std::string header_place = (dir / "transactions.csv").string() + ":1:";
  {
    icm::diagnostics diags;
    const auto result = icm::run_files(*s.plan, dir.string(), diags, {.threads = 1});
    compare(loaded, describe(result, diags), header_place);
  }
  {
    // Tiny blocks on two threads: records cut everywhere, blocks handed
    // out in any order; the result must not change.
    icm::diagnostics diags;
    const std::size_t block = 1 + (size * 7 + (size > 0 ? data[size / 2] : 0)) % 61;
    const auto result = icm::run_files(*s.plan, dir.string(), diags, {.threads = 2, .block_bytes = block});
    compare(loaded, describe(result, diags), header_place);
  }
  return 0;
}
