#include "gateway/common/strict_json.h"

#include <gtest/gtest.h>

#include <string>

namespace isagw {
namespace {

FieldError OnlyError(std::string_view text, const JsonLimits& limits = {}) {
  auto parsed = ParseStrictJson(text, limits);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.error().size(), 1u);
  return parsed.error().front();
}

TEST(StrictJson, ParsesAWellFormedObject) {
  auto parsed = ParseStrictJson(R"({"a":1,"b":[true,null,"x"]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("b").at(2), "x");
}

TEST(StrictJson, RefusesDuplicateKeysNamingTheKey) {
  FieldError e = OnlyError(R"({"a":1,"b":{"c":1,"c":2}})");
  EXPECT_EQ(e.code, "duplicate_key");
  EXPECT_EQ(e.pointer, "/b/c");
}

TEST(StrictJson, RefusesDuplicateKeysInsideArrays) {
  FieldError e = OnlyError(R"({"list":[{"x":1},{"y":1,"y":1}]})");
  EXPECT_EQ(e.code, "duplicate_key");
  EXPECT_EQ(e.pointer, "/list/1/y");
}

TEST(StrictJson, EscapesPointerTokens) {
  FieldError e = OnlyError(R"({"a/b":{"m~n":1,"m~n":1}})");
  EXPECT_EQ(e.pointer, "/a~1b/m~0n");
}

TEST(StrictJson, AllowsThirtyTwoLevelsAndRefusesThirtyThree) {
  std::string ok(32, '[');
  ok += std::string(32, ']');
  EXPECT_TRUE(ParseStrictJson(ok).ok());
  std::string deep(33, '[');
  deep += std::string(33, ']');
  EXPECT_EQ(OnlyError(deep).code, "too_deep");
}

TEST(StrictJson, RefusesInvalidUtf8WithItsOffset) {
  FieldError e = OnlyError("{\"a\":\"\xC3\x28\"}");
  EXPECT_EQ(e.code, "invalid_utf8");
  EXPECT_EQ(e.reason, "invalid UTF-8 at byte 6");
}

TEST(StrictJson, RefusesOversizeDocumentsBeforeParsing) {
  JsonLimits limits;
  limits.max_bytes = 10;
  EXPECT_EQ(OnlyError(R"({"abc":"defghij"})", limits).code, "too_large");
}

// nlohmann throws out_of_range, not parse_error, for a number beyond a
// double: found by the compact decoder's fuzz target (fuzz/corpus/compact/
// huge-number.json); it escaped ParseStrictJson before.
TEST(StrictJson, RefusesANumberTooLargeToRepresentNamingWhere) {
  FieldError e = OnlyError(R"({"a":{"n":1e999999}})");
  EXPECT_EQ(e.code, "number_range");
  EXPECT_EQ(e.pointer, "/a/n");
  EXPECT_EQ(e.reason.find("999999"), std::string::npos);
  EXPECT_EQ(OnlyError("[-1e400]").code, "number_range");
}

// Found by tests/hostile: a forename "Zeph\u0000yrine" was accepted.
TEST(StrictJson, RefusesControlCharactersButTabsAndLineBreaks) {
  FieldError e = OnlyError(R"({"child":{"forename":"Zeph\u0000yrine"}})");
  EXPECT_EQ(e.code, "control_character");
  EXPECT_EQ(e.pointer, "/child/forename");
  EXPECT_EQ(e.reason.find("Zeph"), std::string::npos);
  EXPECT_EQ(OnlyError(R"(["a\u001fb"])").pointer, "/0");
  EXPECT_EQ(OnlyError(R"({"a\u0001":1})").code, "control_character");
  EXPECT_EQ(OnlyError("[\"\u007f\"]").code, "control_character");
  EXPECT_TRUE(ParseStrictJson(R"({"note":"line one\nline two\tand a tab\r\n"})").ok());
}

TEST(StrictJson, ReportsSyntaxErrorsWithoutQuotingInput) {
  FieldError e = OnlyError(R"({"name":"Secret Name" "x":1})");
  EXPECT_EQ(e.code, "syntax");
  EXPECT_EQ(e.reason.find("Secret"), std::string::npos);
}

}  // namespace
}  // namespace isagw
