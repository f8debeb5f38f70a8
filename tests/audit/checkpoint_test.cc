#include "gateway/audit/checkpoint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit_test_util.h"

namespace isagw::audit {
namespace {

using namespace test_util;

ChainHash Filled(std::uint8_t value) {
  ChainHash hash{};
  hash.fill(value);
  return hash;
}

TEST(Checkpoint, ASignedHeadVerifiesAndAnyChangeBreaksIt) {
  const SignedHead head = SignHead(TestSigner(), 50, Filled(1), Base(), Filled(2));
  EXPECT_TRUE(SignatureValid(head));
  for (int field = 0; field < 4; ++field) {
    SignedHead changed = head;
    switch (field) {
      case 0:
        changed.seq = 49;
        break;
      case 1:
        changed.head_hash[0] ^= 1;
        break;
      case 2:
        changed.at += std::chrono::seconds(1);
        break;
      default:
        changed.prev_hash[31] ^= 1;
        break;
    }
    EXPECT_FALSE(SignatureValid(changed)) << "field " << field;
  }
}

TEST(Checkpoint, AnotherKeysSignatureDoesNotVerify) {
  SignedHead head = SignHead(TestSigner(5), 1, Filled(1), Base(), kGenesisHash);
  head.public_key = TestSigner(6).public_key();
  EXPECT_FALSE(SignatureValid(head));
}

TEST(Checkpoint, HashesChainOnTheSignatureToo) {
  const SignedHead a = SignHead(TestSigner(), 1, Filled(1), Base(), kGenesisHash);
  SignedHead b = a;
  b.signature[0] ^= 1;
  EXPECT_NE(CheckpointHash(a), CheckpointHash(b));
  EXPECT_EQ(CheckpointHash(a), CheckpointHash(a));
}

TEST(SignedHeadExport, RoundTripsThroughJson) {
  const SignedHead head = SignHead(TestSigner(), 1234, Filled(7), Base(), Filled(8));
  const std::string text = ExportSignedHead(head);
  const auto body = nlohmann::json::parse(text);
  EXPECT_EQ(body["format"], "isagw.audit.signed_head/1");
  EXPECT_EQ(body["seq"], 1234);
  EXPECT_EQ(body["at"], "2026-11-22T21:41:00Z");
  EXPECT_EQ(body["head_hash"], ToHex(Filled(7)));
  auto parsed = ParseSignedHead(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().front().pointer;
  EXPECT_EQ(*parsed, head);
  EXPECT_TRUE(SignatureValid(*parsed));
}

TEST(SignedHeadExport, ParseRefusesUnknownMissingAndMalformedMembers) {
  auto body = nlohmann::json::parse(
      ExportSignedHead(SignHead(TestSigner(), 3, Filled(7), Base(), kGenesisHash)));
  body["extra"] = 1;
  body.erase("prev_hash");
  body["head_hash"] = "zz";
  body["signature"] = 5;
  body["seq"] = 0;
  auto parsed = ParseSignedHead(body.dump());
  ASSERT_FALSE(parsed.ok());
  std::vector<std::pair<std::string, std::string>> got;
  for (const FieldError& e : parsed.error()) got.emplace_back(e.pointer, e.code);
  const auto has = [&](const std::string& pointer, const std::string& code) {
    return std::find(got.begin(), got.end(), std::pair{pointer, code}) != got.end();
  };
  EXPECT_TRUE(has("/extra", "unknown_field"));
  EXPECT_TRUE(has("/prev_hash", "required"));
  EXPECT_TRUE(has("/head_hash", "pattern"));
  EXPECT_TRUE(has("/signature", "type"));
  EXPECT_TRUE(has("/seq", "range"));
}

TEST(SignedHeadExport, ParseRefusesDuplicateKeys) {
  EXPECT_FALSE(ParseSignedHead(R"({"seq":1,"seq":2})").ok());
}

}  // namespace
}  // namespace isagw::audit
