// Closed code lists of the canonical model, and their canonical names
// (the words used in canonical JSON and in ISA policy conditions).
// External formats map their own codes onto these in their adapters.
#pragma once

#include <string_view>

#include "gateway/common/code_map.h"

namespace isagw::model {

enum class EventKind {
  kMissingReported,    // police: a child is reported missing
  kRiskReviewed,       // police: the risk grading changed
  kFound,              // police: the child was found or returned
  kClosed,             // police: the episode was closed
  kPlacementNotified,  // placing LA: a child is placed in another area
  kRhiReferred,        // host LA: a return home interview is requested
  kRhiRecorded,        // provider: a return home interview was held (or not)
  kEscalation,         // any: an episode needs senior attention
};
inline constexpr auto kEventKindNames = MakeCodeMap<EventKind>(
    std::pair{EventKind::kMissingReported, std::string_view{"missing_reported"}},
    std::pair{EventKind::kRiskReviewed, std::string_view{"risk_reviewed"}},
    std::pair{EventKind::kFound, std::string_view{"found"}},
    std::pair{EventKind::kClosed, std::string_view{"closed"}},
    std::pair{EventKind::kPlacementNotified, std::string_view{"placement_notified"}},
    std::pair{EventKind::kRhiReferred, std::string_view{"rhi_referred"}},
    std::pair{EventKind::kRhiRecorded, std::string_view{"rhi_recorded"}},
    std::pair{EventKind::kEscalation, std::string_view{"escalation"}});

// Yes / no / recorded as unknown. "Not given at all" is an empty optional.
enum class Answer { kYes, kNo, kUnknown };
inline constexpr auto kAnswerNames =
    MakeCodeMap<Answer>(std::pair{Answer::kYes, std::string_view{"yes"}},
                        std::pair{Answer::kNo, std::string_view{"no"}},
                        std::pair{Answer::kUnknown, std::string_view{"unknown"}});

enum class Sex { kMale, kFemale, kOther, kUnknown, kNotStated };
inline constexpr auto kSexNames =
    MakeCodeMap<Sex>(std::pair{Sex::kMale, std::string_view{"male"}},
                     std::pair{Sex::kFemale, std::string_view{"female"}},
                     std::pair{Sex::kOther, std::string_view{"other"}},
                     std::pair{Sex::kUnknown, std::string_view{"unknown"}},
                     std::pair{Sex::kNotStated, std::string_view{"not_stated"}});

enum class EthnicityScheme { kPolice16Plus1, kDfE };
inline constexpr auto kEthnicitySchemeNames = MakeCodeMap<EthnicityScheme>(
    std::pair{EthnicityScheme::kPolice16Plus1, std::string_view{"police_16plus1"}},
    std::pair{EthnicityScheme::kDfE, std::string_view{"dfe"}});

// SSDA903: M missing (whereabouts unknown), A away without authorisation.
enum class MissingType { kMissing, kAway };
inline constexpr auto kMissingTypeNames =
    MakeCodeMap<MissingType>(std::pair{MissingType::kMissing, std::string_view{"missing"}},
                             std::pair{MissingType::kAway, std::string_view{"away"}});

enum class MissingFrom { kHome, kFoster, kResidential, kSupported, kHospital, kOther };
inline constexpr auto kMissingFromNames =
    MakeCodeMap<MissingFrom>(std::pair{MissingFrom::kHome, std::string_view{"home"}},
                             std::pair{MissingFrom::kFoster, std::string_view{"foster"}},
                             std::pair{MissingFrom::kResidential, std::string_view{"residential"}},
                             std::pair{MissingFrom::kSupported, std::string_view{"supported"}},
                             std::pair{MissingFrom::kHospital, std::string_view{"hospital"}},
                             std::pair{MissingFrom::kOther, std::string_view{"other"}});

// Ordered from least to most risk: policy conditions compare levels
// ("risk level at least medium"). The legacy grades sit below very low.
enum class RiskLevel { kNoApparentRisk, kAbsent, kVeryLow, kLow, kMedium, kHigh };
inline constexpr auto kRiskLevelNames = MakeCodeMap<RiskLevel>(
    std::pair{RiskLevel::kNoApparentRisk, std::string_view{"no_apparent_risk"}},
    std::pair{RiskLevel::kAbsent, std::string_view{"absent"}},
    std::pair{RiskLevel::kVeryLow, std::string_view{"very_low"}},
    std::pair{RiskLevel::kLow, std::string_view{"low"}},
    std::pair{RiskLevel::kMedium, std::string_view{"medium"}},
    std::pair{RiskLevel::kHigh, std::string_view{"high"}});

enum class FoundBy { kPolice, kSelfReturn, kCarer, kOtherAgency, kOther };
inline constexpr auto kFoundByNames =
    MakeCodeMap<FoundBy>(std::pair{FoundBy::kPolice, std::string_view{"police"}},
                         std::pair{FoundBy::kSelfReturn, std::string_view{"self_return"}},
                         std::pair{FoundBy::kCarer, std::string_view{"carer"}},
                         std::pair{FoundBy::kOtherAgency, std::string_view{"other_agency"}},
                         std::pair{FoundBy::kOther, std::string_view{"other"}});

enum class Exploitation { kCse, kCce, kCountyLines, kTrafficking, kRadicalisation };
inline constexpr auto kExploitationNames = MakeCodeMap<Exploitation>(
    std::pair{Exploitation::kCse, std::string_view{"cse"}},
    std::pair{Exploitation::kCce, std::string_view{"cce"}},
    std::pair{Exploitation::kCountyLines, std::string_view{"county_lines"}},
    std::pair{Exploitation::kTrafficking, std::string_view{"trafficking"}},
    std::pair{Exploitation::kRadicalisation, std::string_view{"radicalisation"}});

enum class RhiOutcome {
  kCompleted,
  kDeclined,
  kNoContact,
  kMissingAgain,
  kCarerInfoOnly,
  kMovedOutOfArea,
  kNotOffered
};
inline constexpr auto kRhiOutcomeNames = MakeCodeMap<RhiOutcome>(
    std::pair{RhiOutcome::kCompleted, std::string_view{"completed"}},
    std::pair{RhiOutcome::kDeclined, std::string_view{"declined"}},
    std::pair{RhiOutcome::kNoContact, std::string_view{"no_contact"}},
    std::pair{RhiOutcome::kMissingAgain, std::string_view{"missing_again"}},
    std::pair{RhiOutcome::kCarerInfoOnly, std::string_view{"carer_info_only"}},
    std::pair{RhiOutcome::kMovedOutOfArea, std::string_view{"moved_out_of_area"}},
    std::pair{RhiOutcome::kNotOffered, std::string_view{"not_offered"}});

enum class PushFactor {
  kConflictWithCarers,
  kConflictAtHome,
  kAbuseAtHome,
  kUnhappyInPlacement,
  kBoredom,
  kBullying,
  kMentalHealth,
  kOther
};
inline constexpr auto kPushFactorNames = MakeCodeMap<PushFactor>(
    std::pair{PushFactor::kConflictWithCarers, std::string_view{"conflict_with_carers"}},
    std::pair{PushFactor::kConflictAtHome, std::string_view{"conflict_at_home"}},
    std::pair{PushFactor::kAbuseAtHome, std::string_view{"abuse_at_home"}},
    std::pair{PushFactor::kUnhappyInPlacement, std::string_view{"unhappy_in_placement"}},
    std::pair{PushFactor::kBoredom, std::string_view{"boredom"}},
    std::pair{PushFactor::kBullying, std::string_view{"bullying"}},
    std::pair{PushFactor::kMentalHealth, std::string_view{"mental_health"}},
    std::pair{PushFactor::kOther, std::string_view{"other"}});

enum class PullFactor {
  kFriends,
  kFamily,
  kPartner,
  kOlderAdults,
  kSubstances,
  kMoneyOrGifts,
  kStayedOutLate,
  kNoApparentReason,
  kOther
};
inline constexpr auto kPullFactorNames = MakeCodeMap<PullFactor>(
    std::pair{PullFactor::kFriends, std::string_view{"friends"}},
    std::pair{PullFactor::kFamily, std::string_view{"family"}},
    std::pair{PullFactor::kPartner, std::string_view{"partner"}},
    std::pair{PullFactor::kOlderAdults, std::string_view{"older_adults"}},
    std::pair{PullFactor::kSubstances, std::string_view{"substances"}},
    std::pair{PullFactor::kMoneyOrGifts, std::string_view{"money_or_gifts"}},
    std::pair{PullFactor::kStayedOutLate, std::string_view{"stayed_out_late"}},
    std::pair{PullFactor::kNoApparentReason, std::string_view{"no_apparent_reason"}},
    std::pair{PullFactor::kOther, std::string_view{"other"}});

enum class ActionType { kReferral, kSafetyPlan, kStrategyMeeting, kSignpost, kOther };
inline constexpr auto kActionTypeNames = MakeCodeMap<ActionType>(
    std::pair{ActionType::kReferral, std::string_view{"referral"}},
    std::pair{ActionType::kSafetyPlan, std::string_view{"safety_plan"}},
    std::pair{ActionType::kStrategyMeeting, std::string_view{"strategy_meeting"}},
    std::pair{ActionType::kSignpost, std::string_view{"signpost"}},
    std::pair{ActionType::kOther, std::string_view{"other"}});

enum class EscalationReason {
  kMissing72Hours,    // missing 72 hours or longer (Croydon 6)
  kMissingOver5Days,  // missing beyond five days (Croydon 7)
  kRepeatEpisodes,    // 3, 5 or 9 episodes in a rolling window (Staffordshire 21a)
  kRhiOverdue,        // no return home interview within 72 hours of return
  kOther,
  kRhiDueSoon,           // the return home interview falls due soon (a reminder)
  kMissingLong,          // missing longer than an area's own threshold (not 72 h or 5 days)
  kHighRiskMissing,      // reported missing, or re-graded, at high risk: at once
  kAlertUnacknowledged,  // an urgent alert nobody acknowledged in time
};
inline constexpr auto kEscalationReasonNames = MakeCodeMap<EscalationReason>(
    std::pair{EscalationReason::kMissing72Hours, std::string_view{"missing_72_hours"}},
    std::pair{EscalationReason::kMissingOver5Days, std::string_view{"missing_over_5_days"}},
    std::pair{EscalationReason::kRepeatEpisodes, std::string_view{"repeat_episodes"}},
    std::pair{EscalationReason::kRhiOverdue, std::string_view{"rhi_overdue"}},
    std::pair{EscalationReason::kOther, std::string_view{"other"}},
    std::pair{EscalationReason::kRhiDueSoon, std::string_view{"rhi_due_soon"}},
    std::pair{EscalationReason::kMissingLong, std::string_view{"missing_long"}},
    std::pair{EscalationReason::kHighRiskMissing, std::string_view{"high_risk_missing"}},
    std::pair{EscalationReason::kAlertUnacknowledged, std::string_view{"alert_unacknowledged"}});

}  // namespace isagw::model
