// Every plan example in docs/language.md is checked: a full plan must load
// without a diagnostic; a fragment (credit rules, measures) must load once
// put inside a minimal plan. Error examples (they show "error:") are skipped.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "icm/plan.hpp"

namespace {

std::vector<std::string> untagged_blocks(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> blocks;
  std::string line, block;
  bool inside = false, tagged = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (inside) {
        if (!tagged) blocks.push_back(block);
        block.clear();
      } else {
        tagged = line.size() > 3;
      }
      inside = !inside;
      continue;
    }
    if (inside) block += line + "\n";
  }
  return blocks;
}

}  // namespace

TEST(DocsLanguage, EveryPlanExampleLoads) {
  auto blocks = untagged_blocks(std::string(ICM_SOURCE_DIR) + "/docs/language.md");
  int checked = 0;
  for (const auto& b : blocks) {
    if (b.find("error:") != std::string::npos) continue;
    std::string text = b;
    if (b.find("plan \"") == std::string::npos)
      text = "plan \"Doc\" { currency USD period quarter year 2026 }\ncolumns product, region, deal_type\n" + b +
             "\ncredit 100%\ncomponent doc_fragment { pay 1.00 USD }\n";
    icm::diagnostics diags;
    auto plan = icm::plan::parse(text, "language.md", diags);
    EXPECT_TRUE(plan) << "example:\n" << b << "\n" << icm::render(diags, text);
    ++checked;
  }
  EXPECT_GE(checked, 3);
}
