// icm check, icm run, icm explain: the plan-facing commands.
#include <algorithm>  // std::count_if
#include <chrono>   // elapsed time of a run (a timing, not money)
#include <cstdio>   // std::fputs
#include <fmt/format.h>

#include "cli.hpp"
#include "icm/icm.hpp"

namespace icm::cli {

void print_diagnostics(const icm::diagnostics& diags, std::string_view source) {
  for (const auto& d : diags) {
    // Plan diagnostics get their source line and caret; data diagnostics
    // (another file, or a payee and period) just their headline.
    std::fputs(icm::render(d, d.where.line > 0 && d.payee.empty() ? source : std::string_view{}).c_str(), stderr);
  }
  if (diags.error_count() > 1) std::fputs(fmt::format("{} errors\n", diags.error_count()).c_str(), stderr);
}

namespace {

// The plan, with every diagnostic printed against its own text.
std::optional<icm::plan> load_plan(const std::string& path) {
  icm::diagnostics diags;
  auto plan = icm::plan::load_file(path, diags);
  if (!plan) {
    // Re-read the text for carets: load_file does not hand it back on error.
    std::string text;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      char buf[65536];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    print_diagnostics(diags, text);
  } else if (!diags.empty()) {
    print_diagnostics(diags, plan->source());
  }
  return plan;
}

struct common_options {
  std::string plan, data, out, payee, period, threads, rejects;
  bool json = false;
  bool timings = false;
};

// Parses the options a command accepts (`allowed` names them); the first
// bare argument is the plan.
int parse_options(std::string_view command, args_t args, std::initializer_list<std::string_view> allowed,
                  common_options& o) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    bool matched = false;
    const std::pair<std::string_view, std::string*> valued[] = {
        {"--data", &o.data},   {"--out", &o.out},         {"--payee", &o.payee},
        {"--period", &o.period}, {"--threads", &o.threads}, {"--rejects", &o.rejects}};
    for (const auto& [name, target] : valued) {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) continue;
      if (option_value(args, i, name, *target)) {
        matched = true;
        break;
      }
      if (a == name) return usage_error(fmt::format("{}: {} needs a value", command, name));
    }
    if (matched) continue;
    if (a == "--json" && std::find(allowed.begin(), allowed.end(), "--json") != allowed.end()) {
      o.json = true;
      continue;
    }
    if (a == "--timings" && std::find(allowed.begin(), allowed.end(), "--timings") != allowed.end()) {
      o.timings = true;
      continue;
    }
    if (!a.empty() && a[0] == '-') return usage_error(fmt::format("{}: unknown option '{}'", command, a));
    if (!o.plan.empty()) return usage_error(fmt::format("{}: one plan at a time ('{}' and '{}')", command, o.plan, a));
    o.plan = std::string(a);
  }
  if (o.plan.empty()) return usage_error(fmt::format("{}: which plan? (icm {} PLAN ...)", command, command));
  return 0;
}

// RFC 4180 quoting for a field that needs it.
std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// The rejects file of a permissive run: one row per row set aside, in file
// then line order. A split row's reason names splits.csv (its line is a
// splits.csv line).
std::string rejects_csv(const std::vector<icm::rejected_row>& rows) {
  std::string out = "line,txn_id,reason\n";
  for (const auto& r : rows) {
    const std::string reason = r.file == "transactions.csv" ? r.reason : fmt::format("{}: {}", r.file, r.reason);
    out += fmt::format("{},{},{}\n", r.line, csv_field(r.txn_id), csv_field(reason));
  }
  return out;
}

std::optional<unsigned> parse_threads(const std::string& text) {
  if (text.empty()) return 0u;
  if (text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return static_cast<unsigned>(std::stoul(text));
}

}  // namespace

int run_check(args_t args) {
  common_options o;
  if (int rc = parse_options("check", args, {}, o)) return rc;
  auto plan = load_plan(o.plan);
  if (!plan) return 1;
  std::fputs(fmt::format("{}: plan '{}' is correct: {} components, {} {} periods of {}\n", o.plan, plan->name(),
                         plan->component_names().size(), plan->currency(), to_string(plan->unit()), plan->year())
                 .c_str(),
             stdout);
  return 0;
}

