// icm-generate: writes the reference plan's input CSV files (spec sections 1
// and 9) for benchmarks and cross-checks. See README.md beside this file.
//
//   icm-generate --out bench/data/100k --payees 1000 --transactions 100000 --seed 7
#include <charconv>     // std::from_chars
#include <chrono>       // elapsed time in the summary
#include <cstdio>       // std::fprintf
#include <exception>    // std::exception
#include <string>       // option values
#include <string_view>  // argument matching

#include "generator.hpp"

namespace {

constexpr const char* usage =
    "usage: icm-generate --out DIR --payees N --transactions M [--seed S] [--year YYYY]\n"
    "                    [--no-splits]\n"
    "Writes payees.csv, quotas.csv, fx.csv, transactions.csv and splits.csv into DIR:\n"
    "N random payees plus 10 edge payees, M random transactions plus 13 edge ones.\n"
    "The same arguments always give the same bytes.\n";

struct bad_usage {
  std::string message;
};

template <typename Int>
Int parse_number(std::string_view option, std::string_view text) {
  Int value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw bad_usage{std::string(option) + " expects a non-negative integer, got '" +
                    std::string(text) + "'"};
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  icm::gen::generator_options options;
  std::string out_dir;
  bool has_payees = false;
  bool has_transactions = false;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        std::fputs(usage, stdout);
        return 0;
      }
      if (arg == "--no-splits") {
        options.splits = false;
        continue;
      }
      // --name value or --name=value
      std::string_view value;
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        throw bad_usage{std::string(arg) + " expects a value"};
      }
      if (arg == "--out") {
        out_dir = value;
      } else if (arg == "--payees") {
        options.payees = parse_number<std::uint64_t>(arg, value);
        has_payees = true;
      } else if (arg == "--transactions") {
        options.transactions = parse_number<std::uint64_t>(arg, value);
        has_transactions = true;
      } else if (arg == "--seed") {
        options.seed = parse_number<std::uint64_t>(arg, value);
      } else if (arg == "--year") {
        options.year = parse_number<int>(arg, value);
      } else {
        throw bad_usage{"unknown option '" + std::string(arg) + "'"};
      }
    }
    if (out_dir.empty()) throw bad_usage{"--out DIR is required"};
    if (!has_payees) throw bad_usage{"--payees N is required"};
    if (!has_transactions) throw bad_usage{"--transactions M is required"};
  } catch (const bad_usage& e) {
    std::fprintf(stderr, "icm-generate: error: %s\n%s", e.message.c_str(), usage);
    return 2;
  }

  try {
    const auto start = std::chrono::steady_clock::now();
    const auto counts = icm::gen::write_directory(options, out_dir);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    std::fprintf(stderr,
                 "icm-generate: %s: %llu payees, %llu quotas, %llu fx rates, %llu transactions, "
                 "%llu split rows in %lld ms\n",
                 out_dir.c_str(), static_cast<unsigned long long>(counts.payees),
                 static_cast<unsigned long long>(counts.quotas),
                 static_cast<unsigned long long>(counts.fx_rates),
                 static_cast<unsigned long long>(counts.transactions),
                 static_cast<unsigned long long>(counts.splits), static_cast<long long>(ms));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "icm-generate: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
