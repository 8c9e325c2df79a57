// read_dataset: the five input files into columnar tables, with every error
// placed at file:line:column.
//
// Order matters only for references: payees first (transactions, quotas and
// splits name payees), then transactions (splits name txn_ids). A row with a
// bad cell is still stored (with a default in that cell) when its key is good,
// so that one mistake does not echo as "unknown payee" or "unknown txn_id" in
// the files that follow; since any error makes read_dataset return nullopt,
// those defaults are never seen by the engine. When a whole table could not be
// read (missing file or column), references to it are not checked at all.
#include <algorithm>   // std::count, std::sort
#include <deque>       // unescaped txn_ids (stable addresses)
#include <filesystem>  // is_directory, exists
#include <functional>  // set-aside handler of a permissive read
#include <map>         // duplicate detection keyed by (payee, period, metric)
#include <tuple>       // map keys

#include <fcntl.h>     // open
#include <sys/mman.h>  // mmap
#include <sys/stat.h>  // fstat
#include <unistd.h>    // read, close

#include <fmt/format.h>

#include "icm/data.hpp"
#include "icm/io/csv.hpp"
#include "io/dataset_rules.hpp"

namespace icm {

namespace {

namespace fs = std::filesystem;

// A cell as it appears in a message: quoted, and cut short when long.
using detail::shown;

// Errors of one file, in line order and capped so that a file with a
// systematic mistake does not bury the others. Line order, because some
// errors are only known after the last row (a duplicate txn_id, a split sum):
// the file's errors are kept (at most about twice the cap: the earliest by
// line) and reported when the file is done, as the streaming run does.
class file_errors {
 public:
  file_errors(diagnostics& diags, std::string path, std::size_t cap)
      : diags_(diags), path_(std::move(path)), cap_(cap) {}
  file_errors(const file_errors&) = delete;
  file_errors& operator=(const file_errors&) = delete;
  ~file_errors() {
    keep_earliest();
    for (auto& e : pending_) diags_.error({path_, e.line, e.column, e.length}, std::move(e.message));
    if (count_ > cap_)
      diags_.error({path_, 0, 0, 1}, fmt::format("and {} more errors in this file", count_ - cap_));
  }

  void at(std::uint32_t line, std::uint32_t column, std::uint32_t length, std::string message) {
    if (captured_ != nullptr) {
      captured_->push_back({column, std::move(message)});
      return;
    }
    ++count_;
    pending_.push_back({line, column, length, std::move(message)});
    if (pending_.size() >= 2 * cap_ + 16) keep_earliest();
  }
  // While `to` is set, errors go there (column, message) instead of into the
  // diagnostics: a permissive read collects one row's errors to set it aside.
  void capture(std::vector<std::pair<std::uint32_t, std::string>>* to) noexcept { captured_ = to; }
  void at(const csv::field& f, std::string message) {
    at(f.line, f.column, f.length, std::move(message));
  }
  void whole_file(std::string message) { at(0, 0, 1, std::move(message)); }
  void warning(std::uint32_t line, std::uint32_t column, std::string message) {
    diags_.warning({path_, line, column, 1}, std::move(message));
  }
  std::size_t count() const noexcept { return count_; }
  const std::string& path() const noexcept { return path_; }

