// The output files of a run, written whole or not at all. See icm/report.hpp.
#include <fmt/format.h>

#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "check/checked_plan.hpp"  // currency_minor_digits
#include "icm/report.hpp"

namespace icm {

namespace {


// Appends s as one CSV field: RFC 4180 quoting only when it needs it.
void append_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A period's text, formatted once per period: a plan has a handful of
// periods, and lines come payee by payee through all of them (formatting
// each payee-period's text anew was a tenth of rendering the files).
class period_text {
 public:
  const std::string& operator()(const period& p) {
    for (const auto& [known, text] : texts_)
      if (known == p) return text;
    texts_.emplace_back(p, to_string(p));
    return texts_.back().second;
  }

 private:
  std::deque<std::pair<period, std::string>> texts_;  // deque: references stay valid as it grows
};

// The files are rendered into one string with appends (a stream insertion
// per field cost more than the text it wrote: 70 ms for 200,000 lines).
// Both have the same shape: payee_id, period, a name, two plain fields.
void append_line(std::string& out, std::string_view payee_id, const std::string& when, std::string_view name,
                 std::string_view fourth, std::string_view fifth) {
  append_field(out, payee_id);
  out += ',';
  out += when;
  out += ',';
  append_field(out, name);
  out += ',';
  out += fourth;
  out += ',';
  out += fifth;
  out += '\n';
}

std::string render_payouts(const run_result& result) {
  std::string out = "payee_id,period,component,amount,currency\n";
  out.reserve(result.payouts.size() * 40 + out.size());
  period_text when;
  for (const auto& l : result.payouts)
    append_line(out, l.payee_id, when(l.when), l.component, l.amount.to_string(), l.currency);
  return out;
}

std::string render_measures(const run_result& result) {
  std::string out = "payee_id,period,measure,scope,value\n";
  out.reserve(result.measures.size() * 40 + out.size());
  period_text when;
  for (const auto& m : result.measures) append_line(out, m.payee_id, when(m.when), m.name, m.scope, m.value);
  return out;
}

}  // namespace

void write_payouts_csv(const run_result& result, std::ostream& out) { out << render_payouts(result); }

void write_measures_csv(const run_result& result, std::ostream& out) { out << render_measures(result); }

void write_control_totals_csv(const run_result& result, std::ostream& out) {
  out << "class,reason,count,currency,amount\n";
  auto rows = [&](const char* cls, const char* reason, const transaction_tally& t) {
    if (t.amount.empty()) {
      out << cls << ',' << reason << ',' << t.count << ",,0\n";
      return;
    }
    bool first = true;
    for (const auto& [ccy, amount] : t.amount) {
      // The count stands on the first currency row only, so that a column
      // sum of counts is the number of transactions.
      out << cls << ',' << reason << ',' << (first ? t.count : 0) << ',' << ccy << ',' << format_currency_amount(ccy, amount) << '\n';
      first = false;
    }
  };
  const auto& c = result.totals;
  rows("read", "", c.read);
  rows("credited", "", c.credited);
  for (const auto& [reason, t] : c.uncredited) rows("uncredited", reason.c_str(), t);
  rows("rejected", "", c.rejected);
  out << "paid,," << c.payee_periods << ',' << c.currency << ',' << c.total_paid.to_string() << '\n';
}

// A sum of amounts as read is never rounded, so that the totals reconcile;
// it is only written at the minor unit when that is exact.
std::string format_currency_amount(std::string_view currency, const decimal& amount) {
  const auto digits = check::currency_minor_digits(currency);
  if (!digits) return amount.to_string();
  if (amount.scale() < *digits) return amount.with_scale(*digits).to_string();
  if (amount.scale() > *digits) {
    const decimal at_minor = amount.round(*digits);
    if (at_minor == amount) return at_minor.to_string();
  }
  return amount.to_string();
}

std::string format_control_totals(const control_totals& c) {
  auto amounts = [](const transaction_tally& t) {
    std::string a;
    for (const auto& [ccy, amount] : t.amount) a += fmt::format("  {} {}", format_currency_amount(ccy, amount), ccy);
    return a;
  };
  auto row = [&](const std::string& label, const transaction_tally& t) {
    return fmt::format("{:<34}{:>10}{}\n", label, t.count, amounts(t));
  };
  std::string s = row("transactions read", c.read);
  s += row("  credited", c.credited);
  for (const auto& [reason, t] : c.uncredited) s += row(fmt::format("  uncredited ({})", reason), t);
  s += row("  rejected", c.rejected);
  s += fmt::format("{:<34}{:>10}\n", "credits given", c.credits);
  s += fmt::format("{:<34}{:>10}\n", "payees evaluated", c.payees);
  s += fmt::format("{:<34}{:>10} {}\n", "total paid", c.total_paid.to_string(), c.currency);
  return s;
}

namespace {

// Writes `content` next to `target` under a temporary name; returns that
// name, or nothing (with a diagnostic, and no file left) when the write
// failed. Renaming it into place is the caller's step, so that several files
// can be completed before any of them replaces an older one.
std::optional<std::filesystem::path> write_temporary(const std::filesystem::path& target,
                                                     const std::string& content, diagnostics& diags) {
  namespace fs = std::filesystem;
  const fs::path tmp = target.parent_path() / fmt::format(".{}.tmp{}", target.filename().string(), ::getpid());
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.flush();
  if (out) return tmp;
  diags.error({target.string(), 0, 0, 0}, "cannot write the file (disk full or no permission?)");
  std::error_code ec;
  fs::remove(tmp, ec);
  return std::nullopt;
}

bool move_into_place(const std::filesystem::path& tmp, const std::filesystem::path& target, diagnostics& diags) {
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (!ec) return true;
  diags.error({target.string(), 0, 0, 0}, fmt::format("cannot move the file into place: {}", ec.message()));
  std::filesystem::remove(tmp, ec);
  return false;
}

// Each file to a temporary name; only when all are complete are they renamed.
bool write_all(const std::string& directory, const std::vector<std::pair<const char*, std::string>>& files,
               diagnostics& diags) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> temps;
  bool ok = true;
  for (const auto& [name, content] : files) {
    auto tmp = write_temporary(fs::path(directory) / name, content, diags);
    if (!tmp) {
      ok = false;
      break;
    }
    temps.push_back(*tmp);
  }
  for (std::size_t i = 0; ok && i < temps.size(); ++i)
    ok = move_into_place(temps[i], fs::path(directory) / files[i].first, diags);
  for (const auto& t : temps) fs::remove(t, ec);  // what was not moved
  return ok;
}

}  // namespace

