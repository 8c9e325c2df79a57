// The bad-input matrix of the spec (section 7), end to end through the icm
// command-line tool: every case gets its exact message and place on stderr,
// exit code 1, and no output files: neither in a fresh --out folder nor over
// the files an earlier good run left (those stay byte for byte). Also the
// permissive mode (--rejects), usage errors, `icm check`, byte-identical
// reruns of the reference plans, and the limits (nesting depth, a huge line).
#include <gtest/gtest.h>

#include <sys/wait.h>  // WEXITSTATUS

#include <chrono>      // time of the huge-line case
#include <cstdlib>     // std::system
#include <filesystem>  // temp folders
#include <fstream>     // files
#include <map>         // folder snapshots
#include <sstream>     // whole-file reads
#include <string>

#include <unistd.h>  // getpid

#include "icm/data.hpp"         // the permissive reader, called directly once
#include "icm/diagnostics.hpp"  // its errors

namespace {

namespace fs = std::filesystem;

struct outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Every file of a folder (name -> bytes); hidden temporaries included.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return files;
  for (const auto& e : fs::directory_iterator(dir)) files[e.path().filename().string()] = slurp(e.path());
  return files;
}

const char* const plan_text =
    "plan \"T\" {\n"                                              // 1
    "  currency USD\n"                                            // 2
    "  period quarter\n"                                          // 3
    "  year 2026\n"                                               // 4
    "}\n"                                                         // 5
    "columns product\n"                                           // 6
    "credit 100%\n"                                               // 7
    "measure credited = sum(credit)\n"                            // 8
    "measure attainment = credited / quota\n"                     // 9
    "component commission { pay credited * 10% }\n"               // 10
    "component club { bonus 100.00 USD when attainment >= 100% }\n";  // 11

const char* const payees_csv =
    "payee_id,name,manager_id,region,hire_date,end_date,target_incentive\n"
    "A1,Ann,M1,west,2025-01-01,,10000.00\n"
    "M1,Max,,west,2020-01-01,,20000.00\n";

const char* const transactions_csv =
    "txn_id,date,payee_id,amount,currency,product\n"  // 1
    "T1,2026-01-15,A1,1000.00,USD,saas\n"             // 2
    "T2,2026-02-10,A1,2000.00,EUR,saas\n"             // 3
    "T3,2026-04-01,M1,500.00,USD,hardware\n";         // 4

std::string quotas_csv() {
  std::string s = "payee_id,period,amount\n";
  for (const char* p : {"A1", "M1"})
    for (int q = 1; q <= 4; ++q) s += std::string(p) + ",2026-Q" + std::to_string(q) + ",10000.00\n";
  return s;
}

const char* const fx_csv =
    "currency,period,rate\nEUR,2026-Q1,1.10\nEUR,2026-Q2,1.10\nEUR,2026-Q3,1.10\nEUR,2026-Q4,1.10\n";