 private:
  diagnostics& diags_;
  std::string path_;
  std::size_t cap_;
  struct pending_error {
    std::uint32_t line, column, length;
    std::string message;
  };
  // The first cap_ errors by (line, column); equal places keep their order.
  void keep_earliest() {
    std::stable_sort(pending_.begin(), pending_.end(), [](const pending_error& a, const pending_error& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    if (pending_.size() > cap_) pending_.resize(cap_);
  }

  std::size_t count_ = 0;
  std::vector<pending_error> pending_;
  std::vector<std::pair<std::uint32_t, std::string>>* captured_ = nullptr;
};

enum class presence { required, optional };

// The in-memory bytes of one file, or null when reading from disk.
const std::optional<std::string_view>* source(const dataset_texts* memory,
                                               std::optional<std::string_view> dataset_texts::*file) {
  return memory != nullptr ? &(memory->*file) : nullptr;
}

// One CSV file: its bytes, its header and a cursor over its good records.
class table_input {
 public:
  table_input(file_errors& errors, const read_options& options)
      : errors_(errors), options_(options) {}

  // Reads the file and its header. False when the file is absent (an error
  // only when required) or unreadable; the reasons are reported.
  //
  // `given` set: the file's bytes are already in memory (read_dataset over
  // dataset_texts) and nullopt in it means the file is absent; no file system
  // access at all.
  bool open(presence need, const std::optional<std::string_view>* given = nullptr) {
    std::error_code ec;
    const bool present = given != nullptr ? given->has_value() : fs::exists(errors_.path(), ec);
    if (!present) {
      if (need == presence::required)
        errors_.whole_file("file not found (a data set needs payees.csv and transactions.csv)");
      return false;
    }
    if (given != nullptr) {
      text_ = **given;
    } else if (!read_whole(errors_.path())) {
      errors_.whole_file("cannot read the file");
      return false;
    }
    return read_header();
  }

  // 0-based index of a column, or -1.
  int column(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return static_cast<int>(i);
    return -1;
  }

  // Checks that every one of `names` is a column; reports each that is not.
  bool require(std::initializer_list<std::string_view> required) {
    bool ok = true;
    for (std::string_view name : required) {
      if (column(name) >= 0) continue;
      std::string expected;
      for (std::string_view r : required) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", r);
      std::string found;
      for (const auto& n : names_) found += fmt::format("{}{}", found.empty() ? "" : ", ", n);
      errors_.at(1, 1, 1,
                 fmt::format("missing required column '{}' (expected columns {}; found {})", name,
                             expected, found));
      ok = false;
    }
    return ok;
  }

  // Warns about columns a fixed-format file does not use.
  void warn_unused(std::initializer_list<std::string_view> known) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (std::find(known.begin(), known.end(), names_[i]) != known.end()) continue;
      errors_.warning(1, header_[i].column,
                      fmt::format("column {} is not used and is ignored", shown(names_[i])));
    }
  }

  // The next well-formed record; malformed ones are reported and skipped.
  bool next() {
    for (;;) {
      switch (reader_->next(row_)) {
        case csv::status::record: return true;
        case csv::status::end: return false;
        case csv::status::error:
          if (set_aside_ && !reader_->last_error().fatal) {
            set_aside_(reader_->last_error(), row_);
            break;
          }
          report(reader_->last_error());
          if (reader_->last_error().fatal) {
            complete_ = false;
            return false;
          }
          break;
      }
    }
  }

  // A permissive read hands malformed records (a wrong field count, a stray
  // quote) to `handler` with the fields read so far, instead of reporting
  // them. Fatal errors are still reported.
  void set_aside_bad_records(
      std::function<void(const csv::error&, const csv::record&)> handler) {
    set_aside_ = std::move(handler);
  }

  const csv::record& row() const noexcept { return row_; }
  const csv::field& operator[](int column) const noexcept {
    return row_[static_cast<std::size_t>(column)];
  }
  const std::vector<std::string>& names() const noexcept { return names_; }
  std::string_view text() const noexcept { return text_; }
  // False when a fatal CSV error stopped reading before the end.
  bool complete() const noexcept { return complete_; }

 private:
  // Starts the CSV reader on text_ and checks the header's column names.
  bool read_header() {
    reader_.emplace(text_, csv::options{options_.max_field_length});
    if (reader_->read_header(header_) != csv::status::record) {
      report(reader_->last_error());
      return false;
    }
    for (const csv::field& f : header_) names_.emplace_back(f.text);
    auto problems = detail::header_problems(header_);
    for (auto& problem : problems) errors_.at(header_[problem.field], std::move(problem.message));
    return problems.empty();
  }

  // Maps the file (no copy out of the page cache); an empty file or a failed
  // map falls back to reading it into a string.
  bool read_whole(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    const auto size = ok ? static_cast<std::size_t>(st.st_size) : 0;
    if (ok && size > 0) {
      void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        mapped_ = mapping{p, size};
        text_ = std::string_view(static_cast<const char*>(p), size);
        ::close(fd);
        return true;
      }
      copy_.resize(size);
      std::size_t got = 0;
      while (ok && got < size) {
        const ::ssize_t n = ::read(fd, copy_.data() + got, size - got);
        if (n <= 0) ok = false;
        else got += static_cast<std::size_t>(n);
      }
    }
    ::close(fd);
    text_ = copy_;
    return ok;
  }
  void report(const csv::error& e) { errors_.at(e.line, e.column, e.length, e.message); }