bool write_file_atomically(const std::string& path, const std::string& content, diagnostics& diags) {
  auto tmp = write_temporary(path, content, diags);
  return tmp && move_into_place(*tmp, path, diags);
}

bool write_outputs(const run_result& result, const std::string& directory, diagnostics& diags, unsigned threads) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) {
    diags.error({directory, 0, 0, 0}, fmt::format("cannot create the output folder: {}", ec.message()));
    return false;
  }
  // Everything is rendered in memory first; then each file is written to a
  // temporary name, and only when all three are complete are they renamed.
  std::ostringstream totals;
  write_control_totals_csv(result, totals);
  // measures.csv (the larger file) on a thread of its own while payouts.csv
  // is rendered here: the two are independent, and at payroll scale each is
  // tens of milliseconds of a run's serial end.
  std::string measures;
  std::vector<std::pair<const char*, std::string>> files;  // in the order they are renamed into place
  files.reserve(3);
  const unsigned cores = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  if (cores > 1 && result.measures.size() > 4096) {
    std::exception_ptr failed;  // bad_alloc on the side thread, rethrown here
    std::thread side([&] {
      try {
        measures = render_measures(result);
      } catch (...) {
        failed = std::current_exception();
      }
    });
    std::string payouts;
    try {
      payouts = render_payouts(result);
    } catch (...) {
      side.join();
      throw;
    }
    side.join();
    if (failed) std::rethrow_exception(failed);
    files.emplace_back("payouts.csv", std::move(payouts));
  } else {
    files.emplace_back("payouts.csv", render_payouts(result));
    measures = render_measures(result);
  }
  // Moved in, not copied (an initializer list would copy megabytes of text).
  files.emplace_back("measures.csv", std::move(measures));
  files.emplace_back("control_totals.csv", totals.str());
  return write_all(directory, files, diags);
}

}  // namespace icm
