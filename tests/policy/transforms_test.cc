#include "gateway/policy/transforms.h"

#include <gtest/gtest.h>

#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using testing::At;

model::Date D(std::string_view text) { return *model::ParseIsoDate(text); }

PseudonymKey KeyOf(unsigned char fill) {
  unsigned char bytes[PseudonymKey::kBytes];
  for (auto& b : bytes) b = fill;
  return PseudonymKey(bytes);
}

TEST(Transforms, PostcodeDistrictKeepsTheOutwardCode) {
  EXPECT_EQ(PostcodeDistrict("DE22 3AB"), "DE22");
  EXPECT_EQ(PostcodeDistrict("ST1 2AB"), "ST1");
  EXPECT_EQ(PostcodeDistrict("W1A 1AA"), "W1A");
  EXPECT_EQ(PostcodeDistrict("CR0 1NX"), "CR0");
  EXPECT_EQ(PostcodeDistrict("de22 3ab"), std::nullopt);  // not normalised
  EXPECT_EQ(PostcodeDistrict("DE223AB"), std::nullopt);
  EXPECT_EQ(PostcodeDistrict("Derby"), std::nullopt);
}

TEST(Transforms, PhoneMaskKeepsTheLastThreeDigits) {
  EXPECT_EQ(MaskPhone("01785 276543"), "***** ***543");
  EXPECT_EQ(MaskPhone("+44 1785 276543"), "*** **** ***543");
  EXPECT_EQ(MaskPhone("123456"), std::nullopt);
  EXPECT_EQ(MaskPhone("ext. 1234567"), std::nullopt);
}

TEST(Transforms, EmailMaskKeepsTheDomain) {
  EXPECT_EQ(MaskEmail("sam.worker@derby.gov.uk"), "***@derby.gov.uk");
  EXPECT_EQ(MaskEmail("@derby.gov.uk"), std::nullopt);
  EXPECT_EQ(MaskEmail("a@b@derby.gov.uk"), std::nullopt);
  EXPECT_EQ(MaskEmail("sam"), std::nullopt);
}

TEST(Transforms, AgeCountsWholeYears) {
  EXPECT_EQ(AgeInYears(D("2010-05-04"), D("2026-05-03")), 15);
  EXPECT_EQ(AgeInYears(D("2010-05-04"), D("2026-05-04")), 16);
  EXPECT_EQ(AgeInYears(D("2012-02-29"), D("2026-02-28")), 13);
  EXPECT_EQ(AgeInYears(D("2012-02-29"), D("2026-03-01")), 14);
  EXPECT_EQ(AgeInYears(D("2027-01-01"), D("2026-05-04")), std::nullopt);
}

TEST(Transforms, UkDateFollowsBritishSummerTime) {
  EXPECT_EQ(model::FormatDate(UkDate(At("2026-07-01T22:59:59Z"))), "2026-07-01");
  EXPECT_EQ(model::FormatDate(UkDate(At("2026-07-01T23:00:00Z"))), "2026-07-02");
  EXPECT_EQ(model::FormatDate(UkDate(At("2026-12-01T23:30:00Z"))), "2026-12-01");
  EXPECT_EQ(UkDateOfTimestamp("2026-03-29T00:30:00Z"), "2026-03-29");
  EXPECT_EQ(UkDateOfTimestamp("yesterday"), std::nullopt);
}

TEST(Transforms, PseudonymsAreStablePerKeyAndDifferAcrossKeys) {
  const std::string a = Pseudonym(KeyOf(1), "Jo Adult");
  EXPECT_EQ(a, Pseudonym(KeyOf(1), "Jo Adult"));
  EXPECT_NE(a, Pseudonym(KeyOf(2), "Jo Adult"));
  EXPECT_NE(a, Pseudonym(KeyOf(1), "Jo Adults"));
  EXPECT_EQ(a.size(), 4u + 32u);
  EXPECT_EQ(a.find("Jo"), std::string::npos);
}

TEST(Transforms, ApplicabilityFollowsFieldTypes) {
  EXPECT_TRUE(
      TransformApplies(Action::kMask, MaskKind::kPostcodeDistrict, {}, FieldType::kPostcode));
  EXPECT_FALSE(TransformApplies(Action::kMask, MaskKind::kPostcodeDistrict, {}, FieldType::kText));
  EXPECT_TRUE(TransformApplies(Action::kMask, MaskKind::kMarker, {}, FieldType::kName));
  EXPECT_FALSE(TransformApplies(Action::kMask, MaskKind::kMarker, {}, FieldType::kEnum));
  EXPECT_TRUE(
      TransformApplies(Action::kGeneralise, {}, GeneraliseKind::kDate, FieldType::kTimestamp));
  EXPECT_FALSE(TransformApplies(Action::kGeneralise, {}, GeneraliseKind::kDate, FieldType::kDate));
  EXPECT_FALSE(TransformApplies(Action::kPseudonymise, {}, {}, FieldType::kBoolean));
  EXPECT_TRUE(TransformApplies(Action::kDrop, {}, {}, FieldType::kBoolean));
}

}  // namespace
}  // namespace isagw::policy
