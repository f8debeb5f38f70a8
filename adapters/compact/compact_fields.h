// The fields of a police record, in the export's order, with the
// canonical field each one carries and its length limit. The decoder,
// the encoder, the CSV header and the documentation all follow this list.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace isagw::adapters::compact {

// Length limits in characters (Unicode code points), matching the
// canonical model's: names 200, addresses and places 500, narratives 4000.
inline constexpr std::size_t kMaxNameChars = 200;
inline constexpr std::size_t kMaxPlaceChars = 500;
inline constexpr std::size_t kMaxNarrativeChars = 4000;

struct RecordField {
  std::string_view name;       // the police field / CSV column name
  std::string_view canonical;  // JSON Pointer into the canonical event
};

// MISSING_REPORT, RISK_REVIEW, FOUND and CLOSED records.
inline constexpr std::array<RecordField, 32> kRecordFields = {{
    {"RecordType", "/kind"},
    {"ForceCode", "/episode/force_code"},
    {"OccurrenceRef", "/episode/police_ref"},
    {"RecordVersion", "/episode/record_version"},
    {"ReportedDateTime", "/episode/reported_at"},
    {"LastSeenDateTime", "/episode/last_seen_at"},
    {"FoundDateTime", "/episode/found_at"},
    {"SafeAndWellDateTime", "/episode/safe_and_well_at"},
    {"MisperForename", "/child/forename"},
    {"MisperSurname", "/child/surname"},
    {"MisperDOB", "/child/date_of_birth"},
    {"Gender", "/child/sex"},
    {"SelfDefinedEthnicity", "/child/ethnicity/code"},
    {"NHSNumber", "/child/nhs_number"},
    {"HomeAddress", "/child/home/text"},
    {"HomePostcode", "/child/home/postcode"},
    {"MissingFrom", "/episode/missing_from"},
    {"LookedAfter", "/child/looked_after"},
    {"ResponsibleLA", "/child/responsible_la"},
    {"RiskGrading", "/episode/risk/level"},
    {"RiskRationale", "/episode/risk/rationale"},
    {"CSEConcern", "/episode/exploitation/cse"},
    {"CCEConcern", "/episode/exploitation/cce"},
    {"CountyLinesConcern", "/episode/exploitation/county_lines"},
    {"TraffickingConcern", "/episode/exploitation/trafficking"},
    {"Circumstances", "/episode/circumstances"},
    {"LastSeenLocation", "/episode/last_seen_location/description"},
    {"FoundLocation", "/episode/found_location/description"},
    {"FoundBy", "/episode/found_by"},
    {"SafeAndWellCompleted", "/episode/safe_and_well_completed"},
    {"OfficerInCase", "/episode/officer_in_case"},
    {"PreviousEpisodes", "/episode/previous_episodes"},
}};

// INTELLIGENCE records (encode only). Shared names mean the same as above.
inline constexpr std::array<RecordField, 24> kIntelligenceFields = {{
    {"RecordType", "/kind"},
    {"ForceCode", "/episode/force_code"},
    {"OccurrenceRef", "/rhi/police_refs/0"},
    {"RelatedOccurrenceRefs", "/rhi/police_refs"},
    {"IntelligenceSource", "/kind"},
    {"ProviderId", "/rhi/provider_id"},
    {"InterviewId", "/rhi/interview_id"},
    {"ReturnedDateTime", "/rhi/returned_at"},
    {"InterviewOfferedDateTime", "/rhi/offered_at"},
    {"InterviewCompletedDateTime", "/rhi/completed_at"},
    {"InterviewOutcome", "/rhi/outcome"},
    {"MisperForename", "/child/forename"},
    {"MisperSurname", "/child/surname"},
    {"MisperDOB", "/child/date_of_birth"},
    {"Gender", "/child/sex"},
    {"SelfDefinedEthnicity", "/child/ethnicity/code"},
    {"NHSNumber", "/child/nhs_number"},
    {"LocationsVisited", "/rhi/where_stayed"},
    {"Associates", "/rhi/with_whom"},
    {"ExploitationIndicators", "/rhi/exploitation_indicators"},
    {"PushFactors", "/rhi/push_factors"},
    {"PullFactors", "/rhi/pull_factors"},
    {"HarmIndicators", "/rhi/harm"},
    {"RisksIdentified", "/rhi/risks_identified"},
}};

inline constexpr std::optional<RecordField> FindRecordField(std::string_view name) {
  for (const RecordField& f : kRecordFields) {
    if (f.name == name) return f;
  }
  return std::nullopt;
}

}  // namespace isagw::adapters::compact
