// docs/api.md cannot drift from code: every fenced block in it is a copy of
// a program in docs/examples/ (which tests/docs_examples.cmake compiles and
// runs), between markers
//
//   <!-- example: docs/examples/NAME.cpp -->
//   ```cpp
//   ...the file, byte for byte...
//   ```
//   <!-- end example -->
//
// and every program there is shown once.
#include <gtest/gtest.h>

#include <algorithm>  // std::count
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path source_dir = ICM_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct shown_example {
  std::string file;  // as written in the marker
  std::string code;  // between the fences
  std::size_t line;  // of the marker in api.md
};

// The marked blocks of `doc`, and the number of fence lines outside them.
std::vector<shown_example> marked_blocks(const std::string& doc, int& stray_fences) {
  const std::string open = "<!-- example: ", open_end = " -->\n```cpp\n";
  const std::string close = "```\n<!-- end example -->";
  std::vector<shown_example> out;
  std::size_t at = 0, covered_until = 0;
  stray_fences = 0;
  auto count_fences = [&](std::size_t from, std::size_t to) {
    for (std::size_t p = from; p < to; p = doc.find('\n', p) + 1) {
      if (doc.compare(p, 3, "```") == 0) ++stray_fences;
      if (doc.find('\n', p) == std::string::npos) break;
    }
  };
  while ((at = doc.find(open, at)) != std::string::npos) {
    const std::size_t name_begin = at + open.size();
    const std::size_t name_end = doc.find(open_end, name_begin);
    const std::size_t code_begin = name_end + open_end.size();
    const std::size_t code_end = doc.find(close, code_begin);
    const auto line = static_cast<std::size_t>(std::count(doc.begin(), doc.begin() + at, '\n')) + 1;
    if (name_end == std::string::npos || code_end == std::string::npos) {
      ADD_FAILURE() << "docs/api.md:" << line << ": example marker without ```cpp ... ``` "
                    << "and <!-- end example -->";
      break;
    }
    count_fences(covered_until, at);
    out.push_back({doc.substr(name_begin, name_end - name_begin),
                   doc.substr(code_begin, code_end - code_begin), line});
    at = covered_until = code_end + close.size();
  }
  count_fences(covered_until, doc.size());
  return out;
}

TEST(DocsApi, CodeBlocksAreTheCompiledExamples) {
  const std::string doc = read_file(source_dir / "docs/api.md");
  int stray_fences = 0;
  const auto blocks = marked_blocks(doc, stray_fences);
  EXPECT_EQ(stray_fences, 0) << "docs/api.md has a code block that is not a docs/examples/ "
                                "program between example markers";
  std::set<std::string> shown;
  for (const auto& b : blocks) {
    EXPECT_TRUE(shown.insert(b.file).second) << b.file << " is shown twice";
    ASSERT_TRUE(fs::exists(source_dir / b.file)) << "docs/api.md:" << b.line << ": " << b.file;
    EXPECT_EQ(b.code, read_file(source_dir / b.file))
        << "docs/api.md:" << b.line << ": the block differs from " << b.file
        << " (copy the file into the doc)";
  }
  std::set<std::string> programs;
  for (const auto& entry : fs::directory_iterator(source_dir / "docs/examples"))
    if (entry.path().extension() == ".cpp")
      programs.insert("docs/examples/" + entry.path().filename().string());
  EXPECT_EQ(shown, programs) << "every docs/examples/ program is shown in docs/api.md";
  EXPECT_GE(blocks.size(), 5u);
}

}  // namespace
