// The examples of docs/getting-started.md and docs/cli.md, run: the data
// files and plan fragments of the walkthrough are taken from the page,
// assembled, run through the icm tool, and the figures the page states are
// asserted; every `$ icm ...` command shown in cli.md is run and must succeed
// (or print exactly the output shown).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// Runs a shell command; returns its exit status and standard output.
std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return {-1, ""};
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

struct walkthrough {
  std::map<std::string, std::string> data_files;  // "payees.csv" -> text
  std::string plan;                               // the plan fragments, in order
  std::string check_output;                       // the `icm check` example's output
};

walkthrough read_walkthrough() {
  walkthrough w;
  auto lines = lines_of(std::string(ICM_SOURCE_DIR) + "/docs/getting-started.md");
  std::string pending_file;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (auto at = l.find("`my-data/"); at != std::string::npos && l.find(".csv`") != std::string::npos)
      pending_file = l.substr(at + 9, l.find('`', at + 1) - at - 9);
    if (l.rfind("```", 0) != 0) continue;
    if (l != "```") {  // a tagged block (```sh): a command, not a file
      for (++i; i < lines.size() && lines[i] != "```"; ++i) {
      }
      continue;
    }
    std::string block;
    for (++i; i < lines.size() && lines[i] != "```"; ++i) block += lines[i] + "\n";
    if (!pending_file.empty()) {
      w.data_files[pending_file] = block;
      pending_file.clear();
    } else if (block.find("error:") != std::string::npos) {
      w.check_output = block;
    } else {
      if (!w.plan.empty()) w.plan += "\n";
      w.plan += block;
    }
  }
  return w;
}

class DocsWalkthrough : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("icm_docs_walkthrough_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "my-data");
    w_ = read_walkthrough();
    for (const auto& [name, text] : w_.data_files) std::ofstream(dir_ / "my-data" / name) << text;
    std::ofstream(dir_ / "ae.icm") << w_.plan;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::pair<int, std::string> icm(const std::string& args) {
    return shell("cd '" + dir_.string() + "' && '" + ICM_CLI_PATH + "' " + args);
  }
  fs::path dir_;
  walkthrough w_;
};

}  // namespace

TEST_F(DocsWalkthrough, TheFirstPlanRunsAndPaysWhatThePageSays) {
  ASSERT_EQ(w_.data_files.size(), 3u);
  auto [check_rc, check_out] = icm("check ae.icm");
  EXPECT_EQ(check_rc, 0) << check_out << "\nplan:\n" << w_.plan;
  auto [rc, out] = icm("run ae.icm --data my-data --out results");
  ASSERT_EQ(rc, 0) << out;
  std::ifstream in(dir_ / "results" / "payouts.csv");
  std::stringstream payouts;
  payouts << in.rdbuf();
  // "ana ... earns 6,000.00, no bonus; ben ... earns 3,000.00."
  EXPECT_NE(payouts.str().find("ana,2026-Q1,commission,6000.00,USD\n"), std::string::npos) << payouts.str();
  EXPECT_NE(payouts.str().find("ana,2026-Q1,accelerator_bonus,0.00,USD\n"), std::string::npos);
  EXPECT_NE(payouts.str().find("ben,2026-Q1,commission,3000.00,USD\n"), std::string::npos);
  auto [erc, explain] = icm("explain ae.icm --data my-data --payee ana --period 2026-Q1");
  EXPECT_EQ(erc, 0) << explain;
  EXPECT_NE(explain.find("D-1002"), std::string::npos) << explain;
  auto [vrc, validate] = icm("validate --data my-data");
  EXPECT_EQ(vrc, 0) << validate;
}

TEST_F(DocsWalkthrough, TheCheckExampleIsWhatIcmPrints) {
  // The page's error example: the same plan with `product` misspelt.
  std::string typo = w_.plan;
  auto at = typo.find("where product ==");
  ASSERT_NE(at, std::string::npos);
  typo.replace(at, 13, "where prodcut");
  std::ofstream(dir_ / "ae.icm") << typo;
  auto [rc, out] = icm("check ae.icm");
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(out, w_.check_output);
  // docs/cli.md shows the same output.
  auto cli = lines_of(std::string(ICM_SOURCE_DIR) + "/docs/cli.md");
  std::string shown;
  for (std::size_t i = 0; i < cli.size(); ++i)
    if (cli[i] == "$ icm check ae.icm")
      for (++i; i < cli.size() && cli[i] != "```"; ++i) shown += cli[i] + "\n";
  EXPECT_EQ(shown, out);
}

TEST(DocsCli, EveryRunAndExplainCommandShownSucceeds) {
  int ran = 0;
  for (const auto& l : lines_of(std::string(ICM_SOURCE_DIR) + "/docs/cli.md")) {
    if (l.rfind("$ icm run ", 0) != 0 && l.rfind("$ icm explain ", 0) != 0) continue;
    auto out_dir = fs::temp_directory_path() / ("icm_docs_cli_" + std::to_string(::getpid()));
    std::string args = l.substr(6);
    if (auto o = args.find("--out out/"); o != std::string::npos) args.replace(o, 10, "--out '" + out_dir.string() + "'");
    auto [rc, out] = shell("cd '" + std::string(ICM_SOURCE_DIR) + "' && '" + ICM_CLI_PATH + "' " + args);
    EXPECT_EQ(rc, 0) << l << "\n" << out;
    fs::remove_all(out_dir);
    ++ran;
  }
  EXPECT_GE(ran, 2);
}

// --timings lists the stages of a streamed run, in order, before the total.
TEST(DocsCli, TimingsListTheStagesOfARun) {
  auto out_dir = fs::temp_directory_path() / ("icm_cli_timings_" + std::to_string(::getpid()));
  auto [rc, out] = shell("cd '" + std::string(ICM_SOURCE_DIR) + "' && '" + ICM_CLI_PATH +
                         "' run rules/reference-marginal.icm --data rules/data/reference --out '" + out_dir.string() +
                         "' --timings");
  fs::remove_all(out_dir);
  ASSERT_EQ(rc, 0) << out;
  std::size_t at = 0;
  for (const char* stage : {"  read payees, quotas, fx, splits", "  group splits", "  stream transactions",
                            "  check duplicate txn_ids", "  evaluate payees", "  write outputs", "time "}) {
    const auto found = out.find(stage, at);
    ASSERT_NE(found, std::string::npos) << stage << " (in order) in\n" << out;
    at = found;
  }
  // Without the option, no stage is listed.
  auto [rc2, plain] = shell("cd '" + std::string(ICM_SOURCE_DIR) + "' && '" + ICM_CLI_PATH +
                            "' run rules/reference-marginal.icm --data rules/data/reference --out '" +
                            out_dir.string() + "'");
  fs::remove_all(out_dir);
  EXPECT_EQ(rc2, 0);
  EXPECT_EQ(plain.find("stream transactions"), std::string::npos) << plain;
}
