// Tests of the reference-plan data generator (bench/generate): determinism,
// shape of every file, referential integrity and the hand-made edge payees.
#include "generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using icm::gen::generate;
using icm::gen::generated_files;
using icm::gen::generator_options;

using row = std::vector<std::string>;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    EXPECT_NE(nl, std::string::npos) << "last line has no newline";
    if (nl == std::string::npos) break;
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

row fields_of(const std::string& line) {
  row fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

// Data rows, each checked to have the header's column count.
std::vector<row> rows_of(const std::string& text, std::string_view header) {
  const auto lines = lines_of(text);
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return {};
  EXPECT_EQ(lines[0], header);
  const std::size_t columns = fields_of(lines[0]).size();
  std::vector<row> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    rows.push_back(fields_of(lines[i]));
    EXPECT_EQ(rows.back().size(), columns) << "line " << i + 1 << ": " << lines[i];
  }
  return rows;
}

std::int64_t to_int(std::string_view text) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  EXPECT_TRUE(ec == std::errc() && ptr == text.data() + text.size()) << "'" << text << "'";
  return v;
}

// A plain decimal as an integer count of 10^-scale units; fails the test on
// more fractional digits than `scale` or on anything but -?digits(.digits)?.
std::int64_t to_units(std::string_view text, int scale) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  const std::size_t dot = text.find('.');
  std::string digits(text.substr(0, dot));
  std::string frac = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  EXPECT_LE(frac.size(), static_cast<std::size_t>(scale)) << text;
  EXPECT_FALSE(digits.empty()) << text;
  frac.resize(static_cast<std::size_t>(scale), '0');
  const std::int64_t v = to_int(digits + frac);
  return negative ? -v : v;
}

int decimals_of(std::string_view amount) {
  const std::size_t dot = amount.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(amount.size() - dot - 1);
}

constexpr std::string_view payees_header =
    "payee_id,name,manager_id,role,region,currency,hire_date,end_date,target_incentive";
constexpr std::string_view quotas_header = "payee_id,period,amount";
constexpr std::string_view fx_header = "currency,period,rate";
constexpr std::string_view transactions_header =
    "txn_id,date,payee_id,amount,currency,product,region,deal_type";
constexpr std::string_view splits_header = "txn_id,payee_id,share";

generator_options small(std::uint64_t seed = 7) {
  generator_options opt;
  opt.payees = 200;
  opt.transactions = 20000;
  opt.seed = seed;
  return opt;
}

// One generated data set shared by the read-only tests.
const generated_files& small_files() {
  static const generated_files files = generate(small());
  return files;
}

TEST(Generate, SameSeedGivesIdenticalBytes) {
  const generated_files again = generate(small());
  const generated_files& first = small_files();
  EXPECT_EQ(first.payees, again.payees);
  EXPECT_EQ(first.quotas, again.quotas);
  EXPECT_EQ(first.fx, again.fx);
  EXPECT_EQ(first.transactions, again.transactions);
  EXPECT_EQ(first.splits, again.splits);
}

// Pins the stream itself: a change to the PRNG, the draw order or the
// formatting shows up here, not as a silent change of every benchmark's data.
TEST(Generate, PinnedRowsForSeedSeven) {
  const generated_files& f = small_files();
  EXPECT_EQ(lines_of(f.payees).at(1), "1,Gray Abe,,manager,NA,USD,2022-04-22,,35107.00");
  EXPECT_EQ(lines_of(f.quotas).at(1), "1,2026-Q1,159916.00");
  EXPECT_EQ(lines_of(f.fx).at(1), "EUR,2026-Q1,1.062426");
  EXPECT_EQ(lines_of(f.transactions).at(1), "1,2026-07-15,101,5003.64,USD,saas,EMEA,expansion");
  EXPECT_EQ(lines_of(f.transactions).at(4), "4,2026-11-28,45,1330874,JPY,support,NA,renewal");
  EXPECT_EQ(lines_of(f.splits).at(1), "14,97,0.5");
}

TEST(Generate, DifferentSeedGivesDifferentData) {
  const generated_files other = generate(small(8));
  const generated_files& first = small_files();
  EXPECT_NE(first.payees, other.payees);
  EXPECT_NE(first.quotas, other.quotas);
  EXPECT_NE(first.fx, other.fx);
  EXPECT_NE(first.transactions, other.transactions);
  EXPECT_NE(first.splits, other.splits);
}

