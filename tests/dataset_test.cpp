// Reading a data set into columnar tables (icm/data.hpp): the tables it
// builds, and each validation error with its file:line:column.
#include "icm/data.hpp"
#include "io/dataset_rules.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <unistd.h>  // getpid

namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards. Every test runs twice:
// reading the files from that directory, and reading the same bytes from
// memory (read_dataset over dataset_texts named like the directory), with
// the same expected results and diagnostics, places included.
class Dataset : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("icm_dataset_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    texts_[name] = text;
  }
  // A valid minimal pair of required files, overridable per test.
  void write_basics() {
    write("payees.csv", "payee_id,manager_id,region\nM1,,west\nP1,M1,west\nP2,M1,east\n");
    write("transactions.csv",
          "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,100.00\nT2,2026-02-10,P2,50\n");
  }
  std::optional<icm::dataset> read() {
    diags_ = {};
    if (!GetParam()) return icm::read_dataset(dir_.string(), diags_);
    icm::dataset_texts texts;
    texts.name = dir_.string();
    const auto text = [&](const char* file) -> std::optional<std::string_view> {
      auto it = texts_.find(file);
      if (it == texts_.end()) return std::nullopt;
      return it->second;
    };
    texts.payees = text("payees.csv");
    texts.transactions = text("transactions.csv");
    texts.quotas = text("quotas.csv");
    texts.splits = text("splits.csv");
    texts.fx = text("fx.csv");
    return icm::read_dataset(texts, diags_);
  }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }

  // The one error expected: its place and message.
  void expect_error(const std::string& file, std::uint32_t line, std::uint32_t column,
                    const std::string& message) {
    bool found = false;
    for (const auto& d : diags_) {
      if (d.level == icm::severity::error && d.where.file == path(file) && d.where.line == line &&
          d.where.column == column && d.message == message)
        found = true;
    }
    std::string all;
    for (const auto& d : diags_) all += d.headline() + "\n";
    EXPECT_TRUE(found) << "expected " << file << ":" << line << ":" << column << ": " << message
                       << "\ngot:\n"
                       << all;
  }

  fs::path dir_;
  std::map<std::string, std::string> texts_;  // what write() put on disk
  icm::diagnostics diags_;
};

TEST(StringPool, InternsDenselyWithEmptyAsZero) {
  icm::string_pool pool;
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.intern(""), 0u);
  EXPECT_EQ(pool.view(0), "");
  const auto saas = pool.intern("saas");
  const auto hardware = pool.intern("hardware");
  EXPECT_EQ(saas, 1u);
  EXPECT_EQ(hardware, 2u);
  EXPECT_EQ(pool.intern(std::string("saas")), saas);
  EXPECT_EQ(pool.find("hardware"), hardware);
  EXPECT_FALSE(pool.find("support"));
  EXPECT_EQ(pool.find(""), 0u);
  EXPECT_EQ(pool.size(), 3u);
}

TEST(StringPool, ViewsStayValidThroughGrowthAndMove) {
  icm::string_pool pool;
  const std::string_view first = pool.view(pool.intern("first"));
  std::vector<std::uint32_t> ids;
  for (int i = 0; i < 100000; ++i) ids.push_back(pool.intern("value-" + std::to_string(i)));
  const auto long_id = pool.intern(std::string(100000, 'L'));
  icm::string_pool moved(std::move(pool));
  EXPECT_EQ(first, "first");
  for (int i = 0; i < 100000; i += 997) EXPECT_EQ(moved.view(ids[i]), "value-" + std::to_string(i));
  EXPECT_EQ(moved.view(long_id).size(), 100000u);
  EXPECT_EQ(moved.find("value-99999"), ids.back());
  EXPECT_EQ(moved.size(), 100003u);
}

