// The longest text each field of the rhi forms may hold, in Unicode code
// points (as JSON Schema's maxLength counts), and the longest list. The
// numbers match the canonical model's where the canonical model has one,
// so that what this adapter accepts the rest of the gateway accepts too;
// docs/formats/rhi.md lists which field has which limit.
#pragma once

#include <cstddef>

namespace isagw::adapters::rhi {

// provider_id, interview_id, council_person_id, referral_id.
inline constexpr std::size_t kMaxIdChars = 100;
// Names of people, roles, relationships, towns, teams, action recipients.
inline constexpr std::size_t kMaxNameChars = 200;
inline constexpr std::size_t kMaxPhoneChars = 40;
inline constexpr std::size_t kMaxEmailChars = 254;  // RFC 5321 path limit
// A place stayed, described in free text.
inline constexpr std::size_t kMaxPlaceChars = 500;
// Shorter narratives: outcome_reason, action detail, each risk identified,
// consent_overridden_reason, the referral's risk rationale.
inline constexpr std::size_t kMaxNoteChars = 4000;
// The interview's own narratives: child_account, disclosures, child_views.
// Providers write these up at length, so they get twice the room.
inline constexpr std::size_t kMaxInterviewNarrativeChars = 8000;
// Items in any list.
inline constexpr std::size_t kMaxListItems = 100;
// approx_age of a person the child was with, in years.
inline constexpr int kMaxApproxAge = 120;

}  // namespace isagw::adapters::rhi