TEST(Generate, RowCounts) {
  const generated_files& f = small_files();
  const std::uint64_t payees = 200 + icm::gen::edge_payee_count;
  const std::uint64_t txns = 20000 + icm::gen::edge_txn_count;
  EXPECT_EQ(rows_of(f.payees, payees_header).size(), payees);
  EXPECT_EQ(rows_of(f.quotas, quotas_header).size(), 4 * payees);
  EXPECT_EQ(rows_of(f.fx, fx_header).size(), 20u);
  EXPECT_EQ(rows_of(f.transactions, transactions_header).size(), txns);
  const auto splits = rows_of(f.splits, splits_header).size();
  EXPECT_EQ(f.counts.payees, payees);
  EXPECT_EQ(f.counts.quotas, 4 * payees);
  EXPECT_EQ(f.counts.fx_rates, 20u);
  EXPECT_EQ(f.counts.transactions, txns);
  EXPECT_EQ(f.counts.splits, splits);
  // About 1% of transactions split, two rows each, plus the edge split.
  EXPECT_GT(splits, 2u * 100);
  EXPECT_LT(splits, 2u * 300);
}

TEST(Generate, PayeesFormATreeWithValidDates) {
  const auto payees = rows_of(small_files().payees, payees_header);
  std::set<std::int64_t> ids;
  int managers = 0, joiners = 0, leavers = 0;
  for (const row& p : payees) {
    const std::int64_t id = to_int(p[0]);
    EXPECT_EQ(id, static_cast<std::int64_t>(ids.size()) + 1) << "ids are 1..N+10 in order";
    ids.insert(id);
    if (!p[2].empty()) {
      // The manager comes earlier, so following manager_id always ends.
      EXPECT_LT(to_int(p[2]), id);
      EXPECT_TRUE(ids.count(to_int(p[2])));
    }
    managers += p[3] == "manager";
    EXPECT_EQ(p[6].size(), 10u);
    joiners += p[6].rfind("2026-", 0) == 0;
    if (!p[7].empty()) {
      ++leavers;
      EXPECT_EQ(p[7].rfind("2026-", 0), 0u) << p[7];
      EXPECT_LT(p[6], p[7]);
    }
    const std::int64_t ti = to_units(p[8], 2);
    EXPECT_EQ(decimals_of(p[8]), 2);
    EXPECT_GE(ti, 200000);  // 2000.00 (edge cap payee) .. 40000.00
    EXPECT_LE(ti, 4000000);
  }
  EXPECT_EQ(managers, 20);
  EXPECT_GT(joiners, 0);
  EXPECT_GT(leavers, 0);
  EXPECT_LT(joiners + leavers, 40);
}

TEST(Generate, QuotasAndRates) {
  const auto quotas = rows_of(small_files().quotas, quotas_header);
  std::map<std::int64_t, std::set<std::string>> periods;
  for (const row& q : quotas) {
    periods[to_int(q[0])].insert(q[1]);
    const std::int64_t amount = to_units(q[2], 2);
    EXPECT_GE(amount, 5000000);
    EXPECT_LE(amount, 40000000);
  }
  EXPECT_EQ(periods.size(), 210u);
  for (const auto& [id, ps] : periods) {
    EXPECT_EQ(ps, (std::set<std::string>{"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"})) << id;
  }

  const auto fx = rows_of(small_files().fx, fx_header);
  const std::map<std::string, std::int64_t> base{
      {"EUR", 1080000}, {"GBP", 1270000}, {"JPY", 6700}, {"CAD", 740000}, {"INR", 12000}};
  std::set<std::string> seen;
  for (const row& r : fx) {
    ASSERT_TRUE(base.count(r[0])) << r[0];
    seen.insert(r[0] + r[1]);
    EXPECT_EQ(decimals_of(r[2]), 6) << r[2];
    const std::int64_t rate = to_units(r[2], 6);
    EXPECT_GE(rate * 100, base.at(r[0]) * 97) << r[0] << " " << r[2];
    EXPECT_LE(rate * 100, base.at(r[0]) * 103) << r[0] << " " << r[2];
  }
  EXPECT_EQ(seen.size(), 20u);
}

