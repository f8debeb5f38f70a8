// The longest text each canonical field may hold, in Unicode code points
// (as JSON Schema's maxLength counts). Other adapters may use the same
// numbers so that whatever they decode also passes the canonical checks.
// docs/model.md lists which field has which limit.
#pragma once

#include <cstddef>

namespace isagw::adapters::canonical {

// Identifiers chosen by a sender: message_id, provider_id, interview_id,
// council person_id.
inline constexpr std::size_t kMaxIdChars = 100;
// Names of people, roles, teams, homes, towns, relationships, recipients.
inline constexpr std::size_t kMaxNameChars = 200;
inline constexpr std::size_t kMaxPhoneChars = 40;
inline constexpr std::size_t kMaxEmailChars = 254;  // RFC 5321 path limit
// Addresses and free-text descriptions of places.
inline constexpr std::size_t kMaxPlaceChars = 500;
// Narratives: circumstances, rationales, the child's account, disclosures,
// views, reasons, details, risks identified.
inline constexpr std::size_t kMaxNarrativeChars = 8000;  // the RHI form allows 8000 for child_account, disclosures, child_views
// Items in any list (police_refs, where_stayed, with_whom, actions, ...).
inline constexpr std::size_t kMaxListItems = 100;

}  // namespace isagw::adapters::canonical