// Values longer than the first small blocks (1 KiB, 2 KiB, ...) but short
// enough to share a block: each must land in a block that holds it whole
// (found by fuzz_csv under AddressSanitizer: a 1-16 KiB value overflowed
// the first 1 KiB block).
TEST(StringPool, ValuesLongerThanTheFirstBlocksAreStoredWhole) {
  for (const std::size_t first : {std::size_t{0}, std::size_t{3}, std::size_t{1000}}) {
    icm::string_pool pool;
    if (first > 0) pool.intern(std::string(first, 'a'));
    std::vector<std::pair<std::uint32_t, std::string>> stored;
    for (const std::size_t n : {1025u, 2049u, 4000u, 8191u, 16384u, 1500u, 12000u, 700u}) {
      std::string value(n, static_cast<char>('b' + stored.size()));
      value.front() = '<';
      value.back() = '>';
      stored.emplace_back(pool.intern(value), value);
    }
    for (const auto& [id, value] : stored) {
      EXPECT_EQ(pool.view(id), value) << "length " << value.size() << " after " << first;
      EXPECT_EQ(pool.find(value), id);
    }
  }
}

TEST(StringPool, InternAllMatchesIntern) {
  icm::string_pool one, batch;
  std::vector<std::string> owned;
  for (int i = 0; i < 5000; ++i) owned.push_back("T" + std::to_string(i % 3000));
  owned.push_back("");
  std::vector<std::string_view> texts(owned.begin(), owned.end());
  std::vector<std::uint64_t> hashes;
  for (auto t : texts) hashes.push_back(icm::string_pool::hash(t));
  batch.intern("T7");  // ids continue after what the pool holds
  one.intern("T7");
  std::vector<std::uint32_t> ids;
  batch.intern_all(texts, hashes, ids);
  ASSERT_EQ(ids.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(ids[i], one.intern(texts[i])) << i;
  EXPECT_EQ(batch.size(), one.size());
  EXPECT_EQ(batch.size(), 3001u);
}

TEST_P(Dataset, ReadsAllFiveFilesIntoColumns) {
  write("payees.csv",
        "payee_id,name,manager_id,plan,hire_date,end_date,target_incentive,region\n"
        "M1,Mia,,ae,2025-01-01,,20000.00,west\n"
        "P1,\"Smith, Pat\",M1,ae,2026-02-15,2026-11-30,12000,west\n"
        "P2,Lee,M1,se,,,,east\n");
  write("transactions.csv",
        "txn_id,date,payee_id,amount,currency,product\n"
        "T1,2026-01-10,P1,100,USD,saas\n"
        "T2,2026-02-10,P2,2.5,EUR,hardware\n"
        "T3,2026-04-01,P1,-3.125,,saas\n");
  write("quotas.csv", "payee_id,period,amount\nP1,2026-Q1,90000.00\nP2,2026-Q1,50000\n");
  write("splits.csv", "txn_id,payee_id,share\nT1,P1,0.6\nT1,P2,0.4\n");
  write("fx.csv", "currency,period,rate\nEUR,2026-Q1,1.083457\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  EXPECT_TRUE(diags_.empty());

  const auto& p = ds->payees;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p.ids[1], "P1");
  EXPECT_EQ(p.find("P2"), 2u);
  EXPECT_EQ(p.line[2], 4u);
  EXPECT_EQ(p.manager[0], icm::no_payee);
  EXPECT_EQ(p.manager[1], 0u);
  EXPECT_EQ(p.hire_date[1], icm::parse_date("2026-02-15")->days);
  EXPECT_EQ(p.end_date[1], icm::parse_date("2026-11-30")->days);
  EXPECT_EQ(p.hire_date[2], icm::no_date_before);
  EXPECT_EQ(p.end_date[2], icm::no_date_after);
  EXPECT_TRUE(p.has_plan_column);
  EXPECT_EQ(ds->strings.view(p.plan[0]), "ae");
  EXPECT_EQ(p.plan[0], p.plan[1]);
  const auto* name = p.attribute("name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->column_number, 2u);
  EXPECT_EQ(ds->strings.view(name->values[1]), "Smith, Pat");
  const auto* target = p.attribute("target_incentive");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(ds->strings.view(target->values[0]), "20000.00");
  EXPECT_EQ(p.attribute("manager_id"), nullptr);  // typed, not an attribute

  const auto& t = ds->transactions;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(ds->txn_ids.view(t.txn_id[2]), "T3");
  EXPECT_EQ(t.amount_scale, 3);  // rescaled when -3.125 appeared
  EXPECT_EQ(t.amount, (std::vector<std::int64_t>{100000, 2500, -3125}));
  EXPECT_EQ(t.amount_of(1), icm::decimal(25, 1));
  EXPECT_EQ(t.date[0], icm::parse_date("2026-01-10")->days);
  EXPECT_EQ(t.payee, (std::vector<std::uint32_t>{1, 2, 1}));
  EXPECT_TRUE(t.has_currency_column);
  EXPECT_EQ(ds->strings.view(t.currency[1]), "EUR");
  EXPECT_EQ(t.currency[2], 0u);  // plan currency
  EXPECT_EQ(t.line, (std::vector<std::uint32_t>{2, 3, 4}));
  const auto* product = t.attribute("product");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->column_number, 6u);
  EXPECT_EQ(product->values[0], product->values[2]);  // interned: same text, same id
  EXPECT_NE(product->values[0], product->values[1]);
  EXPECT_EQ(ds->strings.view(product->values[1]), "hardware");

  const auto& q = ds->quotas;
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(ds->strings.view(q.metric[0]), "quota");
  EXPECT_EQ(q.when[0], *icm::parse_period("2026-Q1"));
  EXPECT_EQ(q.amount[0], icm::decimal(90000));
  EXPECT_EQ(q.payee[1], 2u);

  const auto& s = ds->splits;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.txn[1], 0u);
  EXPECT_EQ(s.payee[1], 2u);
  EXPECT_EQ(s.share[0], icm::decimal(6, 1));

  ASSERT_EQ(ds->fx.size(), 1u);
  EXPECT_EQ(ds->strings.view(ds->fx.currency[0]), "EUR");
  EXPECT_EQ(ds->fx.rate[0], icm::decimal(1083457, 6));
  EXPECT_EQ(ds->fx.line[0], 2u);
}

