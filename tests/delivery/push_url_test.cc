#include "gateway/delivery/push_url.h"

#include <gtest/gtest.h>

namespace isagw::delivery {
namespace {

TEST(ParsePushUrl, SplitsHostPortAndTarget) {
  auto url = ParsePushUrl("https://localhost:9443/isagw/v1/deliveries");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "localhost");
  EXPECT_EQ(url->port, 9443);
  EXPECT_EQ(url->authority, "localhost:9443");
  EXPECT_EQ(url->target, "/isagw/v1/deliveries");
}

TEST(ParsePushUrl, DefaultsToPort443AndTheRootPath) {
  auto url = ParsePushUrl("https://receiver.example.org");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->authority, "receiver.example.org");
  EXPECT_EQ(url->target, "/");
}

TEST(ParsePushUrl, KeepsTheQuery) {
  auto url = ParsePushUrl("https://127.0.0.1:8443/hook?tenant=derby");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->target, "/hook?tenant=derby");
}

TEST(ParsePushUrl, TakesAnIpv6AddressOutOfItsBrackets) {
  auto url = ParsePushUrl("https://[::1]:8443/hook");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->authority, "[::1]:8443");
}

TEST(ParsePushUrl, RefusesWhatTheRegistryRefuses) {
  for (const char* bad : {"http://localhost/hook", "https://user@localhost/hook",
                          "https://localhost:0/hook", "https://localhost:65536/",
                          "https://localhost/hook#part", "https:///hook", "ftp://x", ""}) {
    EXPECT_EQ(ParsePushUrl(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace isagw::delivery
