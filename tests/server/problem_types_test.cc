// Problem type URIs are a published contract: clients switch on them and
// docs/api/openapi.yaml lists them. These tests pin every one, so moving
// them (into gateway/common/problem.h) or renaming a constant cannot
// change what goes on the wire.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gateway/common/problem.h"
#include "gateway/server/http_message.h"

namespace isagw::server {
namespace {

// Every constant with the URI it has always had.
const std::vector<std::pair<const char*, const char*>> kPublished = {
    {problem_type::kInvalidMessage, "urn:isagw:problem:invalid-message"},
    {problem_type::kMalformed, "urn:isagw:problem:malformed"},
    {problem_type::kTooLarge, "urn:isagw:problem:too-large"},
    {problem_type::kUnsupportedFormat, "urn:isagw:problem:unsupported-format"},
    {problem_type::kNotRepresentable, "urn:isagw:problem:not-representable"},
    {problem_type::kNotFound, "urn:isagw:problem:not-found"},
    {problem_type::kMethodNotAllowed, "urn:isagw:problem:method-not-allowed"},
    {problem_type::kRateLimited, "urn:isagw:problem:rate-limited"},
    {problem_type::kHeadersTooLarge, "urn:isagw:problem:headers-too-large"},
    {problem_type::kForbidden, "urn:isagw:problem:forbidden"},
    {problem_type::kInternal, "urn:isagw:problem:internal-error"},
    {problem_type::kUnavailable, "urn:isagw:problem:unavailable"},
    {problem_type::kEpisodeConflict, "urn:isagw:problem:episode-conflict"},
    {problem_type::kNonDelivery, "urn:isagw:problem:non-delivery"},
};

TEST(ProblemTypes, KeepTheirPublishedUris) {
  for (const auto& [constant, uri] : kPublished) EXPECT_STREQ(constant, uri);
}

TEST(ProblemTypes, TheServersProblemsCarryTheirTypes) {
  EXPECT_EQ(NotFoundProblem().type, problem_type::kNotFound);
  EXPECT_EQ(MethodNotAllowedProblem().type, problem_type::kMethodNotAllowed);
  EXPECT_EQ(UnsupportedMediaTypeProblem("d").type, problem_type::kUnsupportedFormat);
  EXPECT_EQ(TooLargeProblem("d").type, problem_type::kTooLarge);
  EXPECT_EQ(HeadersTooLargeProblem().type, problem_type::kHeadersTooLarge);
  EXPECT_EQ(MalformedRequestProblem("d").type, problem_type::kMalformed);
  EXPECT_EQ(RateLimitedProblem().type, problem_type::kRateLimited);
  EXPECT_EQ(ForbiddenProblem("d").type, problem_type::kForbidden);
  EXPECT_EQ(InternalErrorProblem().type, problem_type::kInternal);
  EXPECT_EQ(UnavailableProblem("d").type, problem_type::kUnavailable);
}

TEST(ProblemTypes, EveryTypeTheApiAnswersWithIsInTheOpenApiDocument) {
  std::ifstream file(std::string(ISAGW_SOURCE_DIR) + "/docs/api/openapi.yaml");
  ASSERT_TRUE(file) << "docs/api/openapi.yaml";
  std::stringstream text;
  text << file.rdbuf();
  const std::string document = text.str();
  for (const auto& [constant, uri] : kPublished) {
    const std::string type = constant;
    // Not an API answer: pushed to a sender's endpoint (docs/delivery.md).
    if (type == problem_type::kNonDelivery) continue;
    EXPECT_NE(document.find("- " + type + "\n"), std::string::npos) << type;
  }
}

}  // namespace
}  // namespace isagw::server
