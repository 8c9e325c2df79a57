// icm - the command-line tool.
//
// One executable with subcommands (git style). Each subcommand is a function
// taking its own arguments and returning the exit status: 0 success, 1 the
// input had errors (diagnostics on stderr), 2 a usage error. Add a command by
// adding a row to `commands` below.
#include <cstdio>       // std::fputs
#include <algorithm>    // std::count
#include <map>          // ordered totals
#include <span>         // arguments
#include <string>       // paths
#include <string_view>  // arguments

#include <fmt/format.h>

#include "cli.hpp"
#include "icm/calendar.hpp"
#include "icm/data.hpp"
#include "icm/report.hpp"  // format_currency_amount
#include "icm/decimal.hpp"
#include "icm/diagnostics.hpp"

namespace icm::cli {

struct command {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
  int (*run)(args_t args);
};



constexpr command commands[] = {
    {"check", "PLAN", "check a plan: every error with its place", run_check},
    {"run", "PLAN --data DIR [--out DIR] [--threads N] [--rejects FILE] [--timings]",
     "compute payouts and control totals\n"
     "      --rejects FILE  set bad transactions.csv rows (bad number or date, wrong field count,\n"
     "                      unknown payee, repeated txn_id) and their split rows aside into FILE\n"
     "                      (CSV: line,txn_id,reason) instead of failing; the control totals\n"
     "                      count them as rejected. Without it any bad row fails the run.\n"
     "      --timings       also print the wall time of each stage (reading, streaming,\n"
     "                      evaluating, writing), for sizing a batch.",
     run_run},
    {"explain", "PLAN --data DIR --payee ID --period P [--json]", "explain one payee's payout", run_explain},
    {"validate", "--data DIR", "read a data set and print its control totals", run_validate},
};

void print_usage(std::FILE* to) {
  std::string text =
      "usage: icm <command> [options]\n"
      "       icm --help | --version\n\n"
      "commands:\n";
  for (const auto& c : commands)
    text += fmt::format("  {}\n      {}\n", fmt::format("{} {}", c.name, c.synopsis), c.summary);
  std::fputs(text.c_str(), to);
}

int usage_error(std::string_view message) {
  std::fputs(fmt::format("icm: {}\n\n", message).c_str(), stderr);
  print_usage(stderr);
  return 2;
}

// Reads "--name VALUE" or "--name=VALUE" at args[i]; advances i past it.
bool option_value(args_t args, std::size_t& i, std::string_view name, std::string& value) {
  const std::string_view a = args[i];
  if (a == name) {
    if (i + 1 >= args.size()) return false;
    value = std::string(args[++i]);
    return true;
  }
  if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=') {
    value = std::string(a.substr(name.size() + 1));
    return true;
  }
  return false;
}

void print_diagnostics(const icm::diagnostics& diags) {
  for (const auto& d : diags) std::fputs((d.headline() + "\n").c_str(), stderr);
}

// ---- icm validate -----------------------------------------------------------

int run_validate(args_t args) {
  std::string directory;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (option_value(args, i, "--data", directory)) continue;
    if (args[i] == "--data") return usage_error("validate: --data needs a directory");
    return usage_error(fmt::format("validate: unknown argument '{}'", args[i]));
  }
  if (directory.empty()) return usage_error("validate: --data DIR is required");

  icm::diagnostics diags;
  auto data = icm::read_dataset(directory, diags);
  print_diagnostics(diags);  // warnings too, when the data set is good
  if (!data) return 1;

  const auto& t = data->transactions;
  std::string out = fmt::format("data set {}\n", directory);
  out += "rows\n";
  const std::pair<std::string_view, std::size_t> rows[] = {
      {"payees.csv", data->payees.size()}, {"transactions.csv", t.size()},
      {"quotas.csv", data->quotas.size()}, {"splits.csv", data->splits.size()},
      {"fx.csv", data->fx.size()}};
  for (const auto& [file, n] : rows) out += fmt::format("  {:<18}{:>12}\n", file, n);

  std::vector<bool> has_transactions(data->payees.size(), false);
  for (std::uint32_t p : t.payee) has_transactions[p] = true;
  const auto active = std::count(has_transactions.begin(), has_transactions.end(), true);
  out += fmt::format("payees\n  {:<18}{:>12}\n  {:<18}{:>12}\n", "distinct", data->payees.size(),
                     "with transactions", active);

  std::map<icm::period, std::size_t> per_quarter;
  for (std::int32_t day : t.date)
    ++per_quarter[icm::period_containing(icm::date{day}, icm::period_unit::quarter)];
  out += "transactions by quarter\n";
  for (const auto& [quarter, n] : per_quarter)
    out += fmt::format("  {:<18}{:>12}\n", icm::to_string(quarter), n);

  // Exact sums per currency ("" is the plan currency: no currency column or
  // an empty cell), at the amount column's scale.
  struct currency_total {
    icm::decimal sum{0, 0};
    std::size_t rows = 0;
  };
  std::map<std::string, currency_total> per_currency;
  for (std::size_t r = 0; r < t.size(); ++r) {
    const std::uint32_t code = t.has_currency_column ? t.currency[r] : 0;
    auto& total = per_currency[std::string(data->strings.view(code))];
    total.sum += t.amount_of(r);
    ++total.rows;
  }
  out += "amounts by currency\n";
  for (const auto& [code, total] : per_currency) {
    out += fmt::format("  {:<18}{:>24}  ({} rows)\n", code.empty() ? "(plan currency)" : code,
                       code.empty() ? total.sum.with_scale(t.amount_scale).to_string()
                                    : icm::format_currency_amount(code, total.sum),
                       total.rows);
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace icm::cli

int main(int argc, char** argv) {
  using namespace icm::cli;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("missing command");
  const std::string_view first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(stdout);
    return 0;
  }
  if (first == "--version") {
    std::fputs("icm " ICM_VERSION_STRING "\n", stdout);
    return 0;
  }
  for (const auto& c : commands) {
    if (c.name != first) continue;
    const args_t rest(args.data() + 1, args.size() - 1);
    for (std::string_view a : rest) {
      if (a == "--help" || a == "-h") {
        std::fputs(fmt::format("usage: icm {} {}\n  {}\n", c.name, c.synopsis, c.summary).c_str(),
                   stdout);
        return 0;
      }
    }
    try {
      return c.run(rest);
    } catch (const std::exception& e) {
      // A bug, not bad input: still a message rather than a crash.
      std::fputs(fmt::format("icm: internal error: {}\n", e.what()).c_str(), stderr);
      return 3;
    }
  }
  return usage_error(fmt::format("unknown command '{}'", first));
}
