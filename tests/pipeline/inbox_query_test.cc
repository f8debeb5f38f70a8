#include "gateway/pipeline/inbox_query.h"

#include <gtest/gtest.h>

namespace isagw::pipeline {
namespace {

// The pointers and codes of a refusal, in order.
std::vector<std::pair<std::string, std::string>> Refusal(std::string_view query) {
  auto parsed = ParseInboxQuery(query);
  EXPECT_FALSE(parsed.ok()) << query;
  std::vector<std::pair<std::string, std::string>> out;
  if (parsed.ok()) return out;
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(parsed.error().type, problem_type::kMalformed);
  for (const FieldError& e : parsed.error().errors) out.emplace_back(e.pointer, e.code);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(InboxQuery, NothingAskedMeansTheDefaultPageFromTheStart) {
  for (std::string_view query : {"", "&", "&&"}) {
    auto parsed = ParseInboxQuery(query);
    ASSERT_TRUE(parsed.ok()) << query;
    EXPECT_EQ(parsed->limit, kDefaultInboxLimit);
    EXPECT_FALSE(parsed->after.has_value());
  }
}

TEST(InboxQuery, TakesALimitAndACursor) {
  auto parsed = ParseInboxQuery("after=dlv_0a1b-ndn&limit=500");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->limit, 500);
  EXPECT_EQ(parsed->after, "dlv_0a1b-ndn");
  EXPECT_EQ(ParseInboxQuery("limit=1")->limit, 1);
}

TEST(InboxQuery, RefusesALimitThatIsNotAWholeNumberInRange) {
  EXPECT_EQ(Refusal("limit=0"), (Pairs{{"/query/limit", "range"}}));
  EXPECT_EQ(Refusal("limit=501"), (Pairs{{"/query/limit", "range"}}));
  EXPECT_EQ(Refusal("limit=-3"), (Pairs{{"/query/limit", "range"}}));
  EXPECT_EQ(Refusal("limit=99999999999999999999"), (Pairs{{"/query/limit", "range"}}));
  EXPECT_EQ(Refusal("limit=ten"), (Pairs{{"/query/limit", "type"}}));
  EXPECT_EQ(Refusal("limit=10x"), (Pairs{{"/query/limit", "type"}}));
  EXPECT_EQ(Refusal("limit="), (Pairs{{"/query/limit", "type"}}));
  EXPECT_EQ(Refusal("limit"), (Pairs{{"/query/limit", "type"}}));
}

TEST(InboxQuery, RefusesACursorThatCannotBeAnId) {
  EXPECT_EQ(Refusal("after="), (Pairs{{"/query/after", "pattern"}}));
  EXPECT_EQ(Refusal("after=dlv%2F1"), (Pairs{{"/query/after", "pattern"}}));
  EXPECT_EQ(Refusal("after=" + std::string(129, 'a')), (Pairs{{"/query/after", "pattern"}}));
}

TEST(InboxQuery, RefusesRepeatsAndUnknownParametersAllAtOnce) {
  EXPECT_EQ(Refusal("limit=5&limit=6"), (Pairs{{"/query/limit", "duplicate"}}));
  EXPECT_EQ(Refusal("after=a&after=b"), (Pairs{{"/query/after", "duplicate"}}));
  // A typo is refused, and its text is not echoed into the pointer.
  EXPECT_EQ(Refusal("limt=5&limit=0"),
            (Pairs{{"/query", "unknown_field"}, {"/query/limit", "range"}}));
}

}  // namespace
}  // namespace isagw::pipeline
