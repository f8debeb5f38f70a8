// Message and delivery ids: unique, stable where they must be, and in the
// order they were made, so that rows keyed by them append to their B-trees.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/pipeline/ingest_pipeline.h"

namespace isagw::pipeline {
namespace {

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(MessageId, HasItsFormAndTheTimeItWasMade) {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string id = NewMessageId();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  ASSERT_EQ(id.size(), 4u + 26u);
  EXPECT_EQ(id.substr(0, 4), "msg_");
  EXPECT_TRUE(IsLowerHex(id.substr(4))) << id;
  const long long made = std::stoll(id.substr(4, 12), nullptr, 16);
  EXPECT_GE(made, before);
  EXPECT_LE(made, after);
}

TEST(MessageId, IdsMadeLaterSortLaterAndNoneRepeats) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 2000; ++j) ids.push_back(NewMessageId());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // Within a millisecond the order is random; across them it is the order
  // made. Compare each id with the first id made 2 ms after it.
  EXPECT_LT(ids[1999], ids[2000]);
  EXPECT_LT(ids[3999], ids[4000]);
  EXPECT_LT(ids.front(), ids.back());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(DeliveryId, IsStableAndSortsWithItsMessage) {
  const std::string message = NewMessageId();
  const std::string id = DeliveryId(message, "la-derby", "missing_reported");
  EXPECT_EQ(id, DeliveryId(message, "la-derby", "missing_reported"));
  ASSERT_EQ(id.size(), 4u + 24u);
  EXPECT_EQ(id.substr(0, 4), "dlv_");
  EXPECT_TRUE(IsLowerHex(id.substr(4))) << id;
  EXPECT_EQ(id.substr(4, 12), message.substr(4, 12));
  // Every part of what the copy is changes the id.
  EXPECT_NE(id, DeliveryId(message, "la-staffordshire", "missing_reported"));
  EXPECT_NE(id, DeliveryId(message, "la-derby", "rhi_referred"));
  std::string other = message;
  other.back() = other.back() == '0' ? '1' : '0';  // same millisecond, another message
  EXPECT_NE(id, DeliveryId(other, "la-derby", "missing_reported"));
}

TEST(DeliveryId, OfAnIdNotMadeHereIsThePlainStableHash) {
  EXPECT_EQ(DeliveryId("m-1", "la-derby", "missing_reported"),
            StableDeliveryId("m-1|la-derby|missing_reported"));
}

}  // namespace
}  // namespace isagw::pipeline
