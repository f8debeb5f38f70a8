// The code words council XML uses, beside the canonical enums they stand
// for (docs/formats/council-xml.md). Codes for interviews and escalations
// (Outcome, Factor, Action/Type, Escalation/Reason) are the canonical
// names themselves, so they have no table here.
//
// Internal to the council-xml adapter.
#pragma once

#include <string_view>
#include <utility>

#include "gateway/common/code_map.h"
#include "gateway/model/codes.h"

namespace isagw::adapters::council_xml {

using std::pair;
using std::string_view;

// CouncilEvent/@type. The canonical kind closed has no council event.
inline constexpr auto kEventTypes = MakeCodeMap<model::EventKind>(
    pair{model::EventKind::kPlacementNotified, string_view{"PlacementNotification"}},
    pair{model::EventKind::kMissingReported, string_view{"MissingNotification"}},
    pair{model::EventKind::kFound, string_view{"FoundNotification"}},
    pair{model::EventKind::kRiskReviewed, string_view{"RiskUpdate"}},
    pair{model::EventKind::kRhiReferred, string_view{"RhiReferral"}},
    pair{model::EventKind::kRhiRecorded, string_view{"RhiSummary"}},
    pair{model::EventKind::kEscalation, string_view{"Escalation"}});

// Child/Sex, as in DfE returns. Canonical "other" has no code of its own
// and is sent as 0 (not known).
inline constexpr auto kSexCodes = MakeCodeMap<model::Sex>(
    pair{model::Sex::kMale, string_view{"1"}},
    pair{model::Sex::kFemale, string_view{"2"}},
    pair{model::Sex::kUnknown, string_view{"0"}},
    pair{model::Sex::kNotStated, string_view{"9"}});

// Episode/MissingType, SSDA903.
inline constexpr auto kMissingTypeCodes = MakeCodeMap<model::MissingType>(
    pair{model::MissingType::kMissing, string_view{"M"}},
    pair{model::MissingType::kAway, string_view{"A"}});

inline constexpr auto kMissingFromCodes = MakeCodeMap<model::MissingFrom>(
    pair{model::MissingFrom::kHome, string_view{"Home"}},
    pair{model::MissingFrom::kFoster, string_view{"Foster"}},
    pair{model::MissingFrom::kResidential, string_view{"Residential"}},
    pair{model::MissingFrom::kSupported, string_view{"Supported"}},
    pair{model::MissingFrom::kHospital, string_view{"Hospital"}},
    pair{model::MissingFrom::kOther, string_view{"Other"}});

inline constexpr auto kFoundByCodes = MakeCodeMap<model::FoundBy>(
    pair{model::FoundBy::kPolice, string_view{"Police"}},
    pair{model::FoundBy::kSelfReturn, string_view{"SelfReturn"}},
    pair{model::FoundBy::kCarer, string_view{"Carer"}},
    pair{model::FoundBy::kOtherAgency, string_view{"OtherAgency"}},
    pair{model::FoundBy::kOther, string_view{"Other"}});

inline constexpr auto kRiskLevelCodes = MakeCodeMap<model::RiskLevel>(
    pair{model::RiskLevel::kNoApparentRisk, string_view{"NoApparentRisk"}},
    pair{model::RiskLevel::kAbsent, string_view{"Absent"}},
    pair{model::RiskLevel::kVeryLow, string_view{"VeryLow"}},
    pair{model::RiskLevel::kLow, string_view{"Low"}},
    pair{model::RiskLevel::kMedium, string_view{"Medium"}},
    pair{model::RiskLevel::kHigh, string_view{"High"}});

// Episode/Exploitation/Concern and Rhi/ExploitationIndicators/Indicator.
inline constexpr auto kConcernCodes = MakeCodeMap<model::Exploitation>(
    pair{model::Exploitation::kCse, string_view{"CSE"}},
    pair{model::Exploitation::kCce, string_view{"CCE"}},
    pair{model::Exploitation::kCountyLines, string_view{"CountyLines"}},
    pair{model::Exploitation::kTrafficking, string_view{"Trafficking"}},
    pair{model::Exploitation::kRadicalisation, string_view{"Radicalisation"}});

inline constexpr string_view kTrue = "true";
inline constexpr string_view kFalse = "false";

}  // namespace isagw::adapters::council_xml
