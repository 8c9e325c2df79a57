// dataset_builder: a data set from rows given in memory, checked by the same
// rules as read_dataset (io/dataset_rules.hpp), each error naming its row.
//
// Transactions go into the columns as they are added, because they are the
// table that grows to millions of rows; their payee_id is interned and
// resolved at build(), so that payees may come after their transactions.
// The small tables (payees, quotas, splits, fx) are kept as rows and built in
// read_dataset's order: payees, transactions, quotas, splits, fx.
#include "icm/dataset_builder.hpp"

#include <algorithm>  // std::find
#include <map>        // duplicate detection
#include <tuple>      // map keys
#include <utility>    // std::move

#include <fmt/format.h>

#include "io/dataset_rules.hpp"

namespace icm {

namespace {

// Errors of one table, capped like read_dataset's per file, so that a
// systematic mistake in a million rows yields a readable list.
constexpr std::size_t max_errors_per_table = 50;

class table_errors {
 public:
  table_errors(diagnostics& diags, std::string_view table, std::size_t already = 0)
      : diags_(diags), table_(table), count_(already) {}
  table_errors(const table_errors&) = delete;
  table_errors& operator=(const table_errors&) = delete;
  ~table_errors() {
    if (count_ > max_errors_per_table)
      diags_.error({}, fmt::format("and {} more errors in {}", count_ - max_errors_per_table,
                                   table_));
  }
  void add(std::string message) {
    if (++count_ <= max_errors_per_table) diags_.error({}, std::move(message));
  }

 private:
  diagnostics& diags_;
  std::string_view table_;
  std::size_t count_;
};

const std::string_view payee_fields[] = {"payee_id", "manager_id", "hire_date", "end_date", "plan"};
const std::string_view transaction_fields[] = {"txn_id", "date", "payee_id", "amount", "currency"};

// Attribute names are column names: not empty, not twice, not a typed field.
template <std::size_t N>
void check_attribute_names(const std::vector<std::string>& names,
                           const std::string_view (&fields)[N], std::string_view table,
                           std::string_view row_type, diagnostics& errors) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (name.empty()) {
      errors.error({}, fmt::format("{} attribute {}: empty name", table, i + 1));
    } else if (std::find(std::begin(fields), std::end(fields), name) != std::end(fields)) {
      errors.error({}, fmt::format("{} attribute '{}' is a field of {}, not an attribute", table,
                                   name, row_type));
    } else if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
               names.begin() + static_cast<std::ptrdiff_t>(i)) {
      errors.error({}, fmt::format("{} attribute '{}' declared twice", table, name));
    }
  }
}

// The columns after the typed ones, numbered as in a CSV file with the typed
// columns first.
std::vector<attribute_column> attribute_columns(const std::vector<std::string>& names,
                                                std::size_t typed_columns) {
  std::vector<attribute_column> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back({names[i], static_cast<std::uint32_t>(typed_columns + i + 1), {}});
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += fmt::format("{}{}", s.empty() ? "" : ", ", n);
  return s;
}

// "transaction T17" or, for a row without an id, "transaction row 3".
std::string row_name(std::string_view table, std::string_view id, std::size_t row) {
  if (id.empty()) return fmt::format("{} row {}", table, row + 1);
  return fmt::format("{} {}", table, id);
}

// A CSV line number for row `row` (0-based) of a table: the header is line 1.
std::uint32_t line_of(std::size_t row) { return static_cast<std::uint32_t>(row + 2); }

std::string attribute_count_error(std::string_view who, std::size_t given,
                                  const std::vector<std::string>& names, std::string_view table) {
  if (names.empty())
    return fmt::format("{}: {} attribute values, but no {} attributes were declared", who, given,
                       table);
  return fmt::format("{}: {} attribute values for {} {} attributes ({})", who, given, names.size(),
                     table, joined(names));
}

std::optional<std::int32_t> date_field(std::string_view text, std::string_view who,
                                       std::string_view field, table_errors& errors) {
  auto d = parse_date(text);
  if (!d) {
    errors.add(fmt::format("{}: bad {} '{}': expected YYYY-MM-DD (a real calendar day)", who, field,
                           text));
    return std::nullopt;
  }
  return d->days;
}