  file_errors& errors_;
  const read_options& options_;
  struct mapping {
    void* address = nullptr;
    std::size_t size = 0;
    mapping() = default;
    mapping(void* a, std::size_t n) : address(a), size(n) {}
    mapping(const mapping&) = delete;
    mapping& operator=(const mapping&) = delete;
    mapping& operator=(mapping&& o) noexcept {
      std::swap(address, o.address);
      std::swap(size, o.size);
      return *this;
    }
    ~mapping() {
      if (address != nullptr) ::munmap(address, size);
    }
  };
  mapping mapped_;
  std::string copy_;       // the bytes when the file could not be mapped
  std::string_view text_;  // the file's bytes, mapped or copied
  std::optional<csv::reader> reader_;
  csv::record header_;
  csv::record row_;
  std::vector<std::string> names_;
  bool complete_ = true;
  std::function<void(const csv::error&, const csv::record&)> set_aside_;
};

// The columns of a table that are kept as interned text.
std::vector<attribute_column> attribute_columns(const table_input& in,
                                                std::initializer_list<std::string_view> typed,
                                                std::size_t rows) {
  std::vector<attribute_column> out;
  const auto& names = in.names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::find(typed.begin(), typed.end(), names[i]) != typed.end()) continue;
    out.push_back({names[i], static_cast<std::uint32_t>(i + 1), {}});
    out.back().values.reserve(rows);
  }
  return out;
}

void intern_attributes(const table_input& in, string_pool& strings,
                       std::vector<attribute_column>& columns) {
  for (auto& c : columns) c.values.push_back(strings.intern(in[static_cast<int>(c.column_number) - 1].text));
}

// decimal::parse with the error placed at the offending byte.
std::optional<decimal> parse_number(const csv::field& f, std::string_view what,
                                    file_errors& errors) {
  if (f.text.empty()) {
    errors.at(f, fmt::format("expected a number for {}, found an empty field", what));
    return std::nullopt;
  }
  decimal_syntax_error why;
  auto value = decimal::parse(f.text, &why);
  if (!value) {
    const auto offset = static_cast<std::uint32_t>(std::min(why.offset, f.text.size()));
    errors.at(f.line, f.column + (f.quoted ? 1 : 0) + offset, 1,
              fmt::format("bad number {} for {}: {}", shown(f.text), what, why.message));
  }
  return value;
}

std::optional<date> parse_date_field(const csv::field& f, std::string_view what,
                                     file_errors& errors) {
  auto d = parse_date(f.text);
  if (!d) {
    errors.at(f, fmt::format("bad date {} for {}: expected YYYY-MM-DD (a real calendar day)",
                             shown(f.text), what));
  }
  return d;
}

std::optional<period> parse_period_field(const csv::field& f, file_errors& errors) {
  auto p = parse_period(f.text);
  if (!p) {
    errors.at(f, fmt::format("bad period {}: expected a year (2026), a quarter (2026-Q1) or a "
                             "month (2026-03)",
                             shown(f.text)));
  }
  return p;
}

std::optional<std::uint32_t> currency_field(const csv::field& f, string_pool& strings,
                                            file_errors& errors) {
  if (!detail::is_currency_code(f.text)) {
    errors.at(f, fmt::format("bad currency {}: expected a three-letter ISO 4217 code such as EUR",
                             shown(f.text)));
    return std::nullopt;
  }
  return strings.intern(f.text);
}

// payee_id -> row through a string_pool: one flat probe with a hash
// fingerprint, quicker than the payee table's unordered_map on the hot path.
class payee_lookup {
 public:
  explicit payee_lookup(const payee_table& payees) {
    ids_.reserve(payees.size());
    for (std::uint32_t row = 0; row < payees.size(); ++row)
      if (ids_.intern(payees.ids[row]) == row_of_.size()) row_of_.push_back(row);
  }
  std::optional<std::uint32_t> find(std::string_view payee_id) const noexcept {
    auto id = ids_.find(payee_id);
    if (!id || *id == 0) return std::nullopt;
    return row_of_[*id];
  }

 private:
  string_pool ids_;
  std::vector<std::uint32_t> row_of_{no_payee};  // by id; id 0 ("") is no payee
};

std::optional<std::uint32_t> payee_reference(const csv::field& f, const payee_lookup& payees,
                                             bool payees_known, std::string_view role,
                                             file_errors& errors) {
  if (auto row = payees.find(f.text)) return row;
  if (payees_known) {
    errors.at(f, f.text.empty()
                     ? fmt::format("expected a {}, found an empty field", role)
                     : fmt::format("unknown {} {}: no such payee_id in payees.csv", role,
                                   shown(f.text)));
  }
  return std::nullopt;
}

// ---- payees.csv -------------------------------------------------------------

