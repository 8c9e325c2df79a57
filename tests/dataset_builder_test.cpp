// Building a data set in memory (icm/dataset_builder.hpp): the same data set
// as read_dataset makes from the same rows in CSV (same payouts under the
// reference plan), and each validation error with the row it names.
#include "icm/dataset_builder.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>  // getpid

#include "icm/io/csv.hpp"
#include "icm/plan.hpp"
#include "icm/run.hpp"

namespace {

namespace fs = std::filesystem;

icm::decimal dec(const char* text) { return icm::decimal::parse_or_throw(text); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A CSV file as header + rows of text, through icm's own strict reader.
struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::string cell(std::size_t row, const std::string& column) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == column) return rows[row][i];
    return "";
  }
  // Every column but `typed`, in file order.
  std::vector<std::string> other_columns(const std::vector<std::string>& typed) const {
    std::vector<std::string> out;
    for (const auto& h : header)
      if (std::find(typed.begin(), typed.end(), h) == typed.end()) out.push_back(h);
    return out;
  }
  std::vector<std::string> cells(std::size_t row, const std::vector<std::string>& columns) const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(cell(row, c));
    return out;
  }
};

csv_table load_csv(const fs::path& path) {
  csv_table t;
  if (!fs::exists(path)) return t;
  const std::string text = read_file(path);
  icm::csv::reader in(text);
  icm::csv::record rec;
  EXPECT_EQ(in.read_header(rec), icm::csv::status::record) << path;
  for (const auto& f : rec) t.header.emplace_back(f.text);
  while (in.next(rec) == icm::csv::status::record) {
    std::vector<std::string> row;
    for (const auto& f : rec) row.emplace_back(f.text);
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The rows of a CSV data set folder, fed to the builder as a host would.
std::optional<icm::dataset> build_from_folder(const fs::path& dir, icm::diagnostics& diags) {
  icm::dataset_builder b;
  const csv_table payees = load_csv(dir / "payees.csv");
  const std::vector<std::string> payee_typed{"payee_id", "manager_id", "hire_date", "end_date",
                                             "plan"};
  const auto payee_extra = payees.other_columns(payee_typed);
  b.payee_attributes(payee_extra);
  const csv_table txns = load_csv(dir / "transactions.csv");
  const std::vector<std::string> txn_typed{"txn_id", "date", "payee_id", "amount", "currency"};
  const auto txn_extra = txns.other_columns(txn_typed);
  b.transaction_attributes(txn_extra);
  // Transactions first: the builder resolves payees at build().
  for (std::size_t r = 0; r < txns.rows.size(); ++r)
    b.add_transaction({.txn_id = txns.cell(r, "txn_id"),
                       .date = txns.cell(r, "date"),
                       .payee_id = txns.cell(r, "payee_id"),
                       .amount = dec(txns.cell(r, "amount").c_str()),
                       .currency = txns.cell(r, "currency"),
                       .attributes = txns.cells(r, txn_extra)});
  for (std::size_t r = 0; r < payees.rows.size(); ++r)
    b.add_payee({.id = payees.cell(r, "payee_id"),
                 .manager_id = payees.cell(r, "manager_id"),
                 .hire_date = payees.cell(r, "hire_date"),
                 .end_date = payees.cell(r, "end_date"),
                 .plan = payees.cell(r, "plan"),
                 .attributes = payees.cells(r, payee_extra)});
  const csv_table quotas = load_csv(dir / "quotas.csv");
  for (std::size_t r = 0; r < quotas.rows.size(); ++r) {
    icm::quota_row q{.payee_id = quotas.cell(r, "payee_id"),
                     .period = quotas.cell(r, "period"),
                     .amount = dec(quotas.cell(r, "amount").c_str())};
    if (!quotas.cell(r, "metric").empty()) q.metric = quotas.cell(r, "metric");
    b.add_quota(std::move(q));
  }
  const csv_table splits = load_csv(dir / "splits.csv");
  for (std::size_t r = 0; r < splits.rows.size(); ++r)
    b.add_split({.txn_id = splits.cell(r, "txn_id"),
                 .payee_id = splits.cell(r, "payee_id"),
                 .share = dec(splits.cell(r, "share").c_str())});
  const csv_table fx = load_csv(dir / "fx.csv");
  for (std::size_t r = 0; r < fx.rows.size(); ++r)
    b.add_fx({.currency = fx.cell(r, "currency"),
              .period = fx.cell(r, "period"),
              .rate = dec(fx.cell(r, "rate").c_str())});
  return b.build(diags);
}

std::string all_diags(const icm::diagnostics& diags) {
  std::string s;
  for (const auto& d : diags) s += d.headline() + "\n";
  return s;
}

// payouts.csv and measures.csv of a run, as text lines.
std::vector<std::string> run_lines(const icm::plan& plan, const icm::dataset& data) {
  icm::diagnostics diags;
  auto result = icm::run(plan, data, diags);
  EXPECT_TRUE(result) << all_diags(diags);
  std::vector<std::string> out;
  if (!result) return out;
  for (const auto& l : result->payouts)
    out.push_back(l.payee_id + "," + icm::to_string(l.when) + "," + l.component + "," +
                  l.amount.to_string() + "," + l.currency);
  for (const auto& m : result->measures)
    out.push_back(m.payee_id + "," + icm::to_string(m.when) + "," + m.name + "," + m.scope + "," +
                  m.value);
  out.push_back("total paid " + result->totals.total_paid.to_string());
  out.push_back("credited " + std::to_string(result->totals.credited.count));
  return out;
}

icm::plan reference_plan() {
  icm::diagnostics diags;
  auto plan =
      icm::plan::load_file(std::string(ICM_SOURCE_DIR) + "/rules/reference-marginal.icm", diags);
  EXPECT_TRUE(plan) << all_diags(diags);
  return *plan;
}

TEST(DatasetBuilder, ReferenceDataGivesTheSamePayoutsAsCsv) {
  const fs::path dir = fs::path(ICM_SOURCE_DIR) / "rules/data/reference";
  const icm::plan plan = reference_plan();
  icm::diagnostics diags;
  auto from_csv = icm::read_dataset(dir.string(), diags);
  ASSERT_TRUE(from_csv) << all_diags(diags);
  auto built = build_from_folder(dir, diags);
  ASSERT_TRUE(built) << all_diags(diags);
  EXPECT_TRUE(diags.empty()) << all_diags(diags);

  EXPECT_EQ(built->payees.size(), 13u);
  EXPECT_EQ(built->transactions.size(), 182u);
  EXPECT_EQ(built->transactions.amount_scale, from_csv->transactions.amount_scale);
  EXPECT_EQ(built->transactions.amount, from_csv->transactions.amount);

  const auto csv_lines = run_lines(plan, *from_csv);
  const auto built_lines = run_lines(plan, *built);
  ASSERT_FALSE(csv_lines.empty());
  EXPECT_EQ(built_lines, csv_lines);
  // Figures of the reference data's README (edge payees, 2026-Q1).
  auto has = [&](const std::string& line) {
    return std::find(built_lines.begin(), built_lines.end(), line) != built_lines.end();
  };
  EXPECT_TRUE(has("E01,2026-Q1,commission,5000.00,USD"));
  EXPECT_TRUE(has("E02,2026-Q1,commission,5000.00,USD"));
  EXPECT_TRUE(has("E03,2026-Q1,commission,800.00,USD"));
  EXPECT_TRUE(has("E04,2026-Q1,commission,6600.00,USD"));
  EXPECT_TRUE(has("E05,2026-Q1,commission,6000.00,USD"));
  EXPECT_TRUE(has("E06,2026-Q1,commission,1704.00,USD"));
}

// A fresh folder of CSV files, removed afterwards.
class temp_folder {
 public:
  temp_folder() {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("icm_builder_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  ~temp_folder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

TEST(DatasetBuilder, SplitsPlanColumnAndScalesMatchCsv) {
  // Amount scales grow mid-table (7 -> 7.5 -> 0.125), a split 60/40, a payee
  // off the plan, a EUR deal: every path of the builder against the reader.
  temp_folder dir;
  dir.write("payees.csv",
            "payee_id,manager_id,hire_date,end_date,plan,target_incentive\n"
            "M1,,,,Reference (marginal),20000.00\n"
            "A1,M1,2026-02-15,,Reference (marginal),10000.00\n"
            "A2,M1,,2026-09-30,Reference (marginal),10000.00\n"
            "X1,,,,Other,10000.00\n");
  dir.write("transactions.csv",
            "txn_id,date,payee_id,amount,currency,product\n"
            "T1,2026-01-10,A2,70000,,saas\n"
            "T2,2026-03-01,A1,7.5,USD,services\n"
            "T3,2026-03-02,A1,50000.125,EUR,saas\n"
            "T4,2026-05-02,A2,100000.00,,saas\n"
            "T5,2026-05-03,X1,1000.00,,saas\n"
            "T6,2026-06-03,A1,-2500.00,,hardware\n");
  dir.write("splits.csv", "txn_id,payee_id,share\nT4,A1,0.6\nT4,A2,0.4\n");
  dir.write("quotas.csv",
            "payee_id,period,amount\n"
            "M1,2026-Q1,100000\nM1,2026-Q2,100000\nM1,2026-Q3,100000\nM1,2026-Q4,100000\n"
            "A1,2026-Q1,45000\nA1,2026-Q2,90000\nA1,2026-Q3,90000\nA1,2026-Q4,90000\n"
            "A2,2026-Q1,60000\nA2,2026-Q2,60000\nA2,2026-Q3,60000\n"
            "X1,2026-Q1,1\n");
  dir.write("fx.csv", "currency,period,rate\nEUR,2026-Q1,1.083457\n");
  const icm::plan plan = reference_plan();
  icm::diagnostics diags;
  auto from_csv = icm::read_dataset(dir.path().string(), diags);
  ASSERT_TRUE(from_csv) << all_diags(diags);
  auto built = build_from_folder(dir.path(), diags);
  ASSERT_TRUE(built) << all_diags(diags);
  EXPECT_TRUE(built->payees.has_plan_column);
  EXPECT_TRUE(built->transactions.has_currency_column);
  EXPECT_EQ(built->transactions.amount_scale, 3);
  EXPECT_EQ(built->transactions.amount, from_csv->transactions.amount);
  const auto built_lines = run_lines(plan, *built);
  EXPECT_EQ(built_lines, run_lines(plan, *from_csv));
  // A2's Q2: 40% of 100,000.00 is 40,000.00 against 60,000.00 (66.67%):
  // 30,000 x 2% + 10,000 x 8% = 1,400.00.
  EXPECT_NE(std::find(built_lines.begin(), built_lines.end(), "A2,2026-Q2,commission,1400.00,USD"),
            built_lines.end());
}

// ---- validation: one test per error, each asserting the message ------------

class Builder : public ::testing::Test {
 protected:
  // Two payees and one transaction, valid; tests add the bad row.
  void SetUp() override {
    b.payee_attributes({"target_incentive", "region"});
    b.transaction_attributes({"product"});
    b.add_payee({.id = "P1", .attributes = {"10000.00", "west"}});
    b.add_payee({.id = "P2", .manager_id = "P1", .attributes = {"10000.00", "east"}});
    b.add_transaction({.txn_id = "T1",
                       .date = "2026-02-10",
                       .payee_id = "P2",
                       .amount = dec("100.00"),
                       .attributes = {"saas"}});
  }
  void transaction(std::string id, std::string payee, const char* amount = "1.00") {
    b.add_transaction({.txn_id = std::move(id),
                       .date = "2026-02-11",
                       .payee_id = std::move(payee),
                       .amount = dec(amount),
                       .attributes = {"saas"}});
  }
  // Builds, expecting failure with exactly these error headlines.
  void expect_errors(const std::vector<std::string>& expected) {
    icm::diagnostics diags;
    auto data = b.build(diags);
    EXPECT_FALSE(data);
    std::vector<std::string> got;
    for (const auto& d : diags) got.push_back(d.headline());
    EXPECT_EQ(got, expected);
  }

  icm::dataset_builder b;
};

TEST_F(Builder, ValidRowsBuild) {
  icm::diagnostics diags;
  auto data = b.build(diags);
  ASSERT_TRUE(data) << all_diags(diags);
  EXPECT_EQ(data->payees.size(), 2u);
  EXPECT_EQ(data->payees.manager[1], 0u);
  EXPECT_EQ(data->transactions.payee[0], 1u);
  EXPECT_EQ(data->transactions.amount_of(0), dec("100.00"));
  EXPECT_EQ(data->transactions.line[0], 2u);  // as in a CSV file with a header
  EXPECT_EQ(data->file_path("fx.csv"), "memory/fx.csv");
  const auto* region = data->payees.attribute("region");
  ASSERT_NE(region, nullptr);
  EXPECT_EQ(data->strings.view(region->values[1]), "east");
  EXPECT_FALSE(data->payees.has_plan_column);
  EXPECT_FALSE(data->transactions.has_currency_column);
}

TEST_F(Builder, IsEmptyAgainAfterBuild) {
  icm::diagnostics diags;
  ASSERT_TRUE(b.build(diags));
  b.add_payee({.id = "Q1"});
  auto second = b.build(diags);
  ASSERT_TRUE(second) << all_diags(diags);
  EXPECT_EQ(second->payees.size(), 1u);
  EXPECT_EQ(second->transactions.size(), 0u);
  EXPECT_TRUE(second->payees.attributes.empty());
}

TEST_F(Builder, UnknownPayeeOfTransaction) {
  transaction("T17", "P9");
  expect_errors({"error: transaction T17: unknown payee 'P9'"});
}

TEST_F(Builder, EmptyPayeeOfTransaction) {
  transaction("T2", "");
  expect_errors({"error: transaction T2: expected a payee_id, found an empty string"});
}

TEST_F(Builder, PayeesMayComeAfterTheirTransactions) {
  transaction("T2", "P3");
  b.add_payee({.id = "P3", .attributes = {"", "west"}});
  icm::diagnostics diags;
  auto data = b.build(diags);
  ASSERT_TRUE(data) << all_diags(diags);
  EXPECT_EQ(data->transactions.payee[1], 2u);
}

TEST_F(Builder, UnknownManager) {
  b.add_payee({.id = "P3", .manager_id = "M9", .attributes = {"1.00", "west"}});
  expect_errors({"error: payee P3: unknown manager 'M9'"});
}

TEST_F(Builder, UnknownPayeeOfQuota) {
  b.add_quota({.payee_id = "P1", .period = "2026-Q1", .amount = dec("1000")});
  b.add_quota({.payee_id = "P9", .period = "2026-Q1", .amount = dec("1000")});
  expect_errors({"error: quota row 2: unknown payee 'P9'"});
}

TEST_F(Builder, UnknownPayeeAndTransactionOfSplit) {
  b.add_split({.txn_id = "T1", .payee_id = "P9", .share = dec("1")});
  b.add_split({.txn_id = "T9", .payee_id = "P1", .share = dec("1")});
  expect_errors({"error: split row 1: unknown payee 'P9'",
                 "error: split row 2: unknown transaction 'T9'"});
}

TEST_F(Builder, DuplicateTxnId) {
  transaction("T2", "P1");
  transaction("T1", "P1");
  expect_errors({"error: transaction T1: duplicate txn_id (first added as transaction row 1)"});
}

TEST_F(Builder, DuplicatePayee) {
  b.add_payee({.id = "P1", .attributes = {"1.00", "west"}});
  expect_errors({"error: payee P1: duplicate payee id (first added as payee row 1)"});
}

TEST_F(Builder, EmptyIds) {
  b.add_payee({.id = "", .attributes = {"1.00", "west"}});
  transaction("", "P1");
  expect_errors({"error: transaction row 2: expected a txn_id, found an empty string",
                 "error: payee row 3: expected a payee id, found an empty string"});
}

TEST_F(Builder, ShareOutOfRange) {
  b.add_split({.txn_id = "T1", .payee_id = "P1", .share = dec("0")});
  b.add_split({.txn_id = "T1", .payee_id = "P2", .share = dec("1.5")});
  // No sum error: the transaction's bad rows already explain it.
  expect_errors({"error: split row 1: share 0 out of range: expected a fraction in (0, 1]",
                 "error: split row 2: share 1.5 out of range: expected a fraction in (0, 1]"});
}

TEST_F(Builder, SharesMustSumToExactlyOne) {
  b.add_split({.txn_id = "T1", .payee_id = "P1", .share = dec("0.6")});
  transaction("T2", "P1");
  b.add_split({.txn_id = "T2", .payee_id = "P1", .share = dec("1")});
  b.add_split({.txn_id = "T1", .payee_id = "P2", .share = dec("0.3999")});
  expect_errors(
      {"error: transaction T1: split shares sum to 0.9999, expected exactly 1 (split rows 1, 3)"});
}

TEST_F(Builder, SecondSplitOfOnePayee) {
  b.add_split({.txn_id = "T1", .payee_id = "P1", .share = dec("0.5")});
  b.add_split({.txn_id = "T1", .payee_id = "P1", .share = dec("0.5")});
  expect_errors({"error: split row 2: second split of transaction 'T1' to payee 'P1' (first added "
                 "as split row 1); one row per payee per transaction"});
}

TEST_F(Builder, DuplicateQuota) {
  b.add_quota({.payee_id = "P1", .period = "2026-Q1", .amount = dec("1000")});
  b.add_quota({.payee_id = "P1", .period = "2026-Q1", .amount = dec("1000"), .metric = "logos"});
  b.add_quota({.payee_id = "P1", .period = "2026-Q1", .amount = dec("2000")});
  expect_errors({"error: quota row 3: duplicate quota for payee 'P1', period 2026-Q1, metric "
                 "'quota' (first added as quota row 1)"});
}

TEST_F(Builder, DuplicateFx) {
  b.add_fx({.currency = "EUR", .period = "2026-Q1", .rate = dec("1.08")});
  b.add_fx({.currency = "EUR", .period = "2026-Q2", .rate = dec("1.10")});
  b.add_fx({.currency = "EUR", .period = "2026-Q1", .rate = dec("1.09")});
  expect_errors(
      {"error: fx row 3: duplicate fx rate for EUR in 2026-Q1 (first added as fx row 1)"});
}

TEST_F(Builder, BadRateAndCurrency) {
  b.add_fx({.currency = "EUR", .period = "2026-Q1", .rate = dec("0")});
  b.add_fx({.currency = "eur", .period = "2026-Q2", .rate = dec("1.1")});
  expect_errors({"error: fx row 1: rate 0 must be positive (plan-currency units per unit of EUR)",
                 "error: fx row 2: bad currency 'eur': expected a three-letter ISO 4217 code "
                 "such as EUR"});
}

TEST_F(Builder, BadTransactionCurrency) {
  b.add_transaction({.txn_id = "T2",
                     .date = "2026-02-11",
                     .payee_id = "P1",
                     .amount = dec("1"),
                     .currency = "EURO",
                     .attributes = {"saas"}});
  expect_errors({"error: transaction T2: bad currency 'EURO': expected a three-letter ISO 4217 "
                 "code such as EUR"});
}

TEST_F(Builder, BadDates) {
  b.add_transaction({.txn_id = "T2",
                     .date = "2026-02-30",
                     .payee_id = "P1",
                     .amount = dec("1"),
                     .attributes = {"saas"}});
  b.add_payee({.id = "P3", .hire_date = "2026/01/01", .attributes = {"1.00", "west"}});
  b.add_payee({.id = "P4", .hire_date = "2026-03-01", .end_date = "2026-02-28",
               .attributes = {"1.00", "west"}});
  expect_errors({"error: transaction T2: bad date '2026-02-30': expected YYYY-MM-DD (a real "
                 "calendar day)",
                 "error: payee P3: bad hire_date '2026/01/01': expected YYYY-MM-DD (a real "
                 "calendar day)",
                 "error: payee P4: end_date 2026-02-28 is before hire_date 2026-03-01"});
}

TEST_F(Builder, BadPeriods) {
  b.add_quota({.payee_id = "P1", .period = "2026-Q5", .amount = dec("1000")});
  b.add_fx({.currency = "EUR", .period = "Q1 2026", .rate = dec("1.08")});
  expect_errors({"error: quota row 1: bad period '2026-Q5': expected a year (2026), a quarter "
                 "(2026-Q1) or a month (2026-03)",
                 "error: fx row 1: bad period 'Q1 2026': expected a year (2026), a quarter "
                 "(2026-Q1) or a month (2026-03)"});
}

TEST_F(Builder, AttributeCounts) {
  b.add_payee({.id = "P3", .attributes = {"1.00"}});
  b.add_transaction({.txn_id = "T2", .date = "2026-02-11", .payee_id = "P1", .amount = dec("1")});
  expect_errors({"error: transaction T2: 0 attribute values for 1 transaction attributes (product)",
                 "error: payee P3: 1 attribute values for 2 payee attributes (target_incentive, "
                 "region)"});
}

TEST_F(Builder, BadTargetIncentive) {
  b.add_payee({.id = "P3", .attributes = {"1,000.00", "west"}});
  icm::diagnostics diags;
  EXPECT_FALSE(b.build(diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].headline().rfind("error: payee P3: bad number '1,000.00' for "
                                              "target_incentive: ",
                                              0),
            0u)
      << diags.items()[0].headline();
}

TEST(DatasetBuilderNames, AttributeNamesAreColumnNames) {
  icm::dataset_builder b;
  b.payee_attributes({"region", "plan", "region", ""});
  b.transaction_attributes({"currency"});
  icm::diagnostics diags;
  EXPECT_FALSE(b.build(diags));
  std::vector<std::string> got;
  for (const auto& d : diags) got.push_back(d.headline());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "error: payee attribute 'plan' is a field of payee_row, not an attribute",
                     "error: payee attribute 'region' declared twice",
                     "error: payee attribute 4: empty name",
                     "error: transaction attribute 'currency' is a field of transaction_row, not "
                     "an attribute"}));
}

TEST_F(Builder, TransactionAttributesDeclaredLate) {
  b.transaction_attributes({"product", "region"});
  expect_errors({"error: transaction attributes declared after 1 transactions were added: declare "
                 "them before the first add_transaction()"});
}

TEST_F(Builder, AmountOutOfRange) {
  // A coefficient beyond int64 (the wide path), more fractional digits than
  // any amount may have, then a scale that the earlier rows cannot follow.
  transaction("T2", "P1", "99999999999999999999.00");
  transaction("T3", "P1", "0.0000000000000000001");
  transaction("T4", "P1", "0.000000000000000001");
  expect_errors({"error: transaction T2: amount out of range: 99999999999999999999.00 does not "
                 "fit 64 bits",
                 "error: transaction T3: amount out of range: '0.0000000000000000001' has 19 "
                 "fractional digits, at most 18",
                 "error: transaction T4: amount out of range: with 18 fractional digits, the "
                 "amount of transaction T1 no longer fits 64 bits"});
}

TEST_F(Builder, ErrorsAreCappedPerTable) {
  for (int i = 0; i < 60; ++i) transaction("X" + std::to_string(i), "nobody");
  icm::diagnostics diags;
  EXPECT_FALSE(b.build(diags));
  ASSERT_EQ(diags.size(), 51u);
  EXPECT_EQ(diags.items()[0].headline(), "error: transaction X0: unknown payee 'nobody'");
  EXPECT_EQ(diags.items()[50].headline(), "error: and 10 more errors in transactions");
}

TEST(DatasetBuilderRun, EngineErrorsNameTheBuilderRow) {
  // A EUR deal without a rate: the engine names "<name>/transactions.csv" and
  // the row's line as it would be in a CSV file (row 2 -> line 3).
  icm::dataset_builder b("crm");
  b.payee_attributes({"target_incentive"});
  b.transaction_attributes({"product"});
  b.add_payee({.id = "A1", .attributes = {"1000.00"}});
  for (const char* q : {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"})
    b.add_quota({.payee_id = "A1", .period = q, .amount = dec("1000")});
  b.add_transaction({.txn_id = "T1", .date = "2026-01-02", .payee_id = "A1", .amount = dec("10"),
                     .attributes = {"saas"}});
  b.add_transaction({.txn_id = "T2", .date = "2026-01-03", .payee_id = "A1", .amount = dec("10"),
                     .currency = "EUR", .attributes = {"saas"}});
  icm::diagnostics diags;
  auto data = b.build(diags);
  ASSERT_TRUE(data) << all_diags(diags);
  auto result = icm::run(reference_plan(), *data, diags);
  EXPECT_FALSE(result);
  const auto it = std::find_if(diags.begin(), diags.end(), [](const icm::diagnostic& d) {
    return d.where.file == "crm/transactions.csv";
  });
  ASSERT_NE(it, diags.end()) << all_diags(diags);
  EXPECT_EQ(it->where.line, 3u) << it->headline();
}

}  // namespace
