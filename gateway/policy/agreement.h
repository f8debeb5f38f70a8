// InformationSharingAgreement: one ISA as loaded from its YAML file
// (docs/isa-policy.md). Plain data; LoadPolicySet validates it and
// PolicySet compiles it for the engine.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/model/codes.h"
#include "gateway/model/time.h"
#include "gateway/policy/field_pattern.h"
#include "gateway/policy/role.h"

namespace isagw::policy {

// Where something was written, for errors and for `policy explain`.
struct SourceLocation {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
};

enum class Action { kAllow, kDrop, kMask, kGeneralise, kPseudonymise };
inline constexpr auto kActionNames =
    MakeCodeMap<Action>(std::pair{Action::kAllow, std::string_view{"allow"}},
                        std::pair{Action::kDrop, std::string_view{"drop"}},
                        std::pair{Action::kMask, std::string_view{"mask"}},
                        std::pair{Action::kGeneralise, std::string_view{"generalise"}},
                        std::pair{Action::kPseudonymise, std::string_view{"pseudonymise"}});

enum class MaskKind {
  kPostcodeDistrict,  // "DE22 3AB" -> "DE22"
  kPhone,             // every digit but the last three -> "*"
  kEmail,             // the local part -> "***", domain kept
  kMarker,            // the text -> "[redacted]"
};
inline constexpr auto kMaskKindNames = MakeCodeMap<MaskKind>(
    std::pair{MaskKind::kPostcodeDistrict, std::string_view{"postcode_district"}},
    std::pair{MaskKind::kPhone, std::string_view{"phone"}},
    std::pair{MaskKind::kEmail, std::string_view{"email"}},
    std::pair{MaskKind::kMarker, std::string_view{"marker"}});

enum class GeneraliseKind {
  kAgeYears,  // date of birth -> whole years at the event's time, as child.age_years
  kDate,      // timestamp -> its UK calendar date "YYYY-MM-DD"
};
inline constexpr auto kGeneraliseKindNames =
    MakeCodeMap<GeneraliseKind>(std::pair{GeneraliseKind::kAgeYears, std::string_view{"age_years"}},
                                std::pair{GeneraliseKind::kDate, std::string_view{"date"}});

// Whose consent a rule needs (rhi.consent.<field>); a recorded
// rhi.consent.overridden_reason stands in for any of them.
enum class ConsentFor { kPolice, kPlacingAuthority, kHealth, kRecipient };
inline constexpr auto kConsentForNames = MakeCodeMap<ConsentFor>(
    std::pair{ConsentFor::kPolice, std::string_view{"police"}},
    std::pair{ConsentFor::kPlacingAuthority, std::string_view{"placing_authority"}},
    std::pair{ConsentFor::kHealth, std::string_view{"health"}},
    std::pair{ConsentFor::kRecipient, std::string_view{"recipient"}});

// Conditions a rule's `when:` sets. All that are set must hold.
struct Conditions {
  std::optional<ConsentFor> consent;
  bool exploitation_indicators_present = false;
  std::optional<model::RiskLevel> risk_at_least;
  std::set<Role> recipient_role;  // any of them; empty = no condition

  bool Empty() const {
    return !consent && !exploitation_indicators_present && !risk_at_least && recipient_role.empty();
  }
};

struct FieldRule {
  std::string clause;  // full citation, "ISA-STAFFS-2026 §4.1(c)"
  Action action = Action::kDrop;
  std::vector<FieldPattern> fields;
  std::optional<MaskKind> mask;              // kMask only
  std::optional<GeneraliseKind> generalise;  // kGeneralise only
  Conditions when;
  SourceLocation where;
};

// A flow names its sender and recipient by agency id or by role.
struct PartySelector {
  std::optional<Role> role;
  std::string agency_id;  // when not a role
};

struct Flow {
  std::string clause;  // full citation, "ISA-STAFFS-2026 §4.1"
  std::string description;
  std::vector<PartySelector> from;  // any of them
  std::vector<PartySelector> to;    // any of them
  std::set<model::EventKind> events;
  std::string purpose;  // id of one of the ISA's purposes
  std::vector<FieldRule> rules;
  SourceLocation where;
};

struct IsaParty {
  std::string agency_id;
  std::set<Role> roles;  // the roles this agency may act in under the ISA
};

struct Purpose {
  std::string id;
  std::string description;
};

struct Signature {
  std::string party;      // agency id
  std::string signatory;  // office holder, e.g. "Director of Children's Services"
  model::Date signed_on;
};

struct Retention {
  int days = 0;
  std::string note;
};

struct InformationSharingAgreement {
  std::string id;  // "ISA-STAFFS-2026"
  std::string title;
  std::string version;
  std::vector<IsaParty> parties;
  std::vector<Purpose> purposes;
  std::string lawful_basis;
  model::Date valid_from;   // first day in force
  model::Date review_by;    // informational: an overdue review does not stop sharing
  model::Date valid_until;  // last day in force
  std::vector<Signature> signatories;
  Retention retention;
  std::string security;
  std::vector<Flow> flows;
  SourceLocation where;

  const IsaParty* FindParty(std::string_view agency_id) const;
};

// Whether an ISA allows anything on a given UK calendar day.
enum class IsaStatus { kInForce, kNotYetValid, kExpired, kUnsigned };
inline constexpr auto kIsaStatusNames =
    MakeCodeMap<IsaStatus>(std::pair{IsaStatus::kInForce, std::string_view{"in_force"}},
                           std::pair{IsaStatus::kNotYetValid, std::string_view{"not_yet_valid"}},
                           std::pair{IsaStatus::kExpired, std::string_view{"expired"}},
                           std::pair{IsaStatus::kUnsigned, std::string_view{"unsigned"}});

// In force from valid_from to valid_until inclusive, once every party has
// signed (a signature dated after `today` does not count yet).
IsaStatus StatusOn(const InformationSharingAgreement& isa, model::Date today);

}  // namespace isagw::policy
