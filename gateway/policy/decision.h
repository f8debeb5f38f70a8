// Decision: what the ISAs say about one message for one recipient. A
// value: computed once by Decide, then used to build the recipient's copy
// (Redact), to answer the sender (what was withheld and why), and for the
// audit. It never holds a field's value, only where the field is and its
// fate, so it carries no personal data.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/model/time.h"
#include "gateway/policy/agreement.h"

namespace isagw::policy {

enum class Fate {
  kSent,               // copied unchanged
  kMasked,             // sent masked (postcode district, phone, email, marker)
  kGeneralised,        // sent generalised (age in years, date only)
  kPseudonymised,      // sent as a keyed hash
  kDropped,            // a rule drops it
  kWithheldCondition,  // a rule's condition does not hold for this message
  kNoRule,             // no rule covers it, or it is not a canonical field
};
inline constexpr auto kFateNames =
    MakeCodeMap<Fate>(std::pair{Fate::kSent, std::string_view{"sent"}},
                      std::pair{Fate::kMasked, std::string_view{"masked"}},
                      std::pair{Fate::kGeneralised, std::string_view{"generalised"}},
                      std::pair{Fate::kPseudonymised, std::string_view{"pseudonymised"}},
                      std::pair{Fate::kDropped, std::string_view{"dropped"}},
                      std::pair{Fate::kWithheldCondition, std::string_view{"withheld_condition"}},
                      std::pair{Fate::kNoRule, std::string_view{"no_rule"}});

// True for the fates that put something of the field in the recipient's copy.
inline bool Discloses(Fate fate) {
  return fate == Fate::kSent || fate == Fate::kMasked || fate == Fate::kGeneralised ||
         fate == Fate::kPseudonymised;
}

struct FieldDecision {
  std::string pointer;  // JSON Pointer into the decided document, "/rhi/with_whom/0/name"
  // Canonical path "rhi.with_whom[].name", "" if not a canonical field: a
  // view of CanonicalFields()' constant table, so a field costs no copy.
  std::string_view path;
  Fate fate = Fate::kNoRule;
  std::string clause;  // the rule that decided; "" for no_rule
  std::string isa_id;  // that rule's ISA (whose key pseudonymises)
  std::optional<MaskKind> mask;
  std::optional<GeneraliseKind> generalise;
  // kWithheldCondition: the condition that failed ("consent",
  // "exploitation_indicators_present", "risk_at_least", "recipient_role").
  // kNoRule: why ("no rule in ISA-X §2", "not a field of the canonical model", ...).
  std::string note;
};

// A flow that allowed the message.
struct FlowRef {
  std::string isa_id;
  std::string clause;
  std::string purpose;
};

struct Decision {
  bool allowed = false;
  // The flows that allowed it: one, or several when more than one ISA (or
  // flow) covers this sender, recipient and kind; each field then takes
  // the most restrictive fate any of them gives it.
  std::vector<FlowRef> flows;
  // When refused: "not_canonical", "unknown_kind", "no_flow",
  // "isa_not_yet_valid", "isa_expired", "isa_unsigned".
  std::string refusal;
  std::string refusal_reason;  // a sentence naming agencies and ISAs, never data

  std::string kind;    // canonical event kind
  std::string sender;  // agency ids
  std::string recipient;
  model::Timestamp decided_at{};
  // Ages from a generalised date of birth are counted to this instant: the
  // episode's last_seen_at, else the header's sent_at, else decided_at.
  model::Timestamp age_reference{};
  std::string policy_set_hash;
  // One entry per leaf present in the message, in document order. Empty
  // when refused: nothing is sent.
  std::vector<FieldDecision> fields;

  const std::string& isa_id() const;       // of the first allowing flow; "" when refused
  const std::string& flow_clause() const;  // likewise
};

// The decision as JSON (for `policy explain --json`, the audit and the
// 202 answer's "what was withheld and why").
nlohmann::json ToJson(const Decision& decision);

}  // namespace isagw::policy
