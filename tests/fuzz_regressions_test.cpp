// Inputs found by the libFuzzer targets (tests/fuzz/), minimised, each kept as
// a test in the normal build: the input must now give a clean diagnostic (or
// value) with its place instead of a crash, a sanitizer report or a hang.
//
// Why here and not only in the fuzz corpora: the fuzz build needs clang and
// runs for minutes; these run in every build, in milliseconds. Under the
// `sanitize` preset they also catch a return of the memory errors.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "icm/io/csv.hpp"

namespace {

using icm::csv::status;

// Every record of `text`, and every error, in order.
struct tokens {
  std::vector<std::vector<std::string>> records;  // the header first
  std::vector<icm::csv::error> errors;
};

tokens tokenize(std::string_view text) {
  tokens out;
  icm::csv::reader in(text);
  icm::csv::record rec;
  status s = in.read_header(rec);
  while (s != status::end) {
    if (s == status::error) {
      out.errors.push_back(in.last_error());
      if (out.records.empty()) break;
    } else {
      std::vector<std::string> fields;
      for (const auto& f : rec) fields.emplace_back(f.text);
      out.records.push_back(std::move(fields));
    }
    s = in.next(rec);
  }
  return out;
}

// fuzz_csv: a record with more fields than the header, where a field past the
// stored ones has a doubled quote, left an unescaped entry pointing one past
// the record's fields; the reader then wrote through it (heap overflow).
TEST(FuzzRegressions, CsvDoubledQuoteInFieldBeyondHeader) {
  auto t = tokenize("a\n1,2,\"x\"\"y\"\nok\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_EQ(t.errors[0].column, 3u);
  EXPECT_EQ(t.errors[0].message, "expected 1 fields, found 3");
  ASSERT_EQ(t.records.size(), 2u);  // the header and "ok": reading went on
  EXPECT_EQ(t.records[1], std::vector<std::string>{"ok"});
}

// The same with several doubled-quote fields past the header's count, and a
// kept field with a doubled quote before them (its text must stay right).
TEST(FuzzRegressions, CsvManyEscapedFieldsBeyondHeader) {
  auto t = tokenize("a,b\n\"p\"\"q\",2,\"\"\"\",\"r\"\"\",\"s\"\"t\"\n\"u\"\"v\",w\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].message, "expected 2 fields, found 5");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1], (std::vector<std::string>{"u\"v", "w"}));
}

}  // namespace