// The payouts of the good data set: A1 Q1 credited 1000 + 2000 EUR * 1.10 = 3200.
const char* const good_payouts =
    "payee_id,period,component,amount,currency\n"
    "A1,2026-Q1,commission,320.00,USD\nA1,2026-Q1,club,0.00,USD\n"
    "A1,2026-Q2,commission,0.00,USD\nA1,2026-Q2,club,0.00,USD\n"
    "A1,2026-Q3,commission,0.00,USD\nA1,2026-Q3,club,0.00,USD\n"
    "A1,2026-Q4,commission,0.00,USD\nA1,2026-Q4,club,0.00,USD\n"
    "M1,2026-Q1,commission,0.00,USD\nM1,2026-Q1,club,0.00,USD\n"
    "M1,2026-Q2,commission,50.00,USD\nM1,2026-Q2,club,0.00,USD\n"
    "M1,2026-Q3,commission,0.00,USD\nM1,2026-Q3,club,0.00,USD\n"
    "M1,2026-Q4,commission,0.00,USD\nM1,2026-Q4,club,0.00,USD\n";

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("icm_bad_input_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(data());
    spit(plan(), plan_text);
    spit(data() / "payees.csv", payees_csv);
    spit(data() / "transactions.csv", transactions_csv);
    spit(data() / "quotas.csv", quotas_csv());
    spit(data() / "fx.csv", fx_csv);
    spit(data() / "splits.csv", "txn_id,payee_id,share\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path data() const { return root_ / "data"; }
  fs::path plan() const { return root_ / "plan.icm"; }
  fs::path file(const char* name) const { return data() / name; }
  std::string path_of(const char* name) const { return file(name).string(); }

  void append(const char* name, const std::string& rows) {
    std::ofstream out(file(name), std::ios::binary | std::ios::app);
    out << rows;
  }
  void replace_in(const char* name, const std::string& from, const std::string& to) {
    std::string text = slurp(file(name));
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    spit(file(name), text);
  }
  void plan_replace(const std::string& from, const std::string& to) {
    std::string text = slurp(plan());
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    spit(plan(), text);
  }

  outcome icm(const std::string& args) const {
    const fs::path out = root_ / "stdout.txt", err = root_ / "stderr.txt";
    const std::string cmd = quoted(ICM_CLI_PATH) + " " + args + " >" + quoted(out.string()) + " 2>" +
                            quoted(err.string());
    const int status = std::system(cmd.c_str());
    outcome o;
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = slurp(out);
    o.err = slurp(err);
    return o;
  }
  outcome run(const fs::path& out_dir, const std::string& extra = "") const {
    return icm("run " + quoted(plan().string()) + " --data " + quoted(data().string()) + " --out " +
               quoted(out_dir.string()) + extra);
  }

  // Runs the (now bad) plan and data twice: into a fresh folder, which must
  // stay without output files, and over the outputs of an earlier good run,
  // which must stay untouched. Returns the stderr of the first.
  std::string expect_failure() {
    const fs::path fresh = root_ / "fresh";
    const outcome o = run(fresh);
    EXPECT_EQ(o.exit_code, 1) << o.err;
    EXPECT_EQ(o.out, "");
    EXPECT_TRUE(snapshot(fresh).empty()) << "output files written by a failed run";

    const outcome again = run(previous_);
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_EQ(again.err, o.err);
    EXPECT_EQ(snapshot(previous_), previous_files_) << "an earlier run's outputs were touched";
    return o.err;
  }

  // A good run's outputs, kept to check that a failing run leaves them alone.
  void good_run_first() {
    previous_ = root_ / "previous";
    const outcome o = run(previous_);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    previous_files_ = snapshot(previous_);
    ASSERT_EQ(previous_files_.size(), 3u);
    ASSERT_EQ(previous_files_["payouts.csv"], good_payouts);
  }

  // The stderr of a data error: the headline and the summary line.
  std::string data_error(const char* file_name, const std::string& place_and_message) const {
    return path_of(file_name) + ":" + place_and_message + "\n1 error: nothing was written\n";
  }

  fs::path root_;
  fs::path previous_;
  std::map<std::string, std::string> previous_files_;
};

// ---- malformed CSV ------------------------------------------------------------

TEST_F(BadInput, UnbalancedQuote) {
  good_run_first();
  append("transactions.csv", "T4,2026-01-15,A1,\"1000.00,USD,saas\nT5,2026-01-15,A1,1,USD,saas\n");
  EXPECT_EQ(expect_failure(), data_error("transactions.csv",
                                         "5:18: error: unbalanced quote: this quoted field has no "
                                         "closing quote"));
}

TEST_F(BadInput, WrongColumnCount) {
  good_run_first();
  append("transactions.csv", "T4,2026-01-15,A1,1000.00,USD\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv", "5:29: error: expected 6 fields, found 5"));
}

TEST_F(BadInput, BadNumber) {
  good_run_first();
  append("transactions.csv", "T4,2026-01-15,A1,10O0.00,USD,saas\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv",
                       "5:20: error: bad number '10O0.00' for amount: unexpected 'O', expected a "
                       "digit, '.' or the end of the number"));
}

TEST_F(BadInput, BadDate) {
  good_run_first();
  append("transactions.csv", "T4,2026-02-30,A1,100.00,USD,saas\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv",
                       "5:4: error: bad date '2026-02-30' for date: expected YYYY-MM-DD (a real "
                       "calendar day)"));
}

TEST_F(BadInput, UnknownPayee) {
  good_run_first();
  append("transactions.csv", "T4,2026-02-03,Z9,100.00,USD,saas\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv",
                       "5:15: error: unknown payee_id 'Z9': no such payee_id in payees.csv"));
}