// Long text values (a few KiB: a product description, a pasted note) are
// kept whole, in both tables' attribute columns.
TEST_P(Dataset, KeepsLongAttributeValuesWhole) {
  const std::string note(3000, 'n'), product(9000, 'p'), region(1500, 'r');
  write("payees.csv", "payee_id,region,note\nP1," + region + "," + note + "\nP2,east,short\n");
  write("transactions.csv", "txn_id,date,payee_id,amount,product\nT1,2026-01-10,P1,1.00," + product +
                                "\nT2,2026-01-11,P2,2.00,saas\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  const auto* r = ds->payees.attribute("region");
  const auto* n = ds->payees.attribute("note");
  const auto* p = ds->transactions.attribute("product");
  ASSERT_TRUE(r && n && p);
  EXPECT_EQ(ds->strings.view(r->values[0]), region);
  EXPECT_EQ(ds->strings.view(n->values[0]), note);
  EXPECT_EQ(ds->strings.view(n->values[1]), "short");
  EXPECT_EQ(ds->strings.view(p->values[0]), product);
  EXPECT_EQ(ds->strings.view(p->values[1]), "saas");
}

TEST_P(Dataset, OptionalFilesMayBeAbsentAndHeaderOnlyIsEmpty) {
  write("payees.csv", "payee_id\nP1\n");
  write("transactions.csv", "txn_id,date,payee_id,amount\n");
  write("quotas.csv", "payee_id,period,amount\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  EXPECT_EQ(ds->transactions.size(), 0u);
  EXPECT_EQ(ds->quotas.size(), 0u);
  EXPECT_EQ(ds->splits.size(), 0u);
  EXPECT_EQ(ds->fx.size(), 0u);
  EXPECT_FALSE(ds->transactions.has_currency_column);
}

TEST_P(Dataset, QuotaMetricColumn) {
  write_basics();
  write("quotas.csv", "payee_id,period,metric,amount\nP1,2026-Q1,new_logos,3\nP1,2026-Q1,,100\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  EXPECT_EQ(ds->strings.view(ds->quotas.metric[0]), "new_logos");
  EXPECT_EQ(ds->strings.view(ds->quotas.metric[1]), "quota");
}

TEST_P(Dataset, ReportsMissingRequiredFile) {
  write("payees.csv", "payee_id\nP1\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 0, 0,
               "file not found (a data set needs payees.csv and transactions.csv)");
}

TEST_P(Dataset, ReportsMissingDirectory) {
  diags_ = {};
  EXPECT_FALSE(icm::read_dataset((dir_ / "nope").string(), diags_));
  ASSERT_EQ(diags_.size(), 1u);
  EXPECT_EQ(diags_.items()[0].message, "data directory not found");
}

TEST_P(Dataset, ReportsEmptyFile) {
  write_basics();
  write("payees.csv", "");
  EXPECT_FALSE(read());
  expect_error("payees.csv", 1, 1, "empty file: expected a header row");
  // Without payees, transactions are not checked against them.
  EXPECT_EQ(diags_.error_count(), 1u);
}

TEST_P(Dataset, ReportsMissingRequiredColumn) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee,amount\nT1,2026-01-10,P1,1\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 1, 1,
               "missing required column 'payee_id' (expected columns txn_id, date, payee_id, "
               "amount; found txn_id, date, payee, amount)");
}

TEST_P(Dataset, ReportsBadNumberAtTheOffendingByte) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,12.3x\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 22,
               "bad number '12.3x' for amount: unexpected 'x', expected a digit or the end of the "
               "number");
}

