#include "gateway/delivery/response_classifier.h"

#include <gtest/gtest.h>

namespace isagw::delivery {
namespace {

using namespace std::chrono;
using Kind = PushResult::Kind;

const model::Timestamp kNow = sys_days{1994y / November / 6} + 8h + 49min + 30s;

TEST(ClassifyResponse, CountsEvery2xxAsDelivered) {
  for (int status : {200, 201, 202, 204, 299}) {
    const PushResult result = ClassifyResponse(status, "", kNow);
    EXPECT_EQ(result.kind, Kind::kDelivered) << status;
    EXPECT_EQ(result.http_status, status);
    EXPECT_TRUE(result.error.empty());
  }
}

TEST(ClassifyResponse, RetriesTimeoutsThrottlingAndServerErrors) {
  for (int status : {408, 425, 429, 500, 502, 503, 504, 599}) {
    const PushResult result = ClassifyResponse(status, "", kNow);
    EXPECT_EQ(result.kind, Kind::kRetry) << status;
    EXPECT_EQ(result.error, "http_" + std::to_string(status));
    EXPECT_FALSE(result.EndpointWorked());
  }
}

TEST(ClassifyResponse, TreatsOtherRefusalsAndRedirectsAsPermanent) {
  for (int status : {400, 401, 403, 404, 409, 410, 413, 415, 422, 301, 302, 307}) {
    const PushResult result = ClassifyResponse(status, "", kNow);
    EXPECT_EQ(result.kind, Kind::kPermanent) << status;
    EXPECT_TRUE(result.EndpointWorked());
  }
}

TEST(ClassifyResponse, ReadsRetryAfterOnlyWhenRetrying) {
  EXPECT_EQ(ClassifyResponse(503, "120", kNow).retry_after, seconds(120));
  EXPECT_EQ(ClassifyResponse(429, " 5 ", kNow).retry_after, seconds(5));
  EXPECT_EQ(ClassifyResponse(400, "120", kNow).retry_after, std::nullopt);
  EXPECT_EQ(ClassifyResponse(503, "", kNow).retry_after, std::nullopt);
}

TEST(ParseRetryAfter, ReadsDelaySeconds) {
  EXPECT_EQ(ParseRetryAfter("0", kNow), seconds(0));
  EXPECT_EQ(ParseRetryAfter("3600", kNow), seconds(3600));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", kNow), seconds(365LL * 24 * 3600));
}

TEST(ParseRetryAfter, ReadsAnHttpDate) {
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kNow), seconds(7));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 09:49:30 GMT", kNow), seconds(3600));
}

TEST(ParseRetryAfter, TreatsADateInThePastAsNow) {
  EXPECT_EQ(ParseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", kNow), seconds(0));
}

TEST(ParseRetryAfter, IgnoresWhatItCannotRead) {
  for (const char* value : {"soon", "-5", "1.5", "12abc", "Sun, 06 Nov 1994 08:49:37 CET",
                            "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                            "Xyz, 06 Nov 1994 08:49:37 GMT", ""}) {
    EXPECT_EQ(ParseRetryAfter(value, kNow), std::nullopt) << value;
  }
}

TEST(PushResultKindName, NamesEveryKind) {
  EXPECT_EQ(PushResultKindName(Kind::kDelivered), "delivered");
  EXPECT_EQ(PushResultKindName(Kind::kRetry), "retry");
  EXPECT_EQ(PushResultKindName(Kind::kPermanent), "permanent");
}

}  // namespace
}  // namespace isagw::delivery
