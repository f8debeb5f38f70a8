#include "adapters/compact/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace isagw::adapters::compact {
namespace {

using Rows = std::vector<std::vector<std::string>>;

CsvReader::Limits DefaultLimits() { return {}; }

// Every row of `text`, or the error that stopped the read.
Result<Rows, CsvError> ReadAll(std::string_view text, CsvReader::Limits limits = DefaultLimits()) {
  CsvReader reader(text, limits);
  Rows rows;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) return Fail(next.error());
    if (!next->has_value()) return rows;
    rows.push_back((*next)->cells);
  }
}

CsvError ErrorOf(std::string_view text, CsvReader::Limits limits = DefaultLimits()) {
  auto rows = ReadAll(text, limits);
  EXPECT_FALSE(rows.ok());
  return rows.ok() ? CsvError{} : rows.error();
}

TEST(CsvReader, SplitsPlainCellsOnCommasAndRowsOnLineFeeds) {
  auto rows = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReader, AcceptsCrlfAndAMissingFinalLineBreak) {
  auto rows = ReadAll("a,b\r\n1,2");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReader, KeepsCommasLineBreaksAndDoubledQuotesInsideQuotes) {
  auto rows = ReadAll("a,b\r\n\"x, y\",\"line one\r\nline \"\"two\"\"\"\r\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows{{"a", "b"}, {"x, y", "line one\r\nline \"two\""}}));
}

TEST(CsvReader, ReadsEmptyCellsQuotedOrNot) {
  auto rows = ReadAll("a,\"\",,\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows{{"a", "", "", ""}}));
}

TEST(CsvReader, NumbersRowsAndTheLinesTheyStartOn) {
  CsvReader reader("h\n\"two\nlines\"\nlast\n", {});
  auto first = reader.Next();
  auto second = reader.Next();
  auto third = reader.Next();
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ((*second)->number, 2u);
  EXPECT_EQ((*second)->line, 2u);
  EXPECT_EQ((*third)->number, 3u);
  EXPECT_EQ((*third)->line, 4u);
  auto end = reader.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(CsvReader, MarksEmptyLinesAsBlankButNotAQuotedEmptyCell) {
  CsvReader reader("\n\"\"\n", {});
  auto blank = reader.Next();
  auto quoted = reader.Next();
  ASSERT_TRUE(blank.ok() && quoted.ok());
  EXPECT_TRUE((*blank)->blank);
  EXPECT_FALSE((*quoted)->blank);
}

TEST(CsvReader, ReadsNothingFromEmptyText) {
  auto rows = ReadAll("");
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST(CsvReader, RefusesAQuoteInsideAnUnquotedCell) {
  const CsvError e = ErrorOf("a,b\n1,x\"y\n");
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.code, "syntax");
}

TEST(CsvReader, RefusesTextAfterAClosingQuote) {
  const CsvError e = ErrorOf("a,b\n\"x\"y,2\n");
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.code, "syntax");
}

TEST(CsvReader, RefusesAnUnterminatedQuotedCell) {
  const CsvError e = ErrorOf("a,b\n1,\"never closed\n3,4\n");
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.code, "syntax");
  EXPECT_EQ(e.reason, "row 2: a quoted field opened on line 2 is never closed");
}

TEST(CsvReader, RefusesABareCarriageReturn) {
  const CsvError e = ErrorOf("a,b\r1,2\n");
  EXPECT_EQ(e.row, 1u);
  EXPECT_EQ(e.code, "syntax");
}

TEST(CsvReader, RefusesRowsOverTheByteLimit) {
  CsvReader::Limits limits;
  limits.max_row_bytes = 8;
  const CsvError e = ErrorOf("a,b\n123456789\n", limits);
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.code, "too_large");
}

TEST(CsvReader, RefusesRowsOverTheCellLimit) {
  CsvReader::Limits limits;
  limits.max_cells = 2;
  const CsvError e = ErrorOf("a,b\n1,2,3\n", limits);
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.code, "syntax");
}

// Found by tests/hostile: a NUL in a name was accepted from a CSV batch.
TEST(CsvReader, RefusesControlCharactersInQuotedAndUnquotedCells) {
  EXPECT_EQ(ErrorOf(std::string_view("a,b\nSam\0ple,2\n", 14)).code, "control_character");
  const CsvError quoted = ErrorOf("a,b\n1,\"Sam\x1bple\"\n");
  EXPECT_EQ(quoted.code, "control_character");
  EXPECT_EQ(quoted.row, 2u);
  EXPECT_EQ(quoted.reason.find("Sam"), std::string::npos);
  CsvReader tabs("a,b\n\"line one\nline two\",with\ta tab\n", DefaultLimits());
  ASSERT_TRUE(tabs.Next().ok());
  EXPECT_TRUE(tabs.Next().ok()) << "tabs and line breaks inside a quoted cell stay allowed";
}

TEST(CsvReader, NeverQuotesCellContentInItsReasons) {
  const CsvError e = ErrorOf("a\n\"Alex Example\"oops\n");
  EXPECT_EQ(e.reason.find("Alex"), std::string::npos);
}

}  // namespace
}  // namespace isagw::adapters::compact