TEST_P(Dataset, ReportsBadNumberInQuotedField) {
  write_basics();
  write("quotas.csv", "payee_id,period,amount\nP1,2026-Q1,\"1,000\"\n");
  EXPECT_FALSE(read());
  // The field starts at column 12 with its quote; ',' is the 2nd byte inside it.
  expect_error("quotas.csv", 2, 14,
               "bad number '1,000' for amount: unexpected ',', expected a digit, '.' or the end "
               "of the number");
}

TEST_P(Dataset, ReportsEmptyAmount) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 18, "expected a number for amount, found an empty field");
}

TEST_P(Dataset, ReportsBadDate) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-02-30,P1,1\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 4,
               "bad date '2026-02-30' for date: expected YYYY-MM-DD (a real calendar day)");
}

TEST_P(Dataset, ReportsBadHireDateAndEndBeforeHire) {
  write("payees.csv",
        "payee_id,hire_date,end_date\nP1,2026-1-1,\nP2,2026-03-01,2026-02-01\n");
  write("transactions.csv", "txn_id,date,payee_id,amount\n");
  EXPECT_FALSE(read());
  expect_error("payees.csv", 2, 4,
               "bad date '2026-1-1' for hire_date: expected YYYY-MM-DD (a real calendar day)");
  expect_error("payees.csv", 3, 15, "end_date 2026-02-01 is before hire_date 2026-03-01");
}

TEST_P(Dataset, ReportsBadPeriod) {
  write_basics();
  write("quotas.csv", "payee_id,period,amount\nP1,2026-Q5,100\n");
  EXPECT_FALSE(read());
  expect_error("quotas.csv", 2, 4,
               "bad period '2026-Q5': expected a year (2026), a quarter (2026-Q1) or a month "
               "(2026-03)");
}