struct txn_stats {
  std::int64_t usd = 0, negative = 0, total = 0;
};

TEST(Generate, TransactionsReferToPayeesAndHaveTheRightShape) {
  const generated_files& f = small_files();
  std::set<std::string> payee_ids;
  for (const row& p : rows_of(f.payees, payees_header)) payee_ids.insert(p[0]);
  const std::set<std::string> products{"saas", "services", "hardware", "support", "training"};
  const std::set<std::string> currencies{"USD", "EUR", "GBP", "JPY", "CAD", "INR"};

  txn_stats stats;
  std::int64_t expected_id = 1;
  for (const row& t : rows_of(f.transactions, transactions_header)) {
    EXPECT_EQ(to_int(t[0]), expected_id++);
    EXPECT_EQ(t[1].size(), 10u);
    EXPECT_EQ(t[1].rfind("2026-", 0), 0u) << t[1];
    EXPECT_TRUE(payee_ids.count(t[2])) << "unknown payee " << t[2];
    EXPECT_TRUE(currencies.count(t[4])) << t[4];
    EXPECT_TRUE(products.count(t[5])) << t[5];
    EXPECT_EQ(decimals_of(t[3]), t[4] == "JPY" ? 0 : 2) << t[3] << " " << t[4];
    const std::int64_t amount = to_units(t[3], t[4] == "JPY" ? 0 : 2);
    EXPECT_NE(amount, 0);
    EXPECT_EQ(amount < 0, t[7] == "credit_note");
    ++stats.total;
    stats.usd += t[4] == "USD";
    stats.negative += amount < 0;
  }
  // ~70% USD, ~5% credit notes.
  EXPECT_GT(stats.usd * 100, stats.total * 66);
  EXPECT_LT(stats.usd * 100, stats.total * 74);
  EXPECT_GT(stats.negative * 1000, stats.total * 40);
  EXPECT_LT(stats.negative * 1000, stats.total * 60);
}

TEST(Generate, SplitSharesSumToExactlyOne) {
  const generated_files& f = small_files();
  std::map<std::string, std::string> txn_payee;
  for (const row& t : rows_of(f.transactions, transactions_header)) txn_payee[t[0]] = t[2];
  std::map<std::string, std::int64_t> share_sum;
  std::map<std::string, std::set<std::string>> split_payees;
  for (const row& s : rows_of(f.splits, splits_header)) {
    ASSERT_TRUE(txn_payee.count(s[0])) << "split of unknown txn " << s[0];
    const std::int64_t share = to_units(s[2], 6);
    EXPECT_GT(share, 0);
    EXPECT_LE(share, 1000000);
    share_sum[s[0]] += share;
    EXPECT_TRUE(split_payees[s[0]].insert(s[1]).second) << "payee twice in txn " << s[0];
  }
  for (const auto& [txn, sum] : share_sum) {
    EXPECT_EQ(sum, 1000000) << "txn " << txn;
    EXPECT_EQ(split_payees[txn].size(), 2u);
    EXPECT_TRUE(split_payees[txn].count(txn_payee[txn])) << "primary payee keeps a share";
  }
}

