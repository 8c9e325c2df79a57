// The stream's record splitter (src/eval/plain_record.hpp): what it accepts
// as a plain record and where it puts the fields, for each variant built.
#include "eval/plain_record.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

using icm::eval::plain_record_fn;

struct reading {
  std::size_t next = 0;
  std::vector<std::size_t> at;  // the fields' starts and the end, when next != 0
  bool operator==(const reading&) const = default;
};

reading read(plain_record_fn f, std::string_view block, std::size_t pos, std::uint32_t expected,
             std::size_t max_field = std::size_t{1} << 20) {
  std::vector<std::size_t> at(expected + 1, 0);
  reading r;
  r.next = f(block, pos, expected, max_field, at.data());
  if (r.next != 0) r.at = at;
  return r;
}

std::vector<plain_record_fn> variants() {
  std::vector<plain_record_fn> v{&icm::eval::plain_record_baseline};
  if (icm::eval::wide_plain_record_available()) v.push_back(icm::eval::plain_record_wide);
  return v;
}

// A block with `record` first, padded so that the 64-byte path is taken (the
// padding is further records).
std::string padded(std::string record) {
  while (record.size() < 200) record += "x,y,z\n";
  return record;
}

TEST(PlainRecord, FieldsStartAfterEachCommaAndTheRecordEndsAfterItsLineFeed) {
  for (auto f : variants())
    for (const std::string& block : {padded("1,2026-01-05,p1,10.00\n"), std::string("1,2026-01-05,p1,10.00\n")}) {
      const auto r = read(f, block, 0, 4);
      EXPECT_EQ(r.next, 22u);
      EXPECT_EQ(r.at, (std::vector<std::size_t>{0, 2, 13, 16, 22}));
    }
}

TEST(PlainRecord, ACarriageReturnBeforeTheLineFeedIsNotContent) {
  for (auto f : variants())
    for (const std::string& block : {padded("a,bb\r\n"), std::string("a,bb\r\n")}) {
      const auto r = read(f, block, 0, 2);
      EXPECT_EQ(r.next, 6u);
      EXPECT_EQ(r.at, (std::vector<std::size_t>{0, 2, 5}));  // "bb" is [2, 4)
    }
}

TEST(PlainRecord, AnythingElseGoesToTheGeneralPath) {
  for (auto f : variants()) {
    for (const std::string record : {"a,\"b\"\n", "a,b\rc\n", "\n", "\r\n", "a,b,c\n", "a\n", "a,b,\n,c\n"}) {
      SCOPED_TRACE(record);
      const std::uint32_t expected = record == "a,b,\n,c\n" ? 4 : 2;
      EXPECT_EQ(read(f, padded(record), 0, expected).next, 0u);
      EXPECT_EQ(read(f, record, 0, expected).next, 0u);
    }
    // A field longer than the limit.
    EXPECT_EQ(read(f, "abcdef,g\n", 0, 2, 5).next, 0u);
    EXPECT_EQ(read(f, "abcde,g\n", 0, 2, 5).next, 8u);
    // The file's last record, without a line break.
    EXPECT_EQ(read(f, "a,b", 0, 2).next, 3u);
  }
}

TEST(PlainRecord, EmptyFieldsAreFields) {
  for (auto f : variants()) {
    const auto r = read(f, padded(",,\n"), 0, 3);
    EXPECT_EQ(r.next, 3u);
    EXPECT_EQ(r.at, (std::vector<std::size_t>{0, 1, 2, 3}));
  }
}

// Every variant against the baseline on random bytes, at every offset: records
// shorter and longer than 64 bytes, quotes, carriage returns, blank lines,
// records ending near the block's end, field counts off by one.
TEST(PlainRecord, EveryVariantReadsAsTheBaseline) {
  if (!icm::eval::wide_plain_record_available()) GTEST_SKIP() << "only the baseline variant runs on this processor";
  std::mt19937_64 rng(20261127);
  const std::string alphabet = "abc019-.,,,,,\n";
  std::size_t plain = 0, compared = 0;
  for (int round = 0; round < 400; ++round) {
    std::string block;
    const std::size_t records = 1 + rng() % 40;
    const std::uint32_t expected = static_cast<std::uint32_t>(1 + rng() % 10);
    for (std::size_t r = 0; r < records; ++r) {
      const std::uint32_t fields = expected + static_cast<std::uint32_t>(rng() % 8 == 0 ? 1 : 0) -
                                   static_cast<std::uint32_t>(rng() % 8 == 0 && expected > 1 ? 1 : 0);
      for (std::uint32_t k = 0; k < fields; ++k) {
        if (k != 0) block += ',';
        const std::size_t length = rng() % 16 == 0 ? 40 + rng() % 60 : rng() % 9;
        for (std::size_t i = 0; i < length; ++i) block += alphabet[rng() % (alphabet.size() - 6)];
        if (rng() % 40 == 0) block += '"';
        if (rng() % 60 == 0) block += '\r';
      }
      if (rng() % 30 == 0) block += '\n';  // a blank line after it
      block += rng() % 4 == 0 ? "\r\n" : "\n";
    }
    if (rng() % 2 == 0 && !block.empty()) block.pop_back();  // no final line break
    const std::size_t max_field = rng() % 3 == 0 ? 7 + rng() % 60 : std::size_t{1} << 20;
    for (std::size_t pos = 0; pos < block.size(); ++pos) {
      const auto base = read(&icm::eval::plain_record_baseline, block, pos, expected, max_field);
      plain += base.next != 0 ? 1 : 0;
      ++compared;
      ASSERT_EQ(read(icm::eval::plain_record_wide, block, pos, expected, max_field), base)
          << "round " << round << " at " << pos << " of " << block.size() << " bytes, " << expected << " fields";
    }
  }
  // The comparison covered both answers.
  EXPECT_GT(plain, compared / 20);
  EXPECT_LT(plain, compared);
}

}  // namespace