TEST_P(Dataset, ReportsWrongFieldCount) {
  write_basics();
  write("transactions.csv",
        "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,1,extra\nT2,2026-01-10,P1,2\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 20, "expected 4 fields, found 5");
  EXPECT_EQ(diags_.error_count(), 1u);
}

TEST_P(Dataset, ReportsUnbalancedQuote) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-10,\"P1,1\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 15,
               "unbalanced quote: this quoted field has no closing quote");
}

TEST_P(Dataset, ReportsCharacterAfterClosingQuote) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-10,\"P1\"x,1\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 19,
               "unexpected 'x' after the closing quote of a field (a quote inside a quoted field "
               "is written \"\")");
}

TEST_P(Dataset, ReportsDuplicateTxnIdWithFirstLine) {
  write_basics();
  write("transactions.csv",
        "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,1\nT2,2026-01-10,P1,1\n"
        "T1,2026-01-11,P2,5\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 4, 1, "duplicate txn_id 'T1' (first on line 2)");
}

TEST_P(Dataset, DuplicateTxnIdWithEscapedQuotes) {
  write_basics();
  write("transactions.csv",
        "txn_id,date,payee_id,amount\n\"T\"\"1\",2026-01-10,P1,1\nT2,2026-01-10,P1,1\n"
        "\"T\"\"1\",2026-01-11,P2,5\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 4, 1, "duplicate txn_id 'T\"1' (first on line 2)");
  EXPECT_EQ(diags_.error_count(), 1u);
  write("transactions.csv", "txn_id,date,payee_id,amount\n\"T\"\"1\",2026-01-10,P1,1\n");
  write("splits.csv", "txn_id,payee_id,share\n\"T\"\"1\",P1,1\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  EXPECT_EQ(ds->txn_ids.view(ds->transactions.txn_id[0]), "T\"1");
  EXPECT_EQ(ds->splits.txn[0], 0u);
}

TEST_P(Dataset, ReportsDuplicatePayeeId) {
  write("payees.csv", "payee_id\nP1\nP1\n");
  write("transactions.csv", "txn_id,date,payee_id,amount\n");
  EXPECT_FALSE(read());
  expect_error("payees.csv", 3, 1, "duplicate payee_id 'P1' (first on line 2)");
}

TEST_P(Dataset, ReportsUnknownPayeeInTransaction) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-10,P9,1\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 15, "unknown payee_id 'P9': no such payee_id in payees.csv");
}

TEST_P(Dataset, ReportsUnknownPayeeInSplit) {
  write_basics();
  write("splits.csv", "txn_id,payee_id,share\nT1,P1,0.5\nT1,PX,0.5\n");
  EXPECT_FALSE(read());
  expect_error("splits.csv", 3, 4, "unknown payee_id 'PX': no such payee_id in payees.csv");
  // The sum of T1 is not reported on top: its bad row already was.
  EXPECT_EQ(diags_.error_count(), 1u);
}

TEST_P(Dataset, ReportsUnknownPayeeInQuota) {
  write_basics();
  write("quotas.csv", "payee_id,period,amount\nP7,2026-Q1,100\n");
  EXPECT_FALSE(read());
  expect_error("quotas.csv", 2, 1, "unknown payee_id 'P7': no such payee_id in payees.csv");
}

TEST_P(Dataset, ReportsUnknownManager) {
  write("payees.csv", "payee_id,manager_id\nP1,BOSS\nP2,P1\n");
  write("transactions.csv", "txn_id,date,payee_id,amount\n");
  EXPECT_FALSE(read());
  expect_error("payees.csv", 2, 4, "unknown manager_id 'BOSS': no such payee_id in payees.csv");
  EXPECT_EQ(diags_.error_count(), 1u);
}

