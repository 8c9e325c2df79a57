// The strict RFC 4180 reader (icm/io/csv.hpp): quoting, line ends, positions
// and every error with its place.
#include "icm/io/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using icm::csv::status;

struct outcome {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<icm::csv::error> errors;
};

outcome read_all(std::string_view text, icm::csv::options opts = {}) {
  outcome out;
  icm::csv::reader in(text, opts);
  icm::csv::record rec;
  if (in.read_header(rec) != status::record) {
    out.errors.push_back(in.last_error());
    return out;
  }
  for (const auto& f : rec) out.header.emplace_back(f.text);
  for (;;) {
    const status s = in.next(rec);
    if (s == status::end) break;
    if (s == status::error) {
      out.errors.push_back(in.last_error());
      continue;
    }
    std::vector<std::string> row;
    for (const auto& f : rec) row.emplace_back(f.text);
    out.rows.push_back(std::move(row));
  }
  return out;
}

using row = std::vector<std::string>;

TEST(Csv, PlainRecords) {
  auto r = read_all("a,b,c\n1,2,3\n4,5,6\n");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.header, (row{"a", "b", "c"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1], (row{"4", "5", "6"}));
}

TEST(Csv, NoFinalLineBreakAndEmptyFields) {
  auto r = read_all("a,b,c\n,,\n1,,3");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], (row{"", "", ""}));
  EXPECT_EQ(r.rows[1], (row{"1", "", "3"}));
}

TEST(Csv, QuotedFieldsWithCommasQuotesAndNewlines) {
  auto r = read_all("id,name,note\n"
                    "1,\"Smith, Jane\",\"she said \"\"hi\"\"\"\n"
                    "2,\"two\nlines\",\"\"\n"
                    "3,\"\"\"\",plain\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], (row{"1", "Smith, Jane", "she said \"hi\""}));
  EXPECT_EQ(r.rows[1], (row{"2", "two\nlines", ""}));
  EXPECT_EQ(r.rows[2], (row{"3", "\"", "plain"}));
}

TEST(Csv, CrLfLineEnds) {
  auto r = read_all("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  EXPECT_EQ(r.header, (row{"a", "b"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], (row{"1", "x\r\ny"}));  // inside quotes the bytes are kept as written
  EXPECT_EQ(r.rows[1], (row{"2", "z"}));
}

TEST(Csv, ByteOrderMarkIsSkippedAndNotCounted) {
  icm::csv::reader in("\xEF\xBB\xBFpayee_id,name\nP1,Ann\n");
  icm::csv::record rec;
  ASSERT_EQ(in.read_header(rec), status::record);
  EXPECT_EQ(rec[0].text, "payee_id");
  EXPECT_EQ(rec[0].column, 1u);
  EXPECT_EQ(rec[1].column, 10u);
  ASSERT_EQ(in.next(rec), status::record);
  EXPECT_EQ(rec[0].text, "P1");
}

// A reader started in the middle of a file (a block of it) keeps those three
// bytes: there they are data, and a quote after them is a stray quote.
TEST(Csv, ByteOrderMarkInsideAFileIsData) {
  icm::csv::options mid;
  mid.expected_fields = 2;
  mid.at_file_start = false;
  icm::csv::reader in("\xEF\xBB\xBFP1,Ann\n", mid);
  icm::csv::record rec;
  ASSERT_EQ(in.next(rec), status::record);
  EXPECT_EQ(rec[0].text, "\xEF\xBB\xBFP1");
  EXPECT_EQ(rec[1].column, 7u);
  icm::csv::reader quoted("\xEF\xBB\xBF\"P1\",Ann\n", mid);
  EXPECT_EQ(quoted.next(rec), status::error);
  EXPECT_EQ(quoted.last_error().column, 4u);
}

TEST(Csv, HeaderOnlyIsValidAndEmpty) {
  for (const char* text : {"a,b", "a,b\n", "a,b\r\n"}) {
    auto r = read_all(text);
    EXPECT_TRUE(r.errors.empty()) << text;
    EXPECT_EQ(r.header, (row{"a", "b"}));
    EXPECT_TRUE(r.rows.empty());
  }
}

TEST(Csv, BlankLinesAreSkipped) {
  auto r = read_all("a,b\n\n1,2\r\n\r\n3,4\n\n");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1], (row{"3", "4"}));
}

TEST(Csv, FieldPositions) {
  icm::csv::reader in("id,name,amount\n"
                      "1,\"multi\nline\",10\n"
                      "22,\"x\"\"y\",-5.5\n");
  icm::csv::record rec;
  ASSERT_EQ(in.read_header(rec), status::record);
  ASSERT_EQ(in.next(rec), status::record);
  EXPECT_EQ(rec.line(), 2u);
  EXPECT_EQ(rec[1].line, 2u);
  EXPECT_EQ(rec[1].column, 3u);
  EXPECT_TRUE(rec[1].quoted);
  EXPECT_EQ(rec[2].line, 3u);  // after the line break inside the quotes
  EXPECT_EQ(rec[2].column, 7u);
  ASSERT_EQ(in.next(rec), status::record);
  EXPECT_EQ(rec.line(), 4u);
  EXPECT_EQ(rec[1].text, "x\"y");
  EXPECT_EQ(rec[1].column, 4u);
  EXPECT_EQ(rec[1].length, 6u);
  EXPECT_EQ(rec[2].text, "-5.5");
  EXPECT_EQ(rec[2].column, 11u);
  EXPECT_EQ(rec[2].length, 4u);
  EXPECT_EQ(in.next(rec), status::end);
}

