#include "gateway/common/problem.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace isagw {
namespace {

TEST(Problem, InvalidMessageListsEveryFieldError) {
  Problem p = InvalidMessage({{"/NHSNumber", "nhs_checksum", "fails the modulus 11 check"},
                              {"/Gender", "enum", "is not one of M, F, X, U"}});
  nlohmann::json j = p.ToJson();
  EXPECT_EQ(j["type"], problem_type::kInvalidMessage);
  EXPECT_EQ(j["status"], 400);
  ASSERT_EQ(j["errors"].size(), 2u);
  EXPECT_EQ(j["errors"][0]["pointer"], "/NHSNumber");
  EXPECT_EQ(j["errors"][1]["code"], "enum");
}

TEST(Problem, OmitsEmptyDetailAndErrors) {
  Problem p{problem_type::kTooLarge, "Too large", 413, "", {}};
  nlohmann::json j = p.ToJson();
  EXPECT_FALSE(j.contains("detail"));
  EXPECT_FALSE(j.contains("errors"));
}

TEST(FieldError, JoinPointerEscapesSlashAndTilde) {
  EXPECT_EQ(JoinPointer("/a", "b/c~d"), "/a/b~1c~0d");
}

TEST(FieldError, UnescapePointerTokenUndoesJoinPointer) {
  EXPECT_EQ(UnescapePointerToken("b~1c~0d"), "b/c~d");
  EXPECT_EQ(UnescapePointerToken("~01"), "~1");  // "~0" first, then a plain '1'
  EXPECT_EQ(UnescapePointerToken("plain"), "plain");
  EXPECT_EQ(UnescapePointerToken("end~"), "end~");
  for (const std::string token : {"a/b", "~", "~1", "/~/", ""}) {
    EXPECT_EQ(UnescapePointerToken(JoinPointer("", token).substr(1)), token) << token;
  }
}

}  // namespace
}  // namespace isagw