bool read_payees(dataset& ds, diagnostics& diags, const read_options& options,
                 const dataset_texts* memory) {
  file_errors errors(diags, ds.file_path("payees.csv"), options.max_errors_per_file);
  table_input in(errors, options);
  if (!in.open(presence::required, source(memory, &dataset_texts::payees)) ||
      !in.require({"payee_id"}))
    return false;

  const int c_id = in.column("payee_id"), c_manager = in.column("manager_id"),
            c_hire = in.column("hire_date"), c_end = in.column("end_date"),
            c_plan = in.column("plan"), c_target = in.column("target_incentive");
  payee_table& t = ds.payees;
  t.has_plan_column = c_plan >= 0;
  t.attributes = attribute_columns(in, {"payee_id", "manager_id", "hire_date", "end_date", "plan"}, 0);

  struct manager_ref {
    std::uint32_t row;
    std::string id;
    std::uint32_t line, column, length;
  };
  std::vector<manager_ref> managers;

  while (in.next()) {
    const csv::field& id = in[c_id];
    if (id.text.empty()) {
      errors.at(id, "expected a payee_id, found an empty field");
      continue;
    }
    if (auto first = t.find(id.text)) {
      errors.at(id, fmt::format("duplicate payee_id {} (first on line {})", shown(id.text),
                                t.line[*first]));
      continue;
    }
    const auto row = static_cast<std::uint32_t>(t.ids.size());
    t.ids.emplace_back(id.text);
    t.index.emplace(t.ids.back(), row);
    t.line.push_back(in.row().line());
    t.manager.push_back(no_payee);
    if (c_manager >= 0 && !in[c_manager].text.empty()) {
      const csv::field& m = in[c_manager];
      managers.push_back({row, std::string(m.text), m.line, m.column, m.length});
    }
    std::int32_t hire = no_date_before, end = no_date_after;
    if (c_hire >= 0 && !in[c_hire].text.empty())
      if (auto d = parse_date_field(in[c_hire], "hire_date", errors)) hire = d->days;
    if (c_end >= 0 && !in[c_end].text.empty()) {
      if (auto d = parse_date_field(in[c_end], "end_date", errors)) {
        end = d->days;
        if (!detail::is_valid_employment(hire, end)) {
          errors.at(in[c_end], fmt::format("end_date {} is before hire_date {}", in[c_end].text,
                                           in[c_hire].text));
        }
      }
    }
    t.hire_date.push_back(hire);
    t.end_date.push_back(end);
    t.plan.push_back(c_plan >= 0 ? ds.strings.intern(in[c_plan].text) : 0);
    // target_incentive stays text like any attribute, but a bad number is
    // caught here, where its place is known.
    if (c_target >= 0 && !in[c_target].text.empty())
      parse_number(in[c_target], "target_incentive", errors);
    intern_attributes(in, ds.strings, t.attributes);
  }

  for (const auto& m : managers) {
    if (auto row = t.find(m.id)) {
      t.manager[m.row] = *row;
    } else {
      errors.at(m.line, m.column, m.length,
                fmt::format("unknown manager_id {}: no such payee_id in payees.csv", shown(m.id)));
    }
  }
  return in.complete();
}

// ---- transactions.csv -------------------------------------------------------


// Drops the rows marked in `drop` from every column of `t` and renumbers the
// rows in `row_of_id` (which names kept rows only).
void remove_rows(transaction_table& t, const std::vector<bool>& drop,
                 std::vector<std::uint32_t>& row_of_id) {
  std::vector<std::uint32_t> new_row(t.size(), no_payee);
  std::uint32_t kept = 0;
  for (std::size_t r = 0; r < t.size(); ++r)
    if (!drop[r]) new_row[r] = kept++;
  const auto compact = [&](auto& column) {
    if (column.empty()) return;  // an absent optional column (currency)
    for (std::size_t r = 0; r < drop.size(); ++r)
      if (!drop[r]) column[new_row[r]] = column[r];
    column.resize(kept);
  };
  compact(t.txn_id);
  compact(t.date);
  compact(t.payee);
  compact(t.amount);
  compact(t.currency);
  compact(t.line);
  for (auto& a : t.attributes) compact(a.values);
  for (std::size_t k = 1; k < row_of_id.size(); ++k) row_of_id[k] = new_row[row_of_id[k]];
}

struct transaction_reader {
  dataset& ds;
  file_errors& errors;
  std::vector<std::uint32_t>& txn_row_of_id;  // by txn_ids id; index 0 unused
  bool payees_known;

