// Reading input files: the CSV tokenizer alone and read_dataset into the
// columnar tables, on a generated 1,000,000-row transactions.csv.
//
// Reported as bytes/s (SetBytesProcessed) and txn/s. Each run checks the row
// count and the exact sum of amounts before its time is kept, so a reader
// that skipped rows could not look fast.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>  // getpid

#include <fmt/format.h>

#include "icm/data.hpp"
#include "icm/io/csv.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::size_t transaction_rows = 1'000'000;
constexpr std::size_t payee_count = 2'000;

fs::path generated_dir;  // removed at exit when the data was generated

struct generated {
  fs::path dir;
  std::string transactions;
  std::int64_t amount_cents = 0;  // the exact sum every run must reproduce
};

// Deterministic rows in the shape of the reference plan's data.
const generated& data() {
  static const generated g = [] {
    generated out;
    out.dir = fs::temp_directory_path() / fmt::format("icm_csv_bench_{}", ::getpid());
    fs::create_directories(out.dir);
    generated_dir = out.dir;
    std::string payees = "payee_id,name,region,target_incentive\n";
    for (std::size_t p = 0; p < payee_count; ++p)
      payees += fmt::format("P{:05},Payee {},{},10000.00\n", p, p, p % 2 ? "east" : "west");
    static constexpr const char* products[] = {"saas", "services", "hardware", "support",
                                               "training"};
    static constexpr const char* currencies[] = {"USD", "USD", "EUR", "GBP", "JPY", "CAD"};
    std::string& t = out.transactions;
    t.reserve(transaction_rows * 64);
    t += "txn_id,date,payee_id,amount,currency,product,region,deal_type\n";
    std::uint64_t x = 88172645463325252ull;  // xorshift: reproducible, no <random> distributions
    for (std::size_t i = 0; i < transaction_rows; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const auto day = static_cast<std::int32_t>(20454 + x % 365);  // 2026
      std::int64_t cents = static_cast<std::int64_t>((x >> 20) % 5'000'000) + 100;
      if ((x >> 40) % 20 == 0) cents = -cents;  // about 5% credit notes
      out.amount_cents += cents;
      const char* sign = cents < 0 ? "-" : "";
      const std::int64_t magnitude = cents < 0 ? -cents : cents;
      t += fmt::format("T{:08},{},P{:05},{}{}.{:02},{},{},{},{}\n", i,
                       icm::to_string(icm::date{day}), (x >> 8) % payee_count, sign,
                       magnitude / 100, magnitude % 100, currencies[(x >> 30) % 6],
                       products[(x >> 33) % 5], (x >> 36) % 2 ? "east" : "west",
                       (x >> 37) % 2 ? "new" : "renewal");
    }
    std::ofstream(out.dir / "payees.csv", std::ios::binary) << payees;
    std::ofstream(out.dir / "transactions.csv", std::ios::binary) << t;
    return out;
  }();
  return g;
}

void BM_csv_tokenize(benchmark::State& state) {
  const generated& g = data();
  std::size_t fields = 0;
  for (auto _ : state) {
    icm::csv::reader in(g.transactions);
    icm::csv::record rec;
    in.read_header(rec);
    std::size_t rows = 0;
    while (in.next(rec) == icm::csv::status::record) {
      ++rows;
      fields += rec.size();
    }
    if (rows != transaction_rows) state.SkipWithError("wrong row count");
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * g.transactions.size()));
  state.counters["txn/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * transaction_rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_csv_tokenize)->Unit(benchmark::kMillisecond);

void BM_read_dataset(benchmark::State& state) {
  const generated& g = data();
  for (auto _ : state) {
    icm::diagnostics diags;
    auto ds = icm::read_dataset(g.dir.string(), diags);
    state.PauseTiming();
    if (!ds || ds->transactions.size() != transaction_rows) {
      state.SkipWithError("read_dataset failed");
      break;
    }
    // The exact total, recomputed from the columns (scale 2 throughout).
    std::int64_t sum = 0;
    for (std::int64_t a : ds->transactions.amount) sum += a;
    if (ds->transactions.amount_scale != 2 || sum != g.amount_cents)
      state.SkipWithError("amount total differs from the generated data");
    state.ResumeTiming();
  }
  // File bytes include payees.csv, which is read too (it is small).
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * g.transactions.size()));
  state.counters["txn/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * transaction_rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_read_dataset)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  if (!generated_dir.empty()) fs::remove_all(generated_dir, ec);
  return 0;
}
