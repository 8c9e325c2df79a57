// The reference plan at payroll scale: byte-scan floor, CSV to columns,
// crediting on loaded columns, component evaluation, and the end-to-end
// streaming run (icm::run_files) at 1 and 2 threads.
//
// Data comes from icm-generate (built beside this binary) into a cache under
// the build tree (<build>/bench/data/p<payees>_t<transactions>), generated once.
// Every timing is checked: the payout total (or the credited count) must equal
// the one of the first run of the same data, so a fast wrong answer fails.
// Peak RSS (ru_maxrss) is reported per benchmark; it is a process-wide high
// water mark, so run one benchmark per process (--benchmark_filter) to read
// the memory of one configuration.
#include <benchmark/benchmark.h>

#include <sys/resource.h>  // getrusage
#include <unistd.h>        // readlink

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "compile/plan_impl.hpp"
#include "eval/crediting.hpp"
#include "eval/evaluate_payees.hpp"
#include "eval/run_internal.hpp"
#include "icm/data.hpp"
#include "icm/plan.hpp"
#include "icm/run.hpp"

namespace {

namespace fs = std::filesystem;

fs::path self_dir() {
  char buf[4096];
  const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return fs::current_path();
  return fs::path(std::string(buf, static_cast<std::size_t>(n))).parent_path();
}

// <build>/bench/data/p<P>_t<T>, generated on first use.
std::string data_dir(std::int64_t payees, std::int64_t transactions) {
  const fs::path dir = self_dir() / "data" / fmt::format("p{}_t{}", payees, transactions);
  if (!fs::exists(dir / "transactions.csv")) {
    fs::create_directories(dir.parent_path());
    const auto cmd = fmt::format("'{}' --out '{}' --payees {} --transactions {} > /dev/null",
                                 (self_dir() / "generate" / "icm-generate").string(), dir.string(), payees,
                                 transactions);
    if (std::system(cmd.c_str()) != 0) return {};
  }
  return dir.string();
}

std::string plan_path(const std::string& variant) {
  // bench/run_bench.cpp -> rules/ (the binary is in <build>/bench; the source tree is found from here)
  return (fs::path(__FILE__).parent_path().parent_path() / "rules" / fmt::format("reference-{}.icm", variant))
      .string();
}

const icm::plan& reference(const std::string& variant) {
  static std::map<std::string, icm::plan> plans;
  auto it = plans.find(variant);
  if (it == plans.end()) {
    std::ifstream in(plan_path(variant));
    std::stringstream text;
    text << in.rdbuf();
    icm::diagnostics diags;
    auto p = icm::plan::parse(text.str(), plan_path(variant), diags);
    if (!p) std::abort();
    it = plans.emplace(variant, std::move(*p)).first;
  }
  return it->second;
}

double max_rss_mib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

std::uint64_t file_bytes(const std::string& dir) { return fs::file_size(fs::path(dir) / "transactions.csv"); }

// The answer every timing of the same data must reproduce.
bool check(benchmark::State& state, const std::string& key, const std::string& value) {
  static std::map<std::string, std::string> expected;
  auto [it, fresh] = expected.try_emplace(key, value);
  if (!fresh && it->second != value) {
    state.SkipWithError(fmt::format("{}: {} differs from {}", key, value, it->second).c_str());
    return false;
  }
  return true;
}

// Memory-bandwidth floor: count the lines of transactions.csv in 2 MiB reads (what `wc -l` does).
void BM_byte_scan(benchmark::State& state) {
  const auto dir = data_dir(state.range(0), state.range(1));
  const auto path = (fs::path(dir) / "transactions.csv").string();
  std::vector<char> buf(std::size_t{2} << 20);
  std::uint64_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;)
      lines += static_cast<std::uint64_t>(std::count(buf.data(), buf.data() + n, '\n'));
    std::fclose(f);
    if (!check(state, dir + "/lines", std::to_string(lines))) return;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file_bytes(dir)));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * (lines - 1)));
}