  // Brings `coefficient` at `scale` to the column's scale, growing the column's
  // scale (and rescaling earlier rows) when this amount has more digits.
  bool place_amount(const csv::field& f, std::int64_t coefficient, int scale,
                    std::int64_t& out) {
    transaction_table& t = ds.transactions;
    using outcome = detail::placed_amount::outcome;
    const auto placed = detail::place_amount(t, coefficient, scale, out);
    if (placed.result == outcome::earlier_row_out_of_range) {
      errors.at(f, fmt::format("amount out of range: with {} fractional digits, the amount on "
                               "line {} no longer fits 64 bits",
                               scale, t.line[placed.row]));
      return false;
    }
    if (placed.result == outcome::out_of_range) {
      errors.at(f, fmt::format("amount out of range: {} at {} fractional digits does not fit 64 "
                               "bits",
                               shown(f.text), t.amount_scale));
      return false;
    }
    return true;
  }

  void amount(const csv::field& f, std::int64_t& out) {
    std::int64_t coefficient = 0;
    int scale = 0;
    switch (detail::parse_amount(f.text, coefficient, scale)) {
      case detail::amount_syntax::ok: place_amount(f, coefficient, scale, out); return;
      case detail::amount_syntax::too_large:
        errors.at(f, fmt::format("amount out of range: {} does not fit 64 bits", shown(f.text)));
        return;
      case detail::amount_syntax::too_precise: errors.at(f, detail::too_precise_message(f.text, scale)); return;
      case detail::amount_syntax::bad: parse_number(f, "amount", errors); return;
    }
  }
};

bool read_transactions(dataset& ds, diagnostics& diags, const read_options& options,
                       const dataset_texts* memory, bool payees_known, std::vector<std::uint32_t>& txn_row_of_id) {
  file_errors errors(diags, ds.file_path("transactions.csv"), options.max_errors_per_file);
  table_input in(errors, options);
  if (!in.open(presence::required, source(memory, &dataset_texts::transactions)) ||
      !in.require({"txn_id", "date", "payee_id", "amount"}))
    return false;

  const int c_id = in.column("txn_id"), c_date = in.column("date"),
            c_payee = in.column("payee_id"), c_amount = in.column("amount"),
            c_currency = in.column("currency");
  // One line per row is the common case: size the columns once.
  const auto rows = static_cast<std::size_t>(std::count(in.text().begin(), in.text().end(), '\n'));
  transaction_table& t = ds.transactions;
  t.has_currency_column = c_currency >= 0;
  t.attributes =
      attribute_columns(in, {"txn_id", "date", "payee_id", "amount", "currency"}, rows);
  t.txn_id.reserve(rows);
  t.date.reserve(rows);
  t.payee.reserve(rows);
  t.amount.reserve(rows);
  t.line.reserve(rows);
  if (t.has_currency_column) t.currency.reserve(rows);
  txn_row_of_id.reserve(rows + 1);

  std::vector<std::string_view> id_texts;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> id_places;  // column, length
  std::deque<std::string> unescaped_ids;
  std::vector<std::uint64_t> id_hashes;
  id_texts.reserve(rows);
  id_hashes.reserve(rows);
  id_places.reserve(rows);
  const payee_lookup payees(ds.payees);
  transaction_reader r{ds, errors, txn_row_of_id, payees_known};

  // Permissive: a row's errors are collected while it is read; a row with any
  // is set aside (dataset::rejected) and not added to the table.
  std::vector<std::pair<std::uint32_t, std::string>> row_errors;
  const auto set_aside = [&](std::uint32_t line, std::string reason, std::string txn_id,
                             std::string currency, std::string amount) {
    ds.rejected.push_back({"transactions.csv", line, std::move(reason), std::move(txn_id),
                           std::move(currency), std::move(amount)});
  };
  const auto cell = [](const csv::record& rec, int column) {
    const auto c = static_cast<std::size_t>(column);
    return column >= 0 && c < rec.size() ? std::string(rec[c].text) : std::string();
  };
  if (options.permissive) {
    in.set_aside_bad_records([&](const csv::error& e, const csv::record& rec) {
      set_aside(e.line, fmt::format("column {}: {}", e.column, e.message), cell(rec, c_id),
                cell(rec, c_currency), cell(rec, c_amount));
    });
  }

  const auto read_row = [&] {
    const csv::field& id = in[c_id];
    if (id.text.empty()) {
      errors.at(id, "expected a txn_id, found an empty field");
      return;
    }
    const csv::field& day = in[c_date];
    auto d = parse_date(day.text);
    if (!d) parse_date_field(day, "date", errors);
    auto payee = payee_reference(in[c_payee], payees, payees_known, "payee_id", errors);
    std::int64_t amount = 0;
    r.amount(in[c_amount], amount);
    std::optional<std::uint32_t> code = 0;
    if (t.has_currency_column && !in[c_currency].text.empty())
      code = currency_field(in[c_currency], ds.strings, errors);
    if (!row_errors.empty()) return;  // set aside (permissive); strict reads store the row

    // Interned after the loop, all at once (see below). A view into the file
    // stays valid; an unescaped one lives in the record and is copied.
    std::string_view key = id.text;
    if (key.data() < in.text().data() || key.data() >= in.text().data() + in.text().size())
      key = unescaped_ids.emplace_back(key);
    id_texts.push_back(key);
    id_hashes.push_back(string_pool::hash(key));
    id_places.push_back({id.column, id.length});
    t.txn_id.push_back(0);
    t.line.push_back(in.row().line());
    t.date.push_back(d ? d->days : 0);
    t.payee.push_back(payee ? *payee : no_payee);
    t.amount.push_back(amount);
    if (t.has_currency_column) t.currency.push_back(code ? *code : 0);
    intern_attributes(in, ds.strings, t.attributes);
  };
  while (in.next()) {
    row_errors.clear();
    if (options.permissive) errors.capture(&row_errors);
    read_row();
    errors.capture(nullptr);
    if (row_errors.empty()) continue;
    std::string reason;
    for (const auto& [column, message] : row_errors)
      reason += fmt::format("{}column {}: {}", reason.empty() ? "" : "; ", column, message);
    set_aside(in.row().line(), std::move(reason), cell(in.row(), c_id), cell(in.row(), c_currency),
              cell(in.row(), c_amount));
  }

  // txn_ids in one batch: a million distinct ids make a table far larger than
  // the cache, and the batch fetches its slots ahead instead of waiting for
  // each. A duplicate stays in the table (the data set is rejected anyway);
  // references resolve to the first occurrence. A permissive read sets the
  // later rows aside instead.
  std::vector<std::uint32_t> ids;
  ds.txn_ids.intern_all(id_texts, id_hashes, ids);
  std::vector<bool> duplicate;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const std::uint32_t txn = ids[r];
    t.txn_id[r] = txn;
    if (txn < txn_row_of_id.size()) {
      std::string message = fmt::format("duplicate txn_id {} (first on line {})",
                                        shown(id_texts[r]), t.line[txn_row_of_id[txn]]);
      if (!options.permissive) {
        errors.at(t.line[r], id_places[r].first, id_places[r].second, std::move(message));
        continue;
      }
      duplicate.resize(ids.size(), false);
      duplicate[r] = true;
      set_aside(t.line[r], fmt::format("column {}: {}", id_places[r].first, message),
                std::string(id_texts[r]),
                std::string(t.has_currency_column ? ds.strings.view(t.currency[r]) : ""),
                decimal(t.amount[r], t.amount_scale).to_string());
      continue;
    }
    txn_row_of_id.push_back(static_cast<std::uint32_t>(r));
  }
  if (!duplicate.empty()) remove_rows(t, duplicate, txn_row_of_id);
  return in.complete();
}