TEST(Csv, UnescapedFieldsSurviveScratchGrowth) {
  // Many fields with doubled quotes in one record: the scratch buffer grows
  // while the record is read, and every view must still be right.
  std::string line, header;
  for (int i = 0; i < 200; ++i) {
    header += (i ? ",c" : "c") + std::to_string(i);
    line += (i ? "," : "") + std::string("\"a\"\"") + std::string(static_cast<std::size_t>(i), 'x') + "\"";
  }
  auto r = read_all(header + "\n" + line + "\n");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 1u);
  for (std::size_t i = 0; i < 200; ++i) EXPECT_EQ(r.rows[0][i], "a\"" + std::string(i, 'x'));
}

TEST(Csv, EmptyFileIsAnError) {
  auto r = read_all("");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "empty file: expected a header row");
  EXPECT_EQ(r.errors[0].line, 1u);
  EXPECT_EQ(r.errors[0].column, 1u);
  EXPECT_TRUE(r.errors[0].fatal);
  auto bom_only = read_all("\xEF\xBB\xBF");
  ASSERT_EQ(bom_only.errors.size(), 1u);
  EXPECT_EQ(bom_only.errors[0].message, "empty file: expected a header row");
  auto blank = read_all("\n\r\n");
  ASSERT_EQ(blank.errors.size(), 1u);
  EXPECT_EQ(blank.errors[0].message, "empty file: only blank lines, expected a header row");
}

TEST(Csv, UnbalancedQuoteIsReportedAtTheOpeningQuote) {
  auto r = read_all("a,b\n1,2\n3,\"never closed\n4,5\n");
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "unbalanced quote: this quoted field has no closing quote");
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].column, 3u);
  EXPECT_TRUE(r.errors[0].fatal);
}

TEST(Csv, CharacterAfterClosingQuote) {
  auto r = read_all("a,b\n1,\"x\"y\n2,3\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message,
            "unexpected 'y' after the closing quote of a field (a quote inside a quoted field is "
            "written \"\")");
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 6u);
  EXPECT_FALSE(r.errors[0].fatal);
  // Reading resumes on the next line.
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0], (row{"2", "3"}));
}

TEST(Csv, QuoteInsideUnquotedField) {
  auto r = read_all("a,b\n1,ab\"c\n2,3\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 5u);
  EXPECT_NE(r.errors[0].message.find("unexpected '\"' in an unquoted field"), std::string::npos);
  ASSERT_EQ(r.rows.size(), 1u);
}

TEST(Csv, LoneCarriageReturn) {
  auto r = read_all("a,b\n1,2\r3,4\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "carriage return not followed by a line feed");
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 4u);
}

TEST(Csv, TooManyFields) {
  auto r = read_all("a,b,c\n1,2,3\n1,2,3,4,5\n7,8,9\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "expected 3 fields, found 5");
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].column, 7u);  // the first field too many
  EXPECT_FALSE(r.errors[0].fatal);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1], (row{"7", "8", "9"}));
}

TEST(Csv, TooFewFields) {
  auto r = read_all("a,b,c\n10,20\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "expected 3 fields, found 2");
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 6u);  // where the record ended
  EXPECT_TRUE(r.rows.empty());
}

TEST(Csv, FieldTooLongFailsFast) {
  icm::csv::options small;
  small.max_field_length = 8;
  auto ok = read_all("a\n12345678\n", small);
  EXPECT_TRUE(ok.errors.empty());
  auto quoted_ok = read_all("a\n\"12345678\"\n", small);
  EXPECT_TRUE(quoted_ok.errors.empty());

  auto r = read_all("a,b\n1,123456789\n2,3\n", small);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "field too long: more than 8 bytes");
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 3u);
  EXPECT_TRUE(r.errors[0].fatal);

  auto q = read_all("a\n\"123456789\"\n", small);
  ASSERT_EQ(q.errors.size(), 1u);
  EXPECT_EQ(q.errors[0].message, "field too long: more than 8 bytes (is a closing quote missing?)");
}

TEST(Csv, HugeSingleLineFailsWithoutReadingItAll) {
  // 64 MiB without a line break under the default 1 MiB limit: the error
  // comes from the first field, not after scanning or storing everything.
  std::string text = "a\n" + std::string(64u << 20, 'x');
  icm::csv::reader in(text);
  icm::csv::record rec;
  ASSERT_EQ(in.read_header(rec), status::record);
  ASSERT_EQ(in.next(rec), status::error);
  EXPECT_EQ(in.last_error().message, "field too long: more than 1048576 bytes");
  EXPECT_LE(in.position(), (2u << 20));
  EXPECT_EQ(in.next(rec), status::end);
}

TEST(Csv, LineOfCommasDoesNotStoreAllFields) {
  std::string text = "a,b\n" + std::string(1u << 20, ',') + "\n";
  auto r = read_all(text);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "expected 2 fields, found 1048577");
}

TEST(Csv, EscapedFieldBeyondTheStoredOnesIsSafe) {
  // Fields past header + 1 are counted, not stored; a doubled quote in one of
  // them must not be unescaped into a field that does not exist.
  auto r = read_all("a,b\n1,2,3,\"x\"\"y\",\"p\"\"q\"\n5,6\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "expected 2 fields, found 5");
  EXPECT_EQ(r.errors[0].column, 5u);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0], (row{"5", "6"}));
}

TEST(Csv, ErrorsAfterMultilineFieldKeepLineNumbers) {
  auto r = read_all("a,b\n\"x\ny\nz\",1\n2,\"bad\"!\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 5u);
  EXPECT_EQ(r.errors[0].column, 8u);
}

}  // namespace