// Credited USD cents of the reference plan's rules (saas/services 100%,
// hardware 50%, support/training 0), rounded half-even; the data set's
// attainments should spread over about 0-200%.
TEST(Generate, AttainmentsSpreadRoughlyZeroToTwoHundredPercent) {
  const generated_files& f = small_files();
  std::map<std::string, std::int64_t> rate;  // "EUR2026-Q1" -> millionths
  for (const row& r : rows_of(f.fx, fx_header)) rate[r[0] + r[1]] = to_units(r[2], 6);
  std::map<std::pair<std::int64_t, int>, std::int64_t> quota, credited;
  for (const row& q : rows_of(f.quotas, quotas_header)) {
    quota[{to_int(q[0]), q[1][6] - '1'}] = to_units(q[2], 2);
  }
  for (const row& t : rows_of(f.transactions, transactions_header)) {
    const std::int64_t payee = to_int(t[2]);
    if (payee > 200) continue;  // edge payees
    const int month = std::stoi(t[1].substr(5, 2));
    const int q = (month - 1) / 3;
    const int weight_pct = t[5] == "saas" || t[5] == "services" ? 100 : t[5] == "hardware" ? 50 : 0;
    // Amount in cents x 10^6 (rate) x 100 (weight), then down to cents.
    std::int64_t units = to_units(t[3], 2);  // JPY has no fraction: 1 yen = 100 units
    std::int64_t r = 1000000;
    if (t[4] != "USD") r = rate.at(t[4] + "2026-Q" + std::to_string(q + 1));
    credited[{payee, q}] += units * r / 1000000 * weight_pct / 100;
  }
  std::vector<std::int64_t> attainment_pct;
  for (const auto& [key, amount] : credited) {
    attainment_pct.push_back(amount * 100 / quota.at(key));
  }
  ASSERT_GT(attainment_pct.size(), 700u);
  std::sort(attainment_pct.begin(), attainment_pct.end());
  const auto at = [&](std::size_t percentile) {
    return attainment_pct[attainment_pct.size() * percentile / 100];
  };
  EXPECT_GE(at(10), 5);
  EXPECT_LE(at(10), 40);
  EXPECT_GE(at(50), 70);
  EXPECT_LE(at(50), 130);
  EXPECT_GE(at(90), 160);
  EXPECT_LE(at(90), 240);
}

// The edge payees and their transactions, byte for byte (README.md lists
// what each one exercises).
TEST(Generate, EdgePayeesHaveTheirExactAmounts) {
  const generated_files& f = small_files();
  const auto has_line = [](const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
  };
  const char* payee_lines[] = {
      "201,Edge at quota,,ae,NA,USD,2021-01-01,,20000.00",
      "202,Edge one cent below quota,,ae,NA,USD,2021-01-01,,20000.00",
      "203,Edge at 50 percent,,ae,NA,USD,2021-01-01,,20000.00",
      "204,Edge at 150 percent,,ae,NA,USD,2021-01-01,,20000.00",
      "205,Edge cap hit,,ae,NA,USD,2021-01-01,,2000.00",
      "206,Edge FX half-cent ties,,ae,NA,USD,2021-01-01,,20000.00",
      "207,Edge weight half-cent ties,,ae,NA,USD,2021-01-01,,20000.00",
      "208,Edge no transactions,,ae,NA,USD,2021-01-01,,20000.00",
      "209,Edge clawback and split,,ae,NA,USD,2021-01-01,,20000.00",
      "210,Edge split partner,,ae,NA,USD,2021-01-01,,20000.00",
  };
  for (const char* line : payee_lines) EXPECT_TRUE(has_line(f.payees, line)) << line;
  for (int id = 201; id <= 210; ++id) {
    for (int q = 1; q <= 4; ++q) {
      const std::string line = std::to_string(id) + ",2026-Q" + std::to_string(q) + ",100000.00";
      EXPECT_TRUE(has_line(f.quotas, line)) << line;
    }
  }
  EXPECT_TRUE(has_line(f.fx, "EUR,2026-Q2,1.085000"));
  const char* txn_lines[] = {
      "20001,2026-02-10,201,100000.00,USD,saas,NA,new",
      "20002,2026-02-11,202,99999.99,USD,saas,NA,new",
      "20003,2026-02-12,203,50000.00,USD,services,NA,new",
      "20004,2026-02-13,204,150000.00,USD,saas,NA,new",
      "20005,2026-02-14,205,130000.00,USD,saas,NA,new",
      "20006,2026-05-12,206,12345.00,EUR,saas,NA,new",
      "20007,2026-05-13,206,12347.00,EUR,saas,NA,expansion",
      "20008,2026-08-10,207,100.01,USD,hardware,NA,new",
      "20009,2026-08-11,207,100.03,USD,hardware,NA,new",
      "20010,2026-11-10,207,199999.99,USD,hardware,NA,new",
      "20011,2026-02-16,209,120000.00,USD,saas,NA,new",
      "20012,2026-05-18,209,-30000.00,USD,saas,NA,credit_note",
      "20013,2026-08-20,209,100000.00,USD,saas,NA,new",
  };
  for (const char* line : txn_lines) EXPECT_TRUE(has_line(f.transactions, line)) << line;
  EXPECT_TRUE(has_line(f.splits, "20013,209,0.6"));
  EXPECT_TRUE(has_line(f.splits, "20013,210,0.4"));

  // The ties really are ties: amount x rate (or x 50%) ends in exactly half a cent.
  EXPECT_EQ(1234500LL * 1085000 % 1000000, 500000);  // 13394.325
  EXPECT_EQ(1234700LL * 1085000 % 1000000, 500000);  // 13396.495
  for (const std::int64_t cents : {10001LL, 10003LL, 19999999LL}) EXPECT_EQ(cents * 50 % 100, 50);

  // Edge payees get no random transactions; N+8 gets none at all; random
  // splits never involve an edge payee.
  std::map<std::int64_t, int> per_payee;
  for (const row& t : rows_of(f.transactions, transactions_header)) ++per_payee[to_int(t[2])];
  EXPECT_EQ(per_payee[201], 1);
  EXPECT_EQ(per_payee[206], 2);
  EXPECT_EQ(per_payee[207], 3);
  EXPECT_EQ(per_payee.count(208), 0u);
  EXPECT_EQ(per_payee[209], 3);
  EXPECT_EQ(per_payee.count(210), 0u);
  for (const row& s : rows_of(f.splits, splits_header)) {
    if (to_int(s[0]) <= 20000) {
      EXPECT_LE(to_int(s[1]), 200);
    }
  }
}