// ---- quotas.csv -------------------------------------------------------------

void read_quotas(dataset& ds, diagnostics& diags, const read_options& options,
                 const dataset_texts* memory, bool payees_known) {
  file_errors errors(diags, ds.file_path("quotas.csv"), options.max_errors_per_file);
  table_input in(errors, options);
  if (!in.open(presence::optional, source(memory, &dataset_texts::quotas))) return;
  in.warn_unused({"payee_id", "period", "amount", "metric"});
  if (!in.require({"payee_id", "period", "amount"})) return;

  const int c_payee = in.column("payee_id"), c_period = in.column("period"),
            c_amount = in.column("amount"), c_metric = in.column("metric");
  const std::uint32_t default_metric = ds.strings.intern("quota");
  const payee_lookup payees(ds.payees);
  std::map<std::tuple<std::uint32_t, period, std::uint32_t>, std::uint32_t> first_line;
  quota_table& t = ds.quotas;
  while (in.next()) {
    auto payee = payee_reference(in[c_payee], payees, payees_known, "payee_id", errors);
    auto when = parse_period_field(in[c_period], errors);
    std::uint32_t metric = default_metric;
    if (c_metric >= 0 && !in[c_metric].text.empty()) metric = ds.strings.intern(in[c_metric].text);
    auto amount = parse_number(in[c_amount], "amount", errors);
    if (!payee || !when || !amount) continue;
    auto [at, fresh] = first_line.emplace(std::tuple{*payee, *when, metric}, in.row().line());
    if (!fresh) {
      errors.at(in[c_payee],
                fmt::format("duplicate quota for payee_id {}, period {}, metric '{}' (first on "
                            "line {})",
                            shown(in[c_payee].text), to_string(*when), ds.strings.view(metric),
                            at->second));
      continue;
    }
    t.payee.push_back(*payee);
    t.when.push_back(*when);
    t.metric.push_back(metric);
    t.amount.push_back(std::move(*amount));
    t.line.push_back(in.row().line());
  }
}