int run_run(args_t args) {
  common_options o;
  if (int rc = parse_options("run", args, {"--data", "--out", "--threads", "--rejects", "--timings"}, o)) return rc;
  if (o.data.empty()) return usage_error("run: --data DIR is required");
  auto threads = parse_threads(o.threads);
  if (!threads) return usage_error(fmt::format("run: --threads takes a whole number, not '{}'", o.threads));
  const auto start = std::chrono::steady_clock::now();
  auto plan = load_plan(o.plan);
  if (!plan) return 1;
  icm::diagnostics diags;
  icm::run_options options;
  options.threads = *threads;
  std::optional<icm::dataset> data;  // set by a permissive run only
  std::optional<icm::run_result> result;
  if (o.rejects.empty()) {
    // Streamed: memory grows with payees, not with transactions.
    result = icm::run_files(*plan, o.data, diags, options);
  } else {
    // Setting rows aside needs the whole table (a later duplicate txn_id is
    // only known as such once every row has been seen), so a permissive run
    // reads the data set into memory first.
    icm::read_options read;
    read.permissive = true;
    data = icm::read_dataset(o.data, diags, read);
    if (data) result = icm::run(*plan, *data, diags, options);
  }
  if (!result) {
    print_diagnostics(diags);
    std::fputs(fmt::format("{} error{}: nothing was written\n", diags.error_count(),
                           diags.error_count() == 1 ? "" : "s")
                   .c_str(),
               stderr);
    return 1;
  }
  if (!o.out.empty()) {
    const auto writing = std::chrono::steady_clock::now();
    if (!icm::write_outputs(*result, o.out, diags, options.threads)) {
      print_diagnostics(diags);
      return 1;
    }
    result->phases.push_back({"write outputs", std::chrono::steady_clock::now() - writing});
  }
  if (!o.rejects.empty() && !icm::write_file_atomically(o.rejects, rejects_csv(data->rejected), diags)) {
    print_diagnostics(diags);
    return 1;
  }
  if (o.out.empty()) {
    // No output folder: the payouts go to the terminal.
    std::string table = fmt::format("{:<12} {:<8} {:<26} {:>16} {}\n", "payee_id", "period", "component", "amount",
                                    "currency");
    for (const auto& l : result->payouts)
      table += fmt::format("{:<12} {:<8} {:<26} {:>16} {}\n", l.payee_id, to_string(l.when), l.component,
                           l.amount.to_string(), l.currency);
    std::fputs(table.c_str(), stdout);
    std::fputs("\n", stdout);
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::string summary = fmt::format("plan '{}' over {}\n", plan->name(), o.data);
  summary += icm::format_control_totals(result->totals);
  for (const auto& b : result->balances)
    summary += fmt::format("open balance at year end: payee {} owes {} {} ({} balance)\n", b.payee_id, b.amount,
                           plan->currency(), b.kind);
  if (!o.out.empty()) summary += fmt::format("wrote {}/payouts.csv, measures.csv, control_totals.csv\n", o.out);
  if (!o.rejects.empty()) {
    const auto splits = static_cast<std::size_t>(std::count_if(
        data->rejected.begin(), data->rejected.end(), [](const auto& r) { return r.file == "splits.csv"; }));
    const auto rows = data->rejected.size() - splits;
    summary += fmt::format("{} transaction row{} rejected", rows, rows == 1 ? "" : "s");
    if (splits > 0) summary += fmt::format(" (and {} split row{} of them)", splits, splits == 1 ? "" : "s");
    summary += fmt::format(", written to {}\n", o.rejects);
  }
  if (o.timings)
    for (const auto& phase : result->phases)
      summary += fmt::format("  {:<26} {:>8} ms\n", phase.name,
                             std::chrono::duration_cast<std::chrono::milliseconds>(phase.elapsed).count());
  summary += fmt::format("time {}.{:03} s\n", ms.count() / 1000, ms.count() % 1000);
  std::fputs(summary.c_str(), stdout);
  return 0;
}

int run_explain(args_t args) {
  common_options o;
  if (int rc = parse_options("explain", args, {"--data", "--payee", "--period", "--json"}, o)) return rc;
  if (o.data.empty()) return usage_error("explain: --data DIR is required");
  if (o.payee.empty()) return usage_error("explain: --payee ID is required");
  if (o.period.empty()) return usage_error("explain: --period P is required (e.g. 2026-Q2)");
  auto when = icm::parse_period(o.period);
  if (!when) return usage_error(fmt::format("explain: bad period '{}' (expected 2026-Q2, 2026-03 or 2026)", o.period));
  auto plan = load_plan(o.plan);
  if (!plan) return 1;
  icm::diagnostics diags;
  auto data = icm::read_dataset(o.data, diags);
  std::optional<icm::explanation> why;
  if (data) why = icm::explain(*plan, *data, o.payee, *when, diags);
  if (!why) {
    print_diagnostics(diags);
    return 1;
  }
  std::fputs((o.json ? icm::render_explanation_json(*why) : icm::render_explanation(*why)).c_str(), stdout);
  return 0;
}

}  // namespace icm::cli