// CSV files to columnar tables (read_dataset).
void BM_csv_to_columns(benchmark::State& state) {
  const auto dir = data_dir(state.range(0), state.range(1));
  std::size_t rows = 0;
  for (auto _ : state) {
    icm::diagnostics diags;
    auto data = icm::read_dataset(dir, diags);
    if (!data) return state.SkipWithError("read failed");
    rows = data->transactions.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file_bytes(dir)));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["maxrss_MiB"] = max_rss_mib();
}

// Loaded data, bound once per benchmark (kept across its runs).
struct loaded {
  icm::dataset data;
  std::optional<icm::eval::bound_run> bound;
};
loaded& load(const std::string& dir, const icm::plan& plan) {
  static std::map<std::string, std::unique_ptr<loaded>> cache;
  auto& slot = cache[dir];
  if (!slot) {
    cache.clear();  // one data set in memory at a time
    auto& fresh = cache[dir];
    icm::diagnostics diags;
    auto data = icm::read_dataset(dir, diags);
    if (!data) std::abort();
    fresh = std::make_unique<loaded>(loaded{std::move(*data), std::nullopt});
    fresh->bound = icm::eval::bind_run(plan.impl().compiled, fresh->data, diags);
    return *fresh;
  }
  return *slot;
}

// Crediting and aggregation on loaded columns: range(2) threads.
void BM_crediting(benchmark::State& state) {
  const auto dir = data_dir(state.range(0), state.range(1));
  const auto& plan = reference("marginal");
  auto& l = load(dir, plan);
  const auto& cp = plan.impl().compiled;
  for (auto _ : state) {
    icm::diagnostics diags;
    icm::eval::crediting_context ctx{cp, l.data, l.bound->calendar, l.bound->on_plan,
                                     static_cast<unsigned>(state.range(2))};
    auto credits = icm::eval::credit_transactions(ctx, diags);
    const auto& t = credits.totals;
    if (!check(state, dir + "/credited",
               fmt::format("{} {} {}", t.credited.count, t.credits, t.credited.amount.begin()->second)))
      return;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * l.data.transactions.size()));
  state.counters["threads"] = static_cast<double>(state.range(2));
}

// Measures, components and ledger of every payee, after crediting.
void BM_components(benchmark::State& state) {
  const auto dir = data_dir(state.range(0), state.range(1));
  const auto& plan = reference("marginal");
  auto& l = load(dir, plan);
  const auto& cp = plan.impl().compiled;
  icm::diagnostics diags;
  icm::eval::crediting_context ctx{cp, l.data, l.bound->calendar, l.bound->on_plan, 1};
  auto credits = icm::eval::credit_transactions(ctx, diags);
  std::size_t periods = 0;
  for (auto _ : state) {
    icm::run_result r;
    icm::eval::evaluate_payees(cp, l.data, *l.bound, credits, static_cast<unsigned>(state.range(2)), r, diags);
    periods = r.totals.payee_periods;
    if (!check(state, dir + "/paid", r.totals.total_paid.to_string())) return;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * periods));
  state.counters["threads"] = static_cast<double>(state.range(2));
}

// CSV files to payouts, streamed: range(3) 0 marginal / 1 step, range(2) threads.
void BM_run_files(benchmark::State& state) {
  const auto dir = data_dir(state.range(0), state.range(1));
  const std::string variant = state.range(3) == 0 ? "marginal" : "step";
  const auto& plan = reference(variant);
  for (auto _ : state) {
    icm::diagnostics diags;
    auto r = icm::run_files(plan, dir, diags, {static_cast<unsigned>(state.range(2))});
    if (!r) return state.SkipWithError("run failed");
    if (!check(state, dir + "/" + variant, r->totals.total_paid.to_string())) return;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file_bytes(dir)));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * state.range(1)));
  state.counters["threads"] = static_cast<double>(state.range(2));
  state.counters["maxrss_MiB"] = max_rss_mib();
}

}  // namespace

BENCHMARK(BM_byte_scan)->Args({10000, 1000000})->Args({10000, 10000000})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_csv_to_columns)->Args({10000, 1000000})->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_crediting)
    ->Args({10000, 1000000, 1})
    ->Args({10000, 1000000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_components)->Args({10000, 1000000, 1})->Args({10000, 1000000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_run_files)
    ->ArgsProduct({{10000, 100000}, {1000000, 10000000}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

BENCHMARK_MAIN();