std::optional<period> period_field(std::string_view text, std::string_view who,
                                   table_errors& errors) {
  auto p = parse_period(text);
  if (!p)
    errors.add(fmt::format("{}: bad period '{}': expected a year (2026), a quarter (2026-Q1) or a "
                           "month (2026-03)",
                           who, text));
  return p;
}

std::optional<std::uint32_t> currency_field(std::string_view code, std::string_view who,
                                            string_pool& strings, table_errors& errors) {
  if (!detail::is_currency_code(code)) {
    errors.add(fmt::format("{}: bad currency '{}': expected a three-letter ISO 4217 code such as "
                           "EUR",
                           who, code));
    return std::nullopt;
  }
  return strings.intern(code);
}

std::optional<std::uint32_t> payee_reference(const dataset& ds, std::string_view payee_id,
                                             std::string_view who, table_errors& errors) {
  if (payee_id.empty()) {
    errors.add(fmt::format("{}: expected a payee_id, found an empty string", who));
    return std::nullopt;
  }
  auto row = ds.payees.find(payee_id);
  if (!row) errors.add(fmt::format("{}: unknown payee '{}'", who, payee_id));
  return row;
}

}  // namespace

dataset_builder::dataset_builder(std::string name) : name_(std::move(name)) { reset(); }

void dataset_builder::reset() {
  payee_attribute_names_.clear();
  transaction_attribute_names_.clear();
  payees_.clear();
  quotas_.clear();
  splits_.clear();
  fx_.clear();
  data_ = dataset{};
  data_.directory = name_;
  transaction_payee_ids_ = string_pool{};
  transaction_payee_.clear();
  txn_row_of_id_.assign(1, no_payee);  // id 0 ("") is never a txn_id
  transaction_rows_added_ = 0;
  transaction_errors_ = 0;
  errors_ = diagnostics{};
}

void dataset_builder::payee_attributes(std::vector<std::string> names) {
  check_attribute_names(names, payee_fields, "payee", "payee_row", errors_);
  payee_attribute_names_ = std::move(names);
}

void dataset_builder::transaction_attributes(std::vector<std::string> names) {
  if (transaction_rows_added_ > 0) {
    errors_.error({}, fmt::format("transaction attributes declared after {} transactions were "
                                  "added: declare them before the first add_transaction()",
                                  transaction_rows_added_));
    return;
  }
  check_attribute_names(names, transaction_fields, "transaction", "transaction_row", errors_);
  transaction_attribute_names_ = std::move(names);
  data_.transactions.attributes = attribute_columns(transaction_attribute_names_, 5);
}

void dataset_builder::add_payee(payee_row row) { payees_.push_back(std::move(row)); }
void dataset_builder::add_quota(quota_row row) { quotas_.push_back(std::move(row)); }
void dataset_builder::add_split(split_row row) { splits_.push_back(std::move(row)); }
void dataset_builder::add_fx(fx_row row) { fx_.push_back(std::move(row)); }