TEST_F(BadInput, DuplicateTxnId) {
  good_run_first();
  append("transactions.csv", "T2,2026-02-03,A1,100.00,USD,saas\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv", "5:1: error: duplicate txn_id 'T2' (first on line 3)"));
}

TEST_F(BadInput, SplitsNotSummingToOne) {
  good_run_first();
  append("splits.csv", "T1,A1,0.5\nT1,M1,0.4\n");
  EXPECT_EQ(expect_failure(),
            data_error("splits.csv",
                       "2:7: error: shares of txn_id 'T1' sum to 0.9, expected exactly 1 (split "
                       "rows on lines 2, 3)"));
}

// ---- errors of one payee and period ---------------------------------------------

TEST_F(BadInput, MissingQuota) {
  good_run_first();
  replace_in("quotas.csv", "A1,2026-Q2,10000.00\n", "");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":9:33: payee A1, period 2026-Q2: error: no quota 'quota' for "
                                  "2026-Q2 in quotas.csv\n1 error: nothing was written\n");
}

TEST_F(BadInput, ZeroQuota) {
  good_run_first();
  replace_in("quotas.csv", "A1,2026-Q2,10000.00", "A1,2026-Q2,0");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":9:22: payee A1, period 2026-Q2: error: quota is zero: an "
                                  "attainment needs a positive quota\n1 error: nothing was "
                                  "written\n");
}

TEST_F(BadInput, MissingFxRate) {
  good_run_first();
  replace_in("fx.csv", "EUR,2026-Q1,1.10\n", "");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv",
                       "3:1: error: no FX rate for EUR in 2026-Q1 (fx.csv needs a row: "
                       "EUR,2026-Q1,RATE)"));
}

TEST_F(BadInput, ManagerCycleUnderRollup) {
  good_run_first();
  plan_replace("  year 2026\n", "  year 2026\n  rollup 1\n");
  replace_in("payees.csv", "M1,Max,,", "M1,Max,A1,");
  EXPECT_EQ(expect_failure(),
            data_error("payees.csv", "2:1: error: manager cycle: A1 -> M1 -> A1"));
}

// ---- plan errors: the plan line and a caret ---------------------------------------

TEST_F(BadInput, UnknownColumnInPlan) {
  good_run_first();
  plan_replace("credit 100%\n", "credit 100% where prodcut == \"saas\"\n");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":7:19: error: unknown column 'prodcut' (did you mean 'product'?)\n"
                                  "  credit 100% where prodcut == \"saas\"\n"
                                  "                    ^~~~~~~\n");
}

TEST_F(BadInput, PlanColumnMissingFromData) {
  good_run_first();
  plan_replace("columns product\n", "columns product, channel\n");
  plan_replace("credit 100%\n", "credit 100% where channel == \"web\"\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv",
                       "1:1: error: no column 'channel': the plan reads it (columns channel)"));
}

TEST_F(BadInput, UnknownFunction) {
  good_run_first();
  plan_replace("pay credited * 10%", "pay rund(credited, 0.01)");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":10:28: error: unknown function 'rund' (did you mean 'round'?)\n"
                                  "  component commission { pay rund(credited, 0.01) }\n"
                                  "                             ^~~~\n");
}

TEST_F(BadInput, MoneyPlusPercentageIsATypeError) {
  good_run_first();
  plan_replace("pay credited * 10%", "pay credited + 5%");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":10:37: error: cannot add money and ratio (e.g. money and a "
                                  "percentage)\n"
                                  "  component commission { pay credited + 5% }\n"
                                  "                                      ^~~~\n");
}

const char* const tiers_before =
    "component commission {\n"                            // 10
    "  tiers retroactive of credited by attainment {\n"   // 11
    "    from 0% to 50% pay 2%\n";                        // 12

TEST_F(BadInput, TierGap) {
  good_run_first();
  plan_replace("component commission { pay credited * 10% }\n",
               std::string(tiers_before) + "    from 60% pay 8%\n  }\n}\n");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":13:10: error: gap between bands: 0.50 to 0.60 is in no band\n"
                                  "      from 60% pay 8%\n"
                                  "           ^~~\n");
}

