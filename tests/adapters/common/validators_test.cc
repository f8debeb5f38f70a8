#include "adapters/common/validators.h"

#include <gtest/gtest.h>

#include <chrono>

namespace isagw::adapters {
namespace {

TEST(Validators, NhsNumberNeedsTenDigitsAndTheModulus11CheckDigit) {
  EXPECT_TRUE(IsValidNhsNumber("9434765919"));
  EXPECT_TRUE(IsValidNhsNumber("4010232137"));
  EXPECT_FALSE(IsValidNhsNumber("9434765918"));   // wrong check digit
  EXPECT_FALSE(IsValidNhsNumber("943476591"));    // nine digits
  EXPECT_FALSE(IsValidNhsNumber("943 476 5919")); // spaces
  EXPECT_FALSE(IsValidNhsNumber("943476591X"));
  // Remainder gives check value 10: never issued.
  EXPECT_FALSE(IsValidNhsNumber("0000000060"));
}

TEST(Validators, OccurrenceRefFollowsThePolicePattern) {
  EXPECT_TRUE(IsValidOccurrenceRef("DB/21/2026/004512"));
  EXPECT_TRUE(IsValidOccurrenceRef("ABCD/01/2026/1234"));
  EXPECT_FALSE(IsValidOccurrenceRef("D/21/2026/004512"));
  EXPECT_FALSE(IsValidOccurrenceRef("ABCDE/21/2026/004512"));
  EXPECT_FALSE(IsValidOccurrenceRef("db/21/2026/004512"));
  EXPECT_FALSE(IsValidOccurrenceRef("DB/21/2026/123"));
  EXPECT_FALSE(IsValidOccurrenceRef("DB/21/2026/1234567"));
  EXPECT_FALSE(IsValidOccurrenceRef("DB/2/2026/004512"));
  EXPECT_FALSE(IsValidOccurrenceRef("DB/21/26/004512"));
}

TEST(Validators, PostcodesAreNormalised) {
  EXPECT_EQ(NormalisePostcode("de22 3ab"), "DE22 3AB");
  EXPECT_EQ(NormalisePostcode("DE223AB"), "DE22 3AB");
  EXPECT_EQ(NormalisePostcode("W1A 1AA"), "W1A 1AA");
  EXPECT_EQ(NormalisePostcode("M1 1AE"), "M1 1AE");
  EXPECT_EQ(NormalisePostcode("CR2 6XH"), "CR2 6XH");
  EXPECT_EQ(NormalisePostcode("DE22  3AB"), std::nullopt);
  EXPECT_EQ(NormalisePostcode("DE22 AAB"), std::nullopt);
  EXPECT_EQ(NormalisePostcode("12345"), std::nullopt);
  EXPECT_EQ(NormalisePostcode(""), std::nullopt);
  EXPECT_EQ(PostcodeDistrict("DE22 3AB"), "DE22");
}

TEST(Validators, FindsThePostcodeInFreeText) {
  EXPECT_EQ(FindPostcodeInText("Derby Bus Station DE1 2AY"), "DE1 2AY");
  EXPECT_EQ(FindPostcodeInText("near the park, ST4 7QB."), "ST4 7QB");
  EXPECT_EQ(FindPostcodeInText("Derby Bus Station"), std::nullopt);
}

TEST(Validators, CodeListsMatchSsda903) {
  EXPECT_TRUE(IsLegalStatusCode("C2"));
  EXPECT_FALSE(IsLegalStatusCode("C3"));
  EXPECT_TRUE(IsPlacementTypeCode("K2"));
  EXPECT_TRUE(IsPlacementTypeCode("T4"));
  EXPECT_FALSE(IsPlacementTypeCode("U7"));
  EXPECT_FALSE(IsPlacementTypeCode(""));
}

TEST(Validators, EthnicityMapsBetweenPoliceAndDfeCodes) {
  EXPECT_EQ(PoliceToDfeEthnicity("W1"), "WBRI");
  EXPECT_EQ(DfeToPoliceEthnicity("WBRI"), "W1");
  EXPECT_EQ(DfeToPoliceEthnicity("WROM"), "W9");  // detail lost
  EXPECT_TRUE(IsPoliceEthnicityCode("NS"));
  EXPECT_FALSE(IsPoliceEthnicityCode("WBRI"));
  EXPECT_TRUE(IsDfeEthnicityCode("REFU"));
  EXPECT_FALSE(IsDfeEthnicityCode("W1"));
}


model::Event SeenOn(std::chrono::year_month_day last_seen, std::chrono::year_month_day born) {
  model::Event event;
  event.episode.last_seen_at = std::chrono::sys_days{last_seen} + std::chrono::hours{21};
  event.child.date_of_birth = born;
  return event;
}

std::string FaultCode(const model::Event& event) {
  auto fault = CheckBirthDate(event);
  return fault ? std::string(fault->code) : "ok";
}

TEST(Validators, ABirthDateAfterTheEpisodeBeganIsInconsistent) {
  using namespace std::chrono;
  const year_month_day seen = 2026y / November / 22d;
  EXPECT_EQ(FaultCode(SeenOn(seen, 2026y / November / 22d)), "ok");  // born that day
  EXPECT_EQ(FaultCode(SeenOn(seen, 2026y / November / 23d)), "inconsistent");
  EXPECT_EQ(FaultCode(SeenOn(seen, 2099y / January / 1d)), "inconsistent");
}

TEST(Validators, ABirthDateTwentySixYearsBeforeTheEpisodeIsImplausible) {
  using namespace std::chrono;
  const year_month_day seen = 2026y / November / 22d;
  EXPECT_EQ(FaultCode(SeenOn(seen, 2000y / November / 23d)), "ok");  // 25, a day short of 26
  EXPECT_EQ(FaultCode(SeenOn(seen, 2000y / November / 22d)), "implausible");
  EXPECT_EQ(FaultCode(SeenOn(seen, 1910y / May / 4d)), "implausible");
  // Born on 29 February: 26 on 1 March of a year without one.
  EXPECT_EQ(FaultCode(SeenOn(2026y / February / 28d, 2000y / February / 29d)), "ok");
  EXPECT_EQ(FaultCode(SeenOn(2026y / March / 1d, 2000y / February / 29d)), "implausible");
}

TEST(Validators, TheBirthDateIsJudgedAgainstTheEarliestTimeTheEventGives) {
  using namespace std::chrono;
  model::Event event;
  event.child.date_of_birth = 2010y / May / 4d;
  EXPECT_FALSE(CheckBirthDate(event));  // no time at all: nothing to judge against
  event.header.sent_at = sys_days{2026y / November / 22d};
  EXPECT_FALSE(CheckBirthDate(event));
  event.episode.found_at = sys_days{2010y / May / 1d};  // earlier than the birth
  EXPECT_EQ(FaultCode(event), "inconsistent");
  event.episode.found_at.reset();
  event.rhi.emplace();
  event.rhi->returned_at = sys_days{2010y / May / 3d};
  EXPECT_EQ(FaultCode(event), "inconsistent");
  const auto fault = CheckBirthDate(event);
  ASSERT_TRUE(fault);
  EXPECT_EQ(std::string(fault->reason).find("2010"), std::string::npos);  // names no value
}

}  // namespace
}  // namespace isagw::adapters
