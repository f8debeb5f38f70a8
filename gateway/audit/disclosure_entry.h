// DisclosureEntry: the audit entry written, in the same transaction as the
// outbox row, for every copy of a message the gateway sends to a recipient.
// It records who received what about which child under which agreement,
// and is proof of what was withheld: it holds where each field was and its
// fate, the keyed hash of the full canonical record, the hash of the exact
// bytes sent and the hash of the policy set in force -- never a value.
// docs/audit.md describes the body.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/audit/child_pseudonym.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/store/store.h"

namespace isagw::audit {

inline constexpr std::string_view kDisclosureKind = "disclosure";

// A field the recipient received something of. `fate` is one of the policy
// engine's disclosing fates: "sent", "masked", "generalised", "pseudonymised".
struct SentField {
  std::string pointer;  // JSON Pointer into the canonical record, "/child/forename"
  std::string fate;
  std::string clause;  // the ISA clause that decided
  friend bool operator==(const SentField&, const SentField&) = default;
};

// A field present in the record that the recipient did not receive.
// `fate`: "dropped", "withheld_condition", "no_rule", or "withheld_at_redaction"
// (allowed, but not sendable: no pseudonymisation key, wrong shape).
struct WithheldField {
  std::string pointer;
  std::string fate;
  std::string clause;  // "" when no rule covered the field
  std::string reason;  // a policy code or fixed sentence, never a value
  friend bool operator==(const WithheldField&, const WithheldField&) = default;
};

struct FlowClause {
  std::string isa_id;
  std::string clause;
  friend bool operator==(const FlowClause&, const FlowClause&) = default;
};

struct DisclosureEntry {
  std::string message_id;   // the gateway's id of the inbound message
  std::string delivery_id;  // the outbox row
  std::string sender;       // agency ids
  std::string recipient;
  std::string event_kind;  // canonical EventKind name
  std::string format;      // the recipient's format
  // The child, as a pseudonym; empty when the record identifies no child.
  std::vector<ChildPseudonym> child;    // primary first, then one per other identifier
  FlowClause flow;                      // the flow that allowed it
  std::vector<FlowClause> other_flows;  // further flows covering the same copy
  std::vector<SentField> fields_sent;
  std::vector<WithheldField> fields_withheld;
  std::string record_hash;  // RecordHash(audit key, canonical JSON)
  std::string sent_hash;    // BytesHash(bytes sent)
  std::int64_t sent_size = 0;
  std::string policy_set_hash;
  friend bool operator==(const DisclosureEntry&, const DisclosureEntry&) = default;
};

// The entry as the store appends it (kind "disclosure").
store::AuditRecord ToAuditRecord(const DisclosureEntry& entry);

// Reads a disclosure body back (for subject reports). Refuses bodies that
// are not a disclosure of this version; errors point into the body.
Result<DisclosureEntry, FieldErrors> ParseDisclosure(std::string_view body_json);

}  // namespace isagw::audit