TEST_F(BadInput, TierOverlap) {
  good_run_first();
  plan_replace("component commission { pay credited * 10% }\n",
               std::string(tiers_before) + "    from 40% pay 8%\n  }\n}\n");
  EXPECT_EQ(expect_failure(), plan().string() +
                                  ":13:10: error: overlapping bands: this band starts at 0.40 but "
                                  "the previous one runs to 0.50\n"
                                  "      from 40% pay 8%\n"
                                  "           ^~~\n");
}

// ---- overflow of the fast representation --------------------------------------------

// Two amounts whose coefficients (at 2 digits) are INT64_MAX: their sum and
// its product with 10% overflow int64. The engine continues exactly in a
// wider representation; every figure below is computed by hand.
TEST_F(BadInput, OverflowOfTheFastRepresentationContinuesExactly) {
  append("transactions.csv",
         "T4,2026-01-15,A1,92233720368547758.07,USD,saas\n"
         "T5,2026-01-16,A1,92233720368547758.07,USD,saas\n");
  const fs::path out = root_ / "out";
  const outcome o = run(out);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  // A1 Q1 credited: 1000.00 + 2200.00 + 2 * 92233720368547758.07 = 184467440737098716.14;
  // 10% of it is 18446744073709871.614, half-even to the cent.
  const std::string payouts = slurp(out / "payouts.csv");
  EXPECT_NE(payouts.find("A1,2026-Q1,commission,18446744073709871.61,USD\n"), std::string::npos)
      << payouts;
  EXPECT_NE(payouts.find("A1,2026-Q1,club,100.00,USD\n"), std::string::npos);
  const std::string totals = slurp(out / "control_totals.csv");
  EXPECT_NE(totals.find("read,,0,USD,184467440737097016.14\n"), std::string::npos) << totals;
  EXPECT_NE(totals.find("paid,,8,USD,18446744073710021.61\n"), std::string::npos) << totals;
  // No wrapped (negative) figure anywhere.
  EXPECT_EQ(payouts.find(",-"), std::string::npos);
  EXPECT_EQ(totals.find(",-"), std::string::npos);
}

// An amount whose coefficient alone does not fit 64 bits is refused by the
// reader with its place, not truncated.
TEST_F(BadInput, AmountBeyondSixtyFourBitsIsAnError) {
  good_run_first();
  append("transactions.csv", "T4,2026-01-15,A1,99999999999999999999,USD,saas\n");
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv",
                       "5:18: error: amount out of range: '99999999999999999999' does not fit 64 "
                       "bits"));
}

// ---- empty inputs -----------------------------------------------------------------

TEST_F(BadInput, ZeroByteFileIsAnError) {
  good_run_first();
  spit(file("quotas.csv"), "");
  EXPECT_EQ(expect_failure(),
            data_error("quotas.csv", "1:1: error: empty file: expected a header row"));
}

TEST_F(BadInput, HeaderOnlyFilesAreValidAndEmpty) {
  spit(file("transactions.csv"), "txn_id,date,payee_id,amount,currency,product\n");
  spit(file("fx.csv"), "currency,period,rate\n");
  const fs::path out = root_ / "out";
  const outcome o = run(out);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const std::string payouts = slurp(out / "payouts.csv");
  EXPECT_NE(payouts.find("A1,2026-Q1,commission,0.00,USD\n"), std::string::npos) << payouts;
  EXPECT_EQ(slurp(out / "control_totals.csv"),
            "class,reason,count,currency,amount\nread,,0,,0\ncredited,,0,,0\nrejected,,0,,0\n"
            "paid,,8,USD,0.00\n");
}

// ---- permissive mode: --rejects ----------------------------------------------------

const char* const bad_rows =
    "T4,2026-02-30,A1,100.00,USD,saas\n"                  // 5: bad date
    "T5,2026-01-15,A1,10O0.00,EUR,saas\n"                 // 6: bad number
    "T6,2026-01-15,A1,1000.00,USD\n"                      // 7: wrong field count
    "T7,2026-03-03,Z9,7.50,USD,saas\n"                    // 8: unknown payee
    "T1,2026-03-01,M1,40.00,EUR,saas\n"                   // 9: duplicate txn_id
    "T8,2026-03-01,M1,99999999999999999999,USD,saas\n"    // 10: out of range
    "T10,2026-03-02,A1,5.00,USD,saas\n";                  // 11: good