TEST(Generate, NoSplitsLeavesHeaderOnlyAndSameTransactions) {
  generator_options opt = small();
  opt.splits = false;
  const generated_files f = generate(opt);
  EXPECT_EQ(f.splits, std::string(splits_header) + "\n");
  EXPECT_EQ(f.counts.splits, 0u);
  EXPECT_EQ(f.transactions, small_files().transactions);
  EXPECT_EQ(f.payees, small_files().payees);
}

TEST(Generate, YearOptionMovesDatesAndPeriods) {
  generator_options opt;
  opt.payees = 50;
  opt.transactions = 5000;
  opt.year = 2028;  // leap year
  const generated_files f = generate(opt);
  bool leap_day = false;
  for (const row& t : rows_of(f.transactions, transactions_header)) {
    EXPECT_EQ(t[1].rfind("2028-", 0), 0u) << t[1];
    leap_day = leap_day || t[1] == "2028-02-29";
  }
  EXPECT_TRUE(leap_day);
  for (const row& q : rows_of(f.quotas, quotas_header)) EXPECT_EQ(q[1].rfind("2028-Q", 0), 0u);
}

TEST(Generate, SinglePayeeAndNoTransactions) {
  generator_options opt;
  opt.payees = 1;
  opt.transactions = 0;
  const generated_files f = generate(opt);
  EXPECT_EQ(f.counts.payees, 11u);
  EXPECT_EQ(f.counts.transactions, icm::gen::edge_txn_count);
  EXPECT_EQ(f.counts.splits, 2u);  // the edge split only
  EXPECT_TRUE(f.transactions.find("\n1,2026-02-10,2,100000.00,USD,saas,NA,new\n") !=
              std::string::npos);
}

TEST(Generate, RejectsBadOptions) {
  generator_options opt;
  opt.payees = 0;
  EXPECT_THROW(icm::gen::validate(opt), icm::gen::generator_error);
  opt.payees = 10;
  opt.year = 1800;
  EXPECT_THROW(generate(opt), icm::gen::generator_error);
}

TEST(Generate, WritesTheSameBytesToADirectory) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("icm_generate_test_" + std::to_string(::testing::UnitTest::GetInstance()
                                                               ->random_seed()));
  std::filesystem::remove_all(dir);
  const auto counts = icm::gen::write_directory(small(), dir);
  EXPECT_EQ(counts.transactions, small_files().counts.transactions);
  const auto read = [&](const char* name) {
    std::ifstream in(dir / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  EXPECT_EQ(read("payees.csv"), small_files().payees);
  EXPECT_EQ(read("quotas.csv"), small_files().quotas);
  EXPECT_EQ(read("fx.csv"), small_files().fx);
  EXPECT_EQ(read("transactions.csv"), small_files().transactions);
  EXPECT_EQ(read("splits.csv"), small_files().splits);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().extension(), ".csv") << "left behind: " << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 5u);
  std::filesystem::remove_all(dir);
}

}  // namespace