TEST_P(Dataset, ManagerMayAppearAfterItsReports) {
  write("payees.csv", "payee_id,manager_id\nP1,M1\nM1,\n");
  write("transactions.csv", "txn_id,date,payee_id,amount\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  EXPECT_EQ(ds->payees.manager[0], 1u);
}

TEST_P(Dataset, ReportsSplitShareOutsideZeroToOne) {
  write_basics();
  write("splits.csv", "txn_id,payee_id,share\nT1,P1,0\nT2,P1,1.5\nT2,P2,-0.5\n");
  EXPECT_FALSE(read());
  expect_error("splits.csv", 2, 7, "share 0 out of range: expected a fraction in (0, 1]");
  expect_error("splits.csv", 3, 7, "share 1.5 out of range: expected a fraction in (0, 1]");
  expect_error("splits.csv", 4, 7, "share -0.5 out of range: expected a fraction in (0, 1]");
  EXPECT_EQ(diags_.error_count(), 3u);
}

TEST_P(Dataset, ReportsTwoSplitRowsForOnePayee) {
  write_basics();
  write("splits.csv", "txn_id,payee_id,share\nT1,P1,0.5\nT1,P1,0.5\n");
  EXPECT_FALSE(read());
  expect_error("splits.csv", 3, 4,
               "second split row for txn_id 'T1' and payee_id 'P1' (first on line 2); one row "
               "per payee per transaction");
  EXPECT_EQ(diags_.error_count(), 1u);
}

TEST_P(Dataset, ReportsSharesNotSummingToOne) {
  write_basics();
  write("splits.csv",
        "txn_id,payee_id,share\nT1,P1,0.6\nT2,P1,1\nT1,P2,0.3\nT1,M1,0.0999999999\n");
  EXPECT_FALSE(read());
  expect_error("splits.csv", 2, 7,
               "shares of txn_id 'T1' sum to 0.9999999999, expected exactly 1 (split rows on "
               "lines 2, 4, 5)");
  EXPECT_EQ(diags_.error_count(), 1u);
}

TEST_P(Dataset, SharesSummingToExactlyOneAtAnyScale) {
  write_basics();
  write("splits.csv",
        "txn_id,payee_id,share\nT1,P1,0.3333333333\nT1,P2,0.3333333333\nT1,M1,0.3333333334\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  EXPECT_EQ(ds->splits.size(), 3u);
}

TEST_P(Dataset, ReportsUnknownTxnIdInSplits) {
  write_basics();
  write("splits.csv", "txn_id,payee_id,share\nT9,P1,1\n");
  EXPECT_FALSE(read());
  expect_error("splits.csv", 2, 1, "unknown txn_id 'T9': no such txn_id in transactions.csv");
}

TEST_P(Dataset, ReportsDuplicateQuota) {
  write_basics();
  write("quotas.csv",
        "payee_id,period,amount\nP1,2026-Q1,100\nP1,2026-Q2,100\nP1,2026-Q1,200\n");
  EXPECT_FALSE(read());
  expect_error("quotas.csv", 4, 1,
               "duplicate quota for payee_id 'P1', period 2026-Q1, metric 'quota' (first on line "
               "2)");
}

TEST_P(Dataset, ReportsDuplicateFxRate) {
  write_basics();
  write("fx.csv", "currency,period,rate\nEUR,2026-Q1,1.08\nGBP,2026-Q1,1.27\nEUR,2026-Q1,1.09\n");
  EXPECT_FALSE(read());
  expect_error("fx.csv", 4, 1, "duplicate fx rate for EUR in 2026-Q1 (first on line 2)");
}

TEST_P(Dataset, ReportsBadCurrencyAndRate) {
  write_basics();
  write("fx.csv", "currency,period,rate\neur,2026-Q1,1.08\nGBP,2026-Q1,0\n");
  EXPECT_FALSE(read());
  expect_error("fx.csv", 2, 1,
               "bad currency 'eur': expected a three-letter ISO 4217 code such as EUR");
  expect_error("fx.csv", 3, 13, "rate 0 must be positive (plan-currency units per unit of GBP)");
}

TEST_P(Dataset, RescalesEarlierAmountsAndReportsOutOfRange) {
  write_basics();
  // 9e17 fits an int64 at scale 0, but not once a 2-digit fraction appears.
  write("transactions.csv",
        "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,900000000000000000\n"
        "T2,2026-01-10,P1,0.25\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 3, 18,
               "amount out of range: with 2 fractional digits, the amount on line 2 no longer "
               "fits 64 bits");
}

TEST_P(Dataset, ReportsAmountBeyondInt64) {
  write_basics();
  write("transactions.csv",
        "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,99999999999999999999.5\n");
  EXPECT_FALSE(read());
  expect_error("transactions.csv", 2, 18,
               "amount out of range: '99999999999999999999.5' does not fit 64 bits");
}

TEST_P(Dataset, AmountRescalingKeepsValues) {
  write_basics();
  write("transactions.csv",
        "txn_id,date,payee_id,amount\nT1,2026-01-10,P1,7\nT2,2026-01-10,P1,-0.5\n"
        "T3,2026-01-10,P1,1.25\nT4,2026-01-10,P1,3\nT5,2026-01-10,P1,-1234.567\n");
  auto ds = read();
  ASSERT_TRUE(ds) << icm::render(diags_);
  const auto& t = ds->transactions;
  EXPECT_EQ(t.amount_scale, 3);
  EXPECT_EQ(t.amount, (std::vector<std::int64_t>{7000, -500, 1250, 3000, -1234567}));
  EXPECT_EQ(t.amount_of(4).to_string(), "-1234.567");
}

TEST_P(Dataset, CapsErrorsPerFile) {
  write("payees.csv", "payee_id\nP1\n");
  std::string txns = "txn_id,date,payee_id,amount\n";
  for (int i = 0; i < 60; ++i) txns += "T" + std::to_string(i) + ",2026-01-01,P1,bad\n";
  write("transactions.csv", txns);
  EXPECT_FALSE(read());
  EXPECT_EQ(diags_.error_count(), 51u);
  expect_error("transactions.csv", 0, 0, "and 10 more errors in this file");
}

// A file's errors come in line order, also those found after its last row
// (a duplicate txn_id), and the cap keeps the earliest: the same list, in
// the same order, as the streaming run gives.
TEST_P(Dataset, ErrorsOfAFileInLineOrderAndTheCapKeepsTheEarliest) {
  write("payees.csv", "payee_id\nP1\n");
  std::string txns = "txn_id,date,payee_id,amount\nT1,2026-01-01,P1,1\nT1,2026-01-01,P1,2\n";
  for (int i = 0; i < 60; ++i) txns += "U" + std::to_string(i) + ",2026-01-01,P1,bad\n";
  write("transactions.csv", txns);
  EXPECT_FALSE(read());
  std::vector<std::uint32_t> lines;
  for (const auto& d : diags_) lines.push_back(d.where.line);
  ASSERT_EQ(lines.size(), 51u);
  EXPECT_EQ(diags_.begin()->message, "duplicate txn_id 'T1' (first on line 2)");
  for (std::uint32_t i = 0; i < 50; ++i) EXPECT_EQ(lines[i], i + 3) << i;
  expect_error("transactions.csv", 0, 0, "and 11 more errors in this file");
}

TEST_P(Dataset, KeepsGoingAcrossFiles) {
  write_basics();
  write("transactions.csv",
        "txn_id,date,payee_id,amount\nT1,2026-13-10,P1,1\nT2,2026-01-10,P1,x\n");
  write("quotas.csv", "payee_id,period,amount\nP1,Q1,100\n");
  EXPECT_FALSE(read());
  EXPECT_EQ(diags_.error_count(), 3u);
  // The transaction with a bad date still exists for splits.
  write("splits.csv", "txn_id,payee_id,share\nT1,P1,1\n");
  EXPECT_FALSE(read());
  EXPECT_EQ(diags_.error_count(), 3u);
}

TEST_P(Dataset, WarnsAboutUnusedColumnsInFixedFiles) {
  write_basics();
  write("fx.csv", "currency,period,rate,source\nEUR,2026-Q1,1.08,ECB\n");
  auto ds = read();
  ASSERT_TRUE(ds);
  ASSERT_EQ(diags_.size(), 1u);
  EXPECT_EQ(diags_.items()[0].level, icm::severity::warning);
  EXPECT_EQ(diags_.items()[0].where.column, 22u);
}

TEST_P(Dataset, HeadlineNamesFileLineAndColumn) {
  write_basics();
  write("transactions.csv", "txn_id,date,payee_id,amount\nT1,2026-01-10,P9,1\n");
  EXPECT_FALSE(read());
  ASSERT_EQ(diags_.size(), 1u);
  EXPECT_EQ(diags_.items()[0].headline(),
            path("transactions.csv") +
                ":2:15: error: unknown payee_id 'P9': no such payee_id in payees.csv");
}

TEST_P(Dataset, ShippedReferenceDataReadsCleanly) {
  icm::diagnostics diags;
  auto ds = icm::read_dataset(std::string(ICM_SOURCE_DIR) + "/rules/data/reference", diags);
  ASSERT_TRUE(ds) << icm::render(diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_GE(ds->payees.size(), 12u);
  EXPECT_GE(ds->transactions.size(), 140u);
  EXPECT_EQ(ds->transactions.amount_scale, 2);
  EXPECT_TRUE(ds->transactions.attribute("product"));
}

INSTANTIATE_TEST_SUITE_P(FromDiskAndMemory, Dataset, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "memory" : "disk"; });

}  // namespace

namespace {

// The fast amount parser of both transaction readers: exact up to int64,
// "too large" one past it, whatever the split between whole and fraction.
TEST(AmountParser, Int64BoundsWithAndWithoutFraction) {
  using icm::detail::amount_syntax;
  std::int64_t c = 0;
  int scale = -1;
  EXPECT_EQ(icm::detail::parse_amount("9223372036854775807", c, scale), amount_syntax::ok);
  EXPECT_EQ(c, INT64_MAX);
  EXPECT_EQ(scale, 0);
  EXPECT_EQ(icm::detail::parse_amount("-92233720368547758.07", c, scale), amount_syntax::ok);
  EXPECT_EQ(c, -INT64_MAX);
  EXPECT_EQ(scale, 2);
  EXPECT_EQ(icm::detail::parse_amount("9223372036854775808", c, scale), amount_syntax::too_large);
  EXPECT_EQ(icm::detail::parse_amount("92233720368547758.08", c, scale), amount_syntax::too_large);
  EXPECT_EQ(icm::detail::parse_amount("0.000000000000000001", c, scale), amount_syntax::ok);
  EXPECT_EQ(c, 1);
  EXPECT_EQ(scale, 18);
  // Past 18 fractional digits: refused, whatever the coefficient.
  EXPECT_EQ(icm::detail::parse_amount("0.0000000000000000001", c, scale), amount_syntax::too_precise);
  EXPECT_EQ(scale, 19);
  EXPECT_EQ(icm::detail::parse_amount("1." + std::string(1500, '0'), c, scale), amount_syntax::too_precise);
  EXPECT_EQ(scale, 1500);
  EXPECT_EQ(icm::detail::parse_amount("123456789012345678", c, scale), amount_syntax::ok);
  EXPECT_EQ(c, 123456789012345678);
  EXPECT_EQ(icm::detail::parse_amount("99999999999999999999", c, scale), amount_syntax::too_large);
  EXPECT_EQ(icm::detail::parse_amount("1.", c, scale), amount_syntax::bad);
  EXPECT_EQ(icm::detail::parse_amount("-", c, scale), amount_syntax::bad);
  EXPECT_EQ(icm::detail::parse_amount("1e5", c, scale), amount_syntax::bad);
}

}  // namespace
