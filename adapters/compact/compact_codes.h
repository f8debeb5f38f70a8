// The police export's code words and their canonical counterparts. One
// table per code list, so every translation the adapter makes is here.
#pragma once

#include <string_view>

#include "gateway/common/code_map.h"
#include "gateway/model/codes.h"

namespace isagw::adapters::compact {

// INTELLIGENCE has no canonical kind: it is encode-only (rhi_recorded).
inline constexpr std::string_view kIntelligence = "INTELLIGENCE";

inline constexpr auto kRecordTypes = MakeCodeMap<model::EventKind>(
    std::pair{model::EventKind::kMissingReported, std::string_view{"MISSING_REPORT"}},
    std::pair{model::EventKind::kRiskReviewed, std::string_view{"RISK_REVIEW"}},
    std::pair{model::EventKind::kFound, std::string_view{"FOUND"}},
    std::pair{model::EventKind::kClosed, std::string_view{"CLOSED"}});

// not_stated has no police code: it encodes as U (a documented loss).
inline constexpr auto kGenders =
    MakeCodeMap<model::Sex>(std::pair{model::Sex::kMale, std::string_view{"M"}},
                            std::pair{model::Sex::kFemale, std::string_view{"F"}},
                            std::pair{model::Sex::kOther, std::string_view{"X"}},
                            std::pair{model::Sex::kUnknown, std::string_view{"U"}});

inline constexpr auto kMissingFrom = MakeCodeMap<model::MissingFrom>(
    std::pair{model::MissingFrom::kHome, std::string_view{"HOME"}},
    std::pair{model::MissingFrom::kFoster, std::string_view{"FOSTER"}},
    std::pair{model::MissingFrom::kResidential, std::string_view{"RESIDENTIAL"}},
    std::pair{model::MissingFrom::kSupported, std::string_view{"SUPPORTED"}},
    std::pair{model::MissingFrom::kHospital, std::string_view{"HOSPITAL"}},
    std::pair{model::MissingFrom::kOther, std::string_view{"OTHER"}});

inline constexpr auto kAnswers =
    MakeCodeMap<model::Answer>(std::pair{model::Answer::kYes, std::string_view{"Y"}},
                               std::pair{model::Answer::kNo, std::string_view{"N"}},
                               std::pair{model::Answer::kUnknown, std::string_view{"U"}});

inline constexpr auto kYesNo = MakeCodeMap<bool>(std::pair{true, std::string_view{"Y"}},
                                                 std::pair{false, std::string_view{"N"}});

inline constexpr auto kRiskGradings = MakeCodeMap<model::RiskLevel>(
    std::pair{model::RiskLevel::kNoApparentRisk, std::string_view{"NO APPARENT RISK"}},
    std::pair{model::RiskLevel::kAbsent, std::string_view{"ABSENT"}},
    std::pair{model::RiskLevel::kVeryLow, std::string_view{"VERY LOW"}},
    std::pair{model::RiskLevel::kLow, std::string_view{"LOW"}},
    std::pair{model::RiskLevel::kMedium, std::string_view{"MEDIUM"}},
    std::pair{model::RiskLevel::kHigh, std::string_view{"HIGH"}});

inline constexpr auto kFoundBy = MakeCodeMap<model::FoundBy>(
    std::pair{model::FoundBy::kPolice, std::string_view{"POLICE"}},
    std::pair{model::FoundBy::kSelfReturn, std::string_view{"SELF_RETURN"}},
    std::pair{model::FoundBy::kCarer, std::string_view{"CARER"}},
    std::pair{model::FoundBy::kOtherAgency, std::string_view{"OTHER_AGENCY"}},
    std::pair{model::FoundBy::kOther, std::string_view{"OTHER"}});

// The concern flags a police record carries. Radicalisation has none.
inline constexpr auto kConcernFields = MakeCodeMap<model::Exploitation>(
    std::pair{model::Exploitation::kCse, std::string_view{"CSEConcern"}},
    std::pair{model::Exploitation::kCce, std::string_view{"CCEConcern"}},
    std::pair{model::Exploitation::kCountyLines, std::string_view{"CountyLinesConcern"}},
    std::pair{model::Exploitation::kTrafficking, std::string_view{"TraffickingConcern"}});

// INTELLIGENCE list values, in police upper case.
inline constexpr auto kExploitationCodes = MakeCodeMap<model::Exploitation>(
    std::pair{model::Exploitation::kCse, std::string_view{"CSE"}},
    std::pair{model::Exploitation::kCce, std::string_view{"CCE"}},
    std::pair{model::Exploitation::kCountyLines, std::string_view{"COUNTY_LINES"}},
    std::pair{model::Exploitation::kTrafficking, std::string_view{"TRAFFICKING"}},
    std::pair{model::Exploitation::kRadicalisation, std::string_view{"RADICALISATION"}});

inline constexpr auto kRhiOutcomes = MakeCodeMap<model::RhiOutcome>(
    std::pair{model::RhiOutcome::kCompleted, std::string_view{"COMPLETED"}},
    std::pair{model::RhiOutcome::kDeclined, std::string_view{"DECLINED"}},
    std::pair{model::RhiOutcome::kNoContact, std::string_view{"NO_CONTACT"}},
    std::pair{model::RhiOutcome::kMissingAgain, std::string_view{"MISSING_AGAIN"}},
    std::pair{model::RhiOutcome::kCarerInfoOnly, std::string_view{"CARER_INFO_ONLY"}},
    std::pair{model::RhiOutcome::kMovedOutOfArea, std::string_view{"MOVED_OUT_OF_AREA"}},
    std::pair{model::RhiOutcome::kNotOffered, std::string_view{"NOT_OFFERED"}});

inline constexpr auto kPushFactorCodes = MakeCodeMap<model::PushFactor>(
    std::pair{model::PushFactor::kConflictWithCarers, std::string_view{"CONFLICT_WITH_CARERS"}},
    std::pair{model::PushFactor::kConflictAtHome, std::string_view{"CONFLICT_AT_HOME"}},
    std::pair{model::PushFactor::kAbuseAtHome, std::string_view{"ABUSE_AT_HOME"}},
    std::pair{model::PushFactor::kUnhappyInPlacement, std::string_view{"UNHAPPY_IN_PLACEMENT"}},
    std::pair{model::PushFactor::kBoredom, std::string_view{"BOREDOM"}},
    std::pair{model::PushFactor::kBullying, std::string_view{"BULLYING"}},
    std::pair{model::PushFactor::kMentalHealth, std::string_view{"MENTAL_HEALTH"}},
    std::pair{model::PushFactor::kOther, std::string_view{"OTHER"}});

inline constexpr auto kPullFactorCodes = MakeCodeMap<model::PullFactor>(
    std::pair{model::PullFactor::kFriends, std::string_view{"FRIENDS"}},
    std::pair{model::PullFactor::kFamily, std::string_view{"FAMILY"}},
    std::pair{model::PullFactor::kPartner, std::string_view{"PARTNER"}},
    std::pair{model::PullFactor::kOlderAdults, std::string_view{"OLDER_ADULTS"}},
    std::pair{model::PullFactor::kSubstances, std::string_view{"SUBSTANCES"}},
    std::pair{model::PullFactor::kMoneyOrGifts, std::string_view{"MONEY_OR_GIFTS"}},
    std::pair{model::PullFactor::kStayedOutLate, std::string_view{"STAYED_OUT_LATE"}},
    std::pair{model::PullFactor::kNoApparentReason, std::string_view{"NO_APPARENT_REASON"}},
    std::pair{model::PullFactor::kOther, std::string_view{"OTHER"}});

}  // namespace isagw::adapters::compact