TEST_F(BadInput, RejectsSetsBadRowsAsideAndTheTotalsReconcile) {
  append("transactions.csv", bad_rows);
  append("splits.csv", "T4,A1,0.5\nT4,M1,0.5\nT10,A1,1\n");
  const fs::path out = root_ / "out", rejects = root_ / "rejects.csv";
  const outcome o = run(out, " --rejects " + quoted(rejects.string()));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("6 transaction rows rejected (and 2 split rows of them), written to " +
                       rejects.string() + "\n"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(slurp(rejects),
            "line,txn_id,reason\n"
            "2,T4,\"splits.csv: column 1: split row of txn_id 'T4', which was set aside "
            "(transactions.csv line 5); set aside too\"\n"
            "3,T4,\"splits.csv: column 1: split row of txn_id 'T4', which was set aside "
            "(transactions.csv line 5); set aside too\"\n"
            "5,T4,column 4: bad date '2026-02-30' for date: expected YYYY-MM-DD (a real calendar "
            "day)\n"
            "6,T5,\"column 20: bad number '10O0.00' for amount: unexpected 'O', expected a digit, "
            "'.' or the end of the number\"\n"
            "7,T6,\"column 29: expected 6 fields, found 5\"\n"
            "8,T7,column 15: unknown payee_id 'Z9': no such payee_id in payees.csv\n"
            "9,T1,column 1: duplicate txn_id 'T1' (first on line 2)\n"
            "10,T8,column 18: amount out of range: '99999999999999999999' does not fit 64 bits\n");
  // read = credited + rejected, in count and per currency. T5's amount does
  // not parse: it counts, with no amount.
  //   USD read 1000 + 500 + 5 (credited) + 100 + 1000 + 7.50 + 99999999999999999999 (rejected)
  //   EUR read 2000 (credited) + 40 (rejected)
  EXPECT_EQ(slurp(out / "control_totals.csv"),
            "class,reason,count,currency,amount\n"
            "read,,10,EUR,2040.00\n"
            "read,,0,USD,100000000000000002611.50\n"
            "credited,,4,EUR,2000.00\n"
            "credited,,0,USD,1505.00\n"
            "rejected,,6,EUR,40.00\n"
            "rejected,,0,USD,100000000000000001106.50\n"
            "paid,,8,USD,370.50\n");
  // T10 (5.00, split wholly to A1) is credited; the set-aside rows are not.
  EXPECT_NE(slurp(out / "payouts.csv").find("A1,2026-Q1,commission,320.50,USD\n"),
            std::string::npos);
}

TEST_F(BadInput, RejectsFileOfAGoodDataSetHasOnlyItsHeader) {
  const fs::path out = root_ / "out", rejects = root_ / "rejects.csv";
  const outcome o = run(out, " --rejects " + quoted(rejects.string()));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(slurp(rejects), "line,txn_id,reason\n");
  EXPECT_EQ(slurp(out / "payouts.csv"), good_payouts);
  EXPECT_NE(o.out.find("0 transaction rows rejected, written to"), std::string::npos) << o.out;
}

// Structural errors and errors in the other files still fail a permissive
// run, and then neither the outputs nor the rejects file are written.
TEST_F(BadInput, RejectsStillFailsOnStructuralAndOtherFileErrors) {
  const fs::path out = root_ / "out", rejects = root_ / "rejects.csv";
  append("transactions.csv", "T4,2026-02-30,A1,100.00,USD,saas\nT5,2026-01-15,A1,\"1,USD,saas\n");
  outcome o = run(out, " --rejects " + quoted(rejects.string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, data_error("transactions.csv",
                              "6:18: error: unbalanced quote: this quoted field has no closing quote"));
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(rejects));

  SetUp();
  append("transactions.csv", "T4,2026-02-30,A1,100.00,USD,saas\n");
  replace_in("quotas.csv", "A1,2026-Q2,10000.00", "A1,2026-Q2,ten");
  o = run(out, " --rejects " + quoted(rejects.string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, data_error("quotas.csv",
                              "3:12: error: bad number 'ten' for amount: unexpected 't', expected "
                              "'-' or a digit"));
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(rejects));

  // A split of an unknown txn_id (never in transactions.csv) is still an error.
  SetUp();
  append("splits.csv", "T99,A1,1\n");
  o = run(out, " --rejects " + quoted(rejects.string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, data_error("splits.csv",
                              "2:1: error: unknown txn_id 'T99': no such txn_id in transactions.csv"));
}

// Without --rejects the same rows fail the run, every error listed in line
// order (the run streams transactions.csv; duplicates are found at its end
// and merged in by line).
TEST_F(BadInput, WithoutRejectsEveryBadRowIsAnError) {
  append("transactions.csv", bad_rows);
  const outcome o = run(root_ / "out");
  EXPECT_EQ(o.exit_code, 1);
  const std::string t = path_of("transactions.csv");
  EXPECT_EQ(o.err,
            t + ":5:4: error: bad date '2026-02-30' for date: expected YYYY-MM-DD (a real calendar day)\n" +
                t + ":6:20: error: bad number '10O0.00' for amount: unexpected 'O', expected a digit, '.' "
                    "or the end of the number\n" +
                t + ":7:29: error: expected 6 fields, found 5\n" +
                t + ":8:15: error: unknown payee_id 'Z9': no such payee_id in payees.csv\n" +
                t + ":9:1: error: duplicate txn_id 'T1' (first on line 2)\n" +
                t + ":10:18: error: amount out of range: '99999999999999999999' does not fit 64 bits\n"
                    "6 errors: nothing was written\n");
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

// ---- usage errors and icm check -------------------------------------------------------

TEST_F(BadInput, UsageErrorsExitTwo) {
  const std::string p = quoted(plan().string()), d = quoted(data().string());
  const std::pair<std::string, std::string> cases[] = {
      {"", "icm: missing command\n"},
      {"frobnicate", "icm: unknown command 'frobnicate'\n"},
      {"run " + p, "icm: run: --data DIR is required\n"},
      {"run " + p + " --data " + d + " --threads many", "icm: run: --threads takes a whole number, not 'many'\n"},
      {"run " + p + " --data " + d + " --fast", "icm: run: unknown option '--fast'\n"},
      {"run " + p + " --data " + d + " --rejects", "icm: run: --rejects needs a value\n"},
      {"check", "icm: check: which plan? (icm check PLAN ...)\n"},
      {"check " + p + " --rejects x", "icm: check: unknown option '--rejects'\n"},
  };
  for (const auto& [args, first_line] : cases) {
    const outcome o = icm(args);
    EXPECT_EQ(o.exit_code, 2) << args;
    EXPECT_EQ(o.err.substr(0, first_line.size()), first_line) << args;
    EXPECT_NE(o.err.find("usage: icm <command>"), std::string::npos) << args;
  }
}

TEST_F(BadInput, HelpDocumentsRejects) {
  const outcome o = icm("run --help");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.out.find("[--rejects FILE]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--rejects FILE  set bad transactions.csv rows"), std::string::npos) << o.out;
}

TEST_F(BadInput, CheckExitCodesAndCaret) {
  outcome o = icm("check " + quoted(plan().string()));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, plan().string() + ": plan 'T' is correct: 2 components, USD quarter periods of 2026\n");
  EXPECT_EQ(o.err, "");

  plan_replace("pay credited * 10%", "pay credited * 10% + 1 +");
  o = icm("check " + quoted(plan().string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, plan().string() +
                       ":10:49: error: expected an expression, found '}'\n"
                       "  component commission { pay credited * 10% + 1 + }\n" +
                       std::string(2 + 48, ' ') + "^\n");

  o = icm("check " + quoted((root_ / "missing.icm").string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("missing.icm"), std::string::npos) << o.err;
}

// ---- byte-identical reruns of the reference plans ---------------------------------------

TEST_F(BadInput, ReferencePlansGiveIdenticalBytesOnTwoRuns) {
  const std::string source = ICM_SOURCE_DIR;
  for (const char* plan_name : {"reference-step.icm", "reference-marginal.icm"}) {
    std::map<std::string, std::string> first;
    for (int n = 0; n < 2; ++n) {
      const fs::path out = root_ / ("ref" + std::to_string(n));
      const outcome o = icm("run " + quoted(source + "/rules/" + plan_name) + " --data " +
                            quoted(source + "/rules/data/reference") + " --out " + quoted(out.string()) +
                            (n == 0 ? " --threads 1" : " --threads 2"));
      ASSERT_EQ(o.exit_code, 0) << plan_name << o.err;
      const auto files = snapshot(out);
      ASSERT_EQ(files.size(), 3u) << plan_name;
      if (n == 0) first = files;
      else EXPECT_EQ(files, first) << plan_name;
    }
    EXPECT_GT(first["payouts.csv"].size(), 100u);
  }
}

// ---- limits --------------------------------------------------------------------------

TEST_F(BadInput, HundredThousandNestedParenthesesIsAnErrorNotACrash) {
  const std::size_t depth = 100000;
  plan_replace("pay credited * 10%",
               "pay " + std::string(depth, '(') + "credited" + std::string(depth, ')') + " * 10%");
  const outcome o = icm("check " + quoted(plan().string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err.rfind(plan().string() + ":10:92: error: expression nested too deeply (limit 64)\n", 0),
            0u)
      << o.err.substr(0, 300);
}

// A transactions.csv that is one huge line. 64 MiB rather than the 1 GiB of
// the brief, to keep the suite quick: what stops it is the field-length limit
// (1 MiB), reached after the first MiB of the field whatever the file's
// size, so a bigger file fails the same way.
TEST_F(BadInput, OneHugeLineStopsAtTheFieldLengthLimit) {
  good_run_first();
  {
    std::ofstream out(file("transactions.csv"), std::ios::binary | std::ios::trunc);
    out << "txn_id,date,payee_id,amount,currency,product\nT1,2026-01-15,A1,";
    const std::string block(1 << 20, '9');
    for (int i = 0; i < 64; ++i) out << block;
    out << ",USD,saas\n";
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(expect_failure(),
            data_error("transactions.csv", "2:18: error: field too long: more than 1048576 bytes"));
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();  // a timing
  EXPECT_LT(seconds, 10.0);
}

// ---- the permissive reader itself ---------------------------------------------------

TEST_F(BadInput, PermissiveReadKeepsGoodRowsAndRenumbersSplitsAfterADuplicate) {
  append("transactions.csv",
         "T1,2026-03-01,M1,40.00,EUR,saas\n"   // 5: duplicate, set aside
         "T4,2026-03-02,A1,7.125,USD,saas\n"   // 6: good (and widens the amount scale)
         "T5,2026-13-01,A1,1.00,,saas\n");     // 7: bad date, plan currency
  append("splits.csv", "T4,A1,0.25\nT4,M1,0.75\nT5,A1,1\n");
  icm::read_options options;
  options.permissive = true;
  icm::diagnostics diags;
  auto read = icm::read_dataset(data().string(), diags, options);
  ASSERT_TRUE(read) << icm::render(diags);
  const auto& t = read->transactions;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.line, (std::vector<std::uint32_t>{2, 3, 4, 6}));
  EXPECT_EQ(t.amount_scale, 3);
  EXPECT_EQ(t.amount_of(3).to_string(), "7.125");
  EXPECT_EQ(t.attribute("product")->values.size(), 4u);
  // Both split rows of T4 point at its row after the duplicate was removed.
  ASSERT_EQ(read->splits.size(), 2u);
  EXPECT_EQ(read->splits.txn[0], 3u);
  EXPECT_EQ(read->splits.txn[1], 3u);

  ASSERT_EQ(read->rejected.size(), 3u);
  const auto& split = read->rejected[0];
  EXPECT_EQ(split.file, "splits.csv");
  EXPECT_EQ(split.line, 4u);
  EXPECT_EQ(split.txn_id, "T5");
  const auto& dup = read->rejected[1];
  EXPECT_EQ(dup.file, "transactions.csv");
  EXPECT_EQ(dup.line, 5u);
  EXPECT_EQ(dup.reason, "column 1: duplicate txn_id 'T1' (first on line 2)");
  EXPECT_EQ(dup.txn_id, "T1");
  EXPECT_EQ(dup.currency, "EUR");
  EXPECT_EQ(icm::decimal::parse(dup.amount), icm::decimal::parse("40"));
  const auto& bad_date = read->rejected[2];
  EXPECT_EQ(bad_date.line, 7u);
  EXPECT_EQ(bad_date.txn_id, "T5");
  EXPECT_EQ(bad_date.currency, "");
  EXPECT_EQ(bad_date.amount, "1.00");

  // The same data, read strictly, fails with both errors (T5 is stored with
  // its bad date there, so its split row is not an error of its own).
  icm::diagnostics strict;
  EXPECT_FALSE(icm::read_dataset(data().string(), strict));
  EXPECT_EQ(strict.error_count(), 2u) << icm::render(strict);
}

}  // namespace