// ---- splits.csv -------------------------------------------------------------

void read_splits(dataset& ds, diagnostics& diags, const read_options& options,
                 const dataset_texts* memory, bool payees_known, bool txns_known,
                 const std::vector<std::uint32_t>& txn_row_of_id) {
  file_errors errors(diags, ds.file_path("splits.csv"), options.max_errors_per_file);
  table_input in(errors, options);
  if (!in.open(presence::optional, source(memory, &dataset_texts::splits))) return;
  in.warn_unused({"txn_id", "payee_id", "share"});
  if (!in.require({"txn_id", "payee_id", "share"})) return;

  const int c_txn = in.column("txn_id"), c_payee = in.column("payee_id"),
            c_share = in.column("share");
  split_table& t = ds.splits;
  const payee_lookup payees(ds.payees);
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> first_line;
  std::vector<std::uint32_t> share_column;  // per split row, for the sum error
  std::vector<bool> txn_had_bad_row(ds.transactions.size(), false);
  // Permissive: the txn_ids of rows set aside, whose split rows go aside too.
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> rejected_txn;
  for (const auto& rr : ds.rejected)
    if (rr.file == "transactions.csv" && !rr.txn_id.empty()) rejected_txn.emplace(rr.txn_id, rr.line);

  while (in.next()) {
    const csv::field& id = in[c_txn];
    std::optional<std::uint32_t> txn;
    if (auto k = ds.txn_ids.find(id.text); k && *k != 0 && *k < txn_row_of_id.size()) {
      txn = txn_row_of_id[*k];
    } else if (auto aside = rejected_txn.find(id.text); aside != rejected_txn.end()) {
      ds.rejected.push_back(
          {"splits.csv", in.row().line(),
           fmt::format("column {}: split row of txn_id {}, which was set aside (transactions.csv "
                       "line {}); set aside too",
                       id.column, shown(id.text), aside->second),
           std::string(id.text), "", ""});
      continue;
    } else if (txns_known) {
      errors.at(id, id.text.empty()
                        ? std::string("expected a txn_id, found an empty field")
                        : fmt::format("unknown txn_id {}: no such txn_id in transactions.csv",
                                      shown(id.text)));
    }
    auto payee = payee_reference(in[c_payee], payees, payees_known, "payee_id", errors);
    const csv::field& s = in[c_share];
    auto share = parse_number(s, "share", errors);
    if (share && !detail::is_valid_share(*share)) {
      errors.at(s, fmt::format("share {} out of range: expected a fraction in (0, 1]", s.text));
      share.reset();
    }
    if (!txn) continue;
    if (!payee || !share) {
      txn_had_bad_row[*txn] = true;  // its sum would only repeat the error
      continue;
    }
    auto [at, fresh] = first_line.emplace(std::pair{*txn, *payee}, in.row().line());
    if (!fresh) {
      errors.at(in[c_payee],
                fmt::format("second split row for txn_id {} and payee_id {} (first on line {}); "
                            "one row per payee per transaction",
                            shown(id.text), shown(in[c_payee].text), at->second));
      txn_had_bad_row[*txn] = true;
      continue;
    }
    t.txn.push_back(*txn);
    t.payee.push_back(*payee);
    t.share.push_back(std::move(*share));
    t.line.push_back(in.row().line());
    share_column.push_back(s.column);
  }

  // Shares of one transaction sum to exactly 1.
  for (const auto& bad : detail::split_sums_not_one(t, txn_had_bad_row)) {
    std::string lines;
    for (std::size_t k = 0; k < bad.rows.size(); ++k) {
      if (k == 10) {
        lines += ", ...";
        break;
      }
      lines += fmt::format("{}{}", k == 0 ? "" : ", ", t.line[bad.rows[k]]);
    }
    const std::uint32_t first = bad.rows.front();  // file order within the txn
    errors.at(t.line[first], share_column[first], 1,
              fmt::format("shares of txn_id '{}' sum to {}, expected exactly 1 (split rows on "
                          "lines {})",
                          ds.txn_ids.view(ds.transactions.txn_id[bad.txn]), bad.sum.to_string(),
                          lines));
  }
}