void dataset_builder::add_transaction(const transaction_row& row) {
  const std::size_t position = transaction_rows_added_++;
  // Counted across calls; the "and N more" line is written by build().
  struct counter {
    diagnostics& diags;
    std::size_t& count;
    void add(std::string message) {
      if (++count <= max_errors_per_table) diags.error({}, std::move(message));
    }
  } errors{errors_, transaction_errors_};
  const std::string who = row_name("transaction", row.txn_id, position);
  transaction_table& t = data_.transactions;

  if (row.txn_id.empty()) {
    errors.add(fmt::format("{}: expected a txn_id, found an empty string", who));
    return;
  }
  const std::uint32_t txn = data_.txn_ids.intern(row.txn_id);
  if (txn < txn_row_of_id_.size()) {
    errors.add(fmt::format("{}: duplicate txn_id (first added as transaction row {})", who,
                           t.line[txn_row_of_id_[txn]] - 1));
    return;
  }
  if (row.attributes.size() != transaction_attribute_names_.size()) {
    errors.add(attribute_count_error(who, row.attributes.size(), transaction_attribute_names_,
                                     "transaction"));
    // Kept with empty values, so that the row's other mistakes are reported too.
  }
  txn_row_of_id_.push_back(static_cast<std::uint32_t>(t.txn_id.size()));
  t.txn_id.push_back(txn);
  t.line.push_back(line_of(position));

  auto day = parse_date(row.date);
  if (!day)
    errors.add(fmt::format("{}: bad date '{}': expected YYYY-MM-DD (a real calendar day)", who,
                           row.date));
  t.date.push_back(day ? day->days : 0);

  transaction_payee_.push_back(transaction_payee_ids_.intern(row.payee_id));

  std::int64_t amount = 0;
  if (row.amount.scale() > detail::max_amount_fraction_digits) {
    errors.add(fmt::format("{}: {}", who, detail::too_precise_message(row.amount.to_string(), row.amount.scale())));
  } else if (auto coefficient = row.amount.coefficient()) {
    using outcome = detail::placed_amount::outcome;
    const auto placed = detail::place_amount(t, *coefficient, row.amount.scale(), amount);
    if (placed.result == outcome::earlier_row_out_of_range) {
      errors.add(fmt::format("{}: amount out of range: with {} fractional digits, the amount of "
                             "transaction {} no longer fits 64 bits",
                             who, row.amount.scale(), data_.txn_ids.view(t.txn_id[placed.row])));
    } else if (placed.result == outcome::out_of_range) {
      errors.add(fmt::format("{}: amount out of range: {} at {} fractional digits does not fit "
                             "64 bits",
                             who, row.amount.to_string(), t.amount_scale));
    }
  } else {
    errors.add(fmt::format("{}: amount out of range: {} does not fit 64 bits", who,
                           row.amount.to_string()));
  }
  t.amount.push_back(amount);

  std::uint32_t currency = 0;
  if (!row.currency.empty()) {
    if (detail::is_currency_code(row.currency)) {
      currency = data_.strings.intern(row.currency);
    } else {
      errors.add(fmt::format("{}: bad currency '{}': expected a three-letter ISO 4217 code such "
                             "as EUR",
                             who, row.currency));
    }
  }
  if (currency != 0 && !t.has_currency_column) {
    // The first explicit currency: earlier rows were in the plan currency.
    t.has_currency_column = true;
    t.currency.assign(t.txn_id.size() - 1, 0);
  }
  if (t.has_currency_column) t.currency.push_back(currency);

  for (std::size_t i = 0; i < t.attributes.size(); ++i) {
    const bool given = row.attributes.size() == t.attributes.size();
    t.attributes[i].values.push_back(given ? data_.strings.intern(row.attributes[i]) : 0);
  }
}

std::optional<dataset> dataset_builder::build(diagnostics& diags) {
  const std::size_t errors_before = diags.error_count();
  diags.append(errors_);
  if (transaction_errors_ > max_errors_per_table)
    diags.error({}, fmt::format("and {} more errors in transactions",
                                transaction_errors_ - max_errors_per_table));
  dataset ds = std::move(data_);
  ds.directory = name_;

  // ---- payees
  {
    table_errors errors(diags, "payees");
    payee_table& t = ds.payees;
    t.attributes = attribute_columns(payee_attribute_names_, 5);
    const auto c_target = std::find(payee_attribute_names_.begin(), payee_attribute_names_.end(),
                                    "target_incentive") -
                          payee_attribute_names_.begin();
    std::vector<std::size_t> position_of_row;  // add position, for manager errors
    for (std::size_t position = 0; position < payees_.size(); ++position) {
      const payee_row& row = payees_[position];
      const std::string who = row_name("payee", row.id, position);
      if (row.id.empty()) {
        errors.add(fmt::format("{}: expected a payee id, found an empty string", who));
        continue;
      }
      if (auto first = t.find(row.id)) {
        errors.add(fmt::format("{}: duplicate payee id (first added as payee row {})", who,
                               t.line[*first] - 1));
        continue;
      }
      const auto r = static_cast<std::uint32_t>(t.ids.size());
      t.ids.push_back(row.id);
      t.index.emplace(row.id, r);
      t.line.push_back(line_of(position));
      t.manager.push_back(no_payee);
      std::int32_t hire = no_date_before, end = no_date_after;
      if (!row.hire_date.empty())
        if (auto d = date_field(row.hire_date, who, "hire_date", errors)) hire = *d;
      if (!row.end_date.empty()) {
        if (auto d = date_field(row.end_date, who, "end_date", errors)) {
          end = *d;
          if (!detail::is_valid_employment(hire, end))
            errors.add(fmt::format("{}: end_date {} is before hire_date {}", who, row.end_date,
                                   row.hire_date));
        }
      }
      t.hire_date.push_back(hire);
      t.end_date.push_back(end);
      if (!row.plan.empty()) t.has_plan_column = true;
      t.plan.push_back(ds.strings.intern(row.plan));
      const bool attributes_given = row.attributes.size() == payee_attribute_names_.size();
      if (!attributes_given)
        errors.add(
            attribute_count_error(who, row.attributes.size(), payee_attribute_names_, "payee"));
      for (std::size_t i = 0; i < t.attributes.size(); ++i) {
        const std::uint32_t value = attributes_given ? ds.strings.intern(row.attributes[i]) : 0;
        t.attributes[i].values.push_back(value);
      }
      // target_incentive stays text like any attribute, but a bad number is
      // caught here, where the payee is known.
      if (attributes_given && static_cast<std::size_t>(c_target) < row.attributes.size() &&
          !row.attributes[static_cast<std::size_t>(c_target)].empty()) {
        const std::string& text = row.attributes[static_cast<std::size_t>(c_target)];
        decimal_syntax_error why;
        if (!decimal::parse(text, &why))
          errors.add(fmt::format("{}: bad number '{}' for target_incentive: {}", who, text,
                                 why.message));
      }
      position_of_row.push_back(position);
    }
    if (!t.has_plan_column) t.plan.clear();
    for (std::uint32_t r = 0; r < t.size(); ++r) {
      const payee_row& row = payees_[position_of_row[r]];
      if (row.manager_id.empty()) continue;
      if (auto m = t.find(row.manager_id))
        t.manager[r] = *m;
      else
        errors.add(fmt::format("payee {}: unknown manager '{}'", row.id, row.manager_id));
    }
  }

  // ---- transactions: their payees
  {
    table_errors errors(diags, "transactions");
    std::vector<std::uint32_t> payee_of_id(transaction_payee_ids_.size(), no_payee);
    std::vector<bool> resolved(transaction_payee_ids_.size(), false);
    transaction_table& t = ds.transactions;
    t.payee.resize(t.size(), no_payee);
    for (std::size_t r = 0; r < t.size(); ++r) {
      const std::uint32_t id = transaction_payee_[r];
      if (!resolved[id]) {
        resolved[id] = true;
        if (auto row = ds.payees.find(transaction_payee_ids_.view(id))) payee_of_id[id] = *row;
      }
      t.payee[r] = payee_of_id[id];
      if (t.payee[r] == no_payee) {
        const std::string who = fmt::format("transaction {}", ds.txn_ids.view(t.txn_id[r]));
        payee_reference(ds, transaction_payee_ids_.view(id), who, errors);
      }
    }
  }

  // ---- quotas
  {
    table_errors errors(diags, "quotas");
    quota_table& t = ds.quotas;
    std::map<std::tuple<std::uint32_t, period, std::uint32_t>, std::size_t> first_row;
    for (std::size_t position = 0; position < quotas_.size(); ++position) {
      const quota_row& row = quotas_[position];
      const std::string who = fmt::format("quota row {}", position + 1);
      auto payee = payee_reference(ds, row.payee_id, who, errors);
      auto when = period_field(row.period, who, errors);
      const std::uint32_t metric = ds.strings.intern(row.metric.empty() ? "quota" : row.metric);
      if (!payee || !when) continue;
      auto [at, fresh] = first_row.emplace(std::tuple{*payee, *when, metric}, position);
      if (!fresh) {
        errors.add(fmt::format("{}: duplicate quota for payee '{}', period {}, metric '{}' (first "
                               "added as quota row {})",
                               who, row.payee_id, to_string(*when), ds.strings.view(metric),
                               at->second + 1));
        continue;
      }
      t.payee.push_back(*payee);
      t.when.push_back(*when);
      t.metric.push_back(metric);
      t.amount.push_back(row.amount);
      t.line.push_back(line_of(position));
    }
  }

  // ---- splits
  {
    table_errors errors(diags, "splits");
    split_table& t = ds.splits;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> first_row;
    std::vector<bool> txn_had_bad_row(ds.transactions.size(), false);
    std::vector<std::size_t> position_of_row;
    for (std::size_t position = 0; position < splits_.size(); ++position) {
      const split_row& row = splits_[position];
      const std::string who = fmt::format("split row {}", position + 1);
      std::optional<std::uint32_t> txn;
      if (auto k = ds.txn_ids.find(row.txn_id); k && *k != 0 && *k < txn_row_of_id_.size())
        txn = txn_row_of_id_[*k];
      else if (row.txn_id.empty())
        errors.add(fmt::format("{}: expected a txn_id, found an empty string", who));
      else
        errors.add(fmt::format("{}: unknown transaction '{}'", who, row.txn_id));
      auto payee = payee_reference(ds, row.payee_id, who, errors);
      const bool share_ok = detail::is_valid_share(row.share);
      if (!share_ok)
        errors.add(fmt::format("{}: share {} out of range: expected a fraction in (0, 1]", who,
                               row.share.to_string()));
      if (!txn) continue;
      if (!payee || !share_ok) {
        txn_had_bad_row[*txn] = true;  // its sum would only repeat the error
        continue;
      }
      auto [at, fresh] = first_row.emplace(std::pair{*txn, *payee}, position);
      if (!fresh) {
        errors.add(fmt::format("{}: second split of transaction '{}' to payee '{}' (first added "
                               "as split row {}); one row per payee per transaction",
                               who, row.txn_id, row.payee_id, at->second + 1));
        txn_had_bad_row[*txn] = true;
        continue;
      }
      t.txn.push_back(*txn);
      t.payee.push_back(*payee);
      t.share.push_back(row.share);
      t.line.push_back(line_of(position));
      position_of_row.push_back(position);
    }
    for (const auto& bad : detail::split_sums_not_one(t, txn_had_bad_row)) {
      std::string rows;
      for (std::size_t k = 0; k < bad.rows.size(); ++k) {
        if (k == 10) {
          rows += ", ...";
          break;
        }
        rows += fmt::format("{}{}", k == 0 ? "" : ", ", position_of_row[bad.rows[k]] + 1);
      }
      errors.add(fmt::format("transaction {}: split shares sum to {}, expected exactly 1 (split "
                             "rows {})",
                             ds.txn_ids.view(ds.transactions.txn_id[bad.txn]), bad.sum.to_string(),
                             rows));
    }
  }

  // ---- fx
  {
    table_errors errors(diags, "fx");
    fx_table& t = ds.fx;
    std::map<std::pair<std::uint32_t, period>, std::size_t> first_row;
    for (std::size_t position = 0; position < fx_.size(); ++position) {
      const fx_row& row = fx_[position];
      const std::string who = fmt::format("fx row {}", position + 1);
      auto currency = currency_field(row.currency, who, ds.strings, errors);
      auto when = period_field(row.period, who, errors);
      const bool rate_ok = detail::is_valid_rate(row.rate);
      if (!rate_ok)
        errors.add(fmt::format("{}: rate {} must be positive (plan-currency units per unit of {})",
                               who, row.rate.to_string(), row.currency));
      if (!currency || !when || !rate_ok) continue;
      auto [at, fresh] = first_row.emplace(std::pair{*currency, *when}, position);
      if (!fresh) {
        errors.add(fmt::format("{}: duplicate fx rate for {} in {} (first added as fx row {})",
                               who, row.currency, to_string(*when), at->second + 1));
        continue;
      }
      t.currency.push_back(*currency);
      t.when.push_back(*when);
      t.rate.push_back(row.rate);
      t.line.push_back(line_of(position));
    }
  }

  reset();
  if (diags.error_count() > errors_before) return std::nullopt;
  return ds;
}

}  // namespace icm