// ---- fx.csv -----------------------------------------------------------------

void read_fx(dataset& ds, diagnostics& diags, const read_options& options,
             const dataset_texts* memory) {
  file_errors errors(diags, ds.file_path("fx.csv"), options.max_errors_per_file);
  table_input in(errors, options);
  if (!in.open(presence::optional, source(memory, &dataset_texts::fx))) return;
  in.warn_unused({"currency", "period", "rate"});
  if (!in.require({"currency", "period", "rate"})) return;

  const int c_currency = in.column("currency"), c_period = in.column("period"),
            c_rate = in.column("rate");
  fx_table& t = ds.fx;
  std::map<std::pair<std::uint32_t, period>, std::uint32_t> first_line;
  while (in.next()) {
    auto currency = currency_field(in[c_currency], ds.strings, errors);
    auto when = parse_period_field(in[c_period], errors);
    auto rate = parse_number(in[c_rate], "rate", errors);
    if (rate && !detail::is_valid_rate(*rate)) {
      errors.at(in[c_rate], fmt::format("rate {} must be positive (plan-currency units per unit "
                                        "of {})",
                                        in[c_rate].text, in[c_currency].text));
      rate.reset();
    }
    if (!currency || !when || !rate) continue;
    auto [at, fresh] = first_line.emplace(std::pair{*currency, *when}, in.row().line());
    if (!fresh) {
      errors.at(in[c_currency], fmt::format("duplicate fx rate for {} in {} (first on line {})",
                                            in[c_currency].text, to_string(*when), at->second));
      continue;
    }
    t.currency.push_back(*currency);
    t.when.push_back(*when);
    t.rate.push_back(std::move(*rate));
    t.line.push_back(in.row().line());
  }
}

template <typename Columns>
const attribute_column* find_attribute(const Columns& columns, std::string_view name) noexcept {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

std::optional<std::uint32_t> payee_table::find(std::string_view payee_id) const {
  auto it = index.find(payee_id);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

const attribute_column* payee_table::attribute(std::string_view name) const noexcept {
  return find_attribute(attributes, name);
}

const attribute_column* transaction_table::attribute(std::string_view name) const noexcept {
  return find_attribute(attributes, name);
}

std::string dataset::file_path(std::string_view file) const {
  if (directory.empty()) return std::string(file);
  if (directory.back() == '/') return fmt::format("{}{}", directory, file);
  return fmt::format("{}/{}", directory, file);
}

namespace {

// Both entry points: `memory` null reads the files of ds.directory.
std::optional<dataset> read_all(dataset ds, diagnostics& diags, const read_options& options,
                                const dataset_texts* memory,
                                const std::function<void(const dataset&)>& after_payees = nullptr) {
  const std::size_t errors_before = diags.error_count();
  const bool payees_known = read_payees(ds, diags, options, memory);
  if (after_payees && payees_known && diags.error_count() == errors_before) after_payees(ds);
  std::vector<std::uint32_t> txn_row_of_id{no_payee};  // id 0 ("") is never a txn_id
  const bool txns_known = options.transactions &&
                          read_transactions(ds, diags, options, memory, payees_known, txn_row_of_id);
  read_quotas(ds, diags, options, memory, payees_known);
  if (options.transactions)
    read_splits(ds, diags, options, memory, payees_known, txns_known, txn_row_of_id);
  read_fx(ds, diags, options, memory);
  if (diags.error_count() > errors_before) return std::nullopt;
  std::stable_sort(ds.rejected.begin(), ds.rejected.end(), [](const auto& a, const auto& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  return ds;
}

}  // namespace

std::optional<dataset> read_dataset(const std::string& directory, diagnostics& diags,
                                    const read_options& options) {
  return detail::read_dataset_files(directory, diags, options, nullptr);
}

std::optional<dataset> detail::read_dataset_files(const std::string& directory, diagnostics& diags,
                                                  const read_options& options,
                                                  const std::function<void(const dataset&)>& after_payees) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    diags.error({directory, 0, 0, 1}, "data directory not found");
    return std::nullopt;
  }
  dataset ds;
  ds.directory = directory;
  return read_all(std::move(ds), diags, options, nullptr, after_payees);
}

std::optional<dataset> read_dataset(const dataset_texts& texts, diagnostics& diags,
                                    const read_options& options) {
  dataset ds;
  ds.directory = texts.name;
  return read_all(std::move(ds), diags, options, &texts);
}

}  // namespace icm
