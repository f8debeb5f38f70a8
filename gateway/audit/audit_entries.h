// The audit's other entry kinds: one small struct each, turned into an
// AuditRecord for the store to chain. Like disclosures, they carry ids,
// agency ids, codes, counts and hashes -- never a value from a message.
// docs/audit.md lists every body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/child_pseudonym.h"
#include "gateway/model/time.h"
#include "gateway/store/store.h"

namespace isagw::audit {

// A TLS client the gateway would not accept.
struct HandshakeRefusedEntry {
  std::string reason;  // "no_certificate", "untrusted", "expired", "revoked", "unknown_agency"...
  std::optional<std::string> certificate_sha256;  // hex fingerprint, when a certificate was shown
  std::optional<std::string> agency;  // when the certificate maps to a (disabled) agency
  std::string remote_address;         // the agency system's IP address
};

// A message that passed decoding, validation and correlation and was stored.
struct MessageAcceptedEntry {
  std::string message_id;
  std::string sender;  // agency id
  std::string format;
  std::string event_kind;
  std::vector<ChildPseudonym> child;  // primary first
  std::string record_hash;            // RecordHash(audit key, canonical JSON)
  std::string received_hash;          // BytesHash(bytes received)
  std::int64_t received_size = 0;
  std::vector<std::string> recipients;       // agency ids a copy was made for
  std::vector<std::string> dropped_unknown;  // lenient senders: pointers of fields dropped
};

// A message refused; only codes and pointers, as in the problem document.
struct MessageRejectedEntry {
  std::optional<std::string> sender;  // agency id, when the sender was identified
  std::string format;
  int status = 400;     // the HTTP status answered
  std::string problem;  // "validation", "duplicate", "stale", "too_large", "forbidden"...
  struct Error {
    std::string pointer;
    std::string code;
  };
  std::vector<Error> errors;
  std::string received_hash;
  std::int64_t received_size = 0;
};

// One push to a recipient, and how it went.
struct DeliveryAttemptEntry {
  std::string delivery_id;
  std::string message_id;
  std::string recipient;
  int attempt = 1;      // 1 for the first try
  std::string outcome;  // "delivered", "retry", "dead"
  std::optional<int> http_status;
  std::string error;  // a code ("timeout", "tls", "refused", "http_5xx"...); "" when delivered
  std::optional<model::Timestamp> next_attempt_at;  // "retry"
};

// A recipient fetched (read) or acknowledged a mailbox item.
struct MailboxEntry {
  std::string delivery_id;
  std::string message_id;
  std::string recipient;  // the agency that read or acked it
};

// A recipient said it acted on one of its copies (a business
// acknowledgement). Whether it gave a reference, never the reference: an
// id in the recipient's own case system can name the child's case.
struct DeliveryActionedEntry {
  std::string delivery_id;
  std::string recipient;  // the agency that acted
  std::string team;       // the team or role that acted, as the recipient named it
  bool reference_given = false;
  std::string person;  // the console's person who recorded it; "" for the agency's system
};

// Configuration, policies, registry or TLS material replaced (or refused).
struct ConfigReloadedEntry {
  std::string component;  // "config", "policies", "registry", "tls"
  std::string outcome;    // "applied", "refused"
  std::string previous_hash;
  std::string hash;     // of the new files; for policies, the policy set hash
  int error_count = 0;  // "refused": how many errors the files had
};

// A key added, retired or destroyed (crypto-shredding).
struct KeyRotatedEntry {
  std::string key_kind;  // "payload", "pseudonymisation", "audit_signing", "tls"
  std::string scope;     // payload scope or ISA id; "" when not scoped
  std::string action;    // "added", "retired", "destroyed"
  std::string key_id;    // the key file's id, or a public key's hex
  std::optional<std::string> previous_key_id;
};

// Someone asked the audit what it holds about one child (`isagw audit
// subject`). By pseudonym, never the identifier they gave: the entry says
// who looked for whom and what they were shown.
struct SubjectSearchedEntry {
  ChildPseudonym subject;
  std::string identifier;        // the kind given: "nhs_number", "police_ref", "person_id"
  std::string searched_by;       // the operating-system account that ran the tool
  std::string format;            // "table", "csv", "json"
  std::int64_t disclosures = 0;  // how many were shown
};

inline constexpr std::string_view kHandshakeRefusedKind = "handshake_refused";
inline constexpr std::string_view kMessageAcceptedKind = "message_accepted";
inline constexpr std::string_view kMessageRejectedKind = "message_rejected";
inline constexpr std::string_view kDeliveryAttemptKind = "delivery_attempt";
inline constexpr std::string_view kMailboxReadKind = "mailbox_read";
inline constexpr std::string_view kMailboxAckKind = "mailbox_ack";
inline constexpr std::string_view kDeliveryActionedKind = "delivery_actioned";
inline constexpr std::string_view kConfigReloadedKind = "config_reloaded";
inline constexpr std::string_view kKeyRotatedKind = "key_rotated";
inline constexpr std::string_view kSubjectSearchedKind = "subject_searched";

store::AuditRecord ToAuditRecord(const HandshakeRefusedEntry& entry);
store::AuditRecord ToAuditRecord(const MessageAcceptedEntry& entry);
store::AuditRecord ToAuditRecord(const MessageRejectedEntry& entry);
store::AuditRecord ToAuditRecord(const DeliveryAttemptEntry& entry);
store::AuditRecord MailboxReadRecord(const MailboxEntry& entry);
store::AuditRecord MailboxAckRecord(const MailboxEntry& entry);
store::AuditRecord DeliveryActionedRecord(const DeliveryActionedEntry& entry);
store::AuditRecord ToAuditRecord(const ConfigReloadedEntry& entry);
store::AuditRecord ToAuditRecord(const KeyRotatedEntry& entry);
store::AuditRecord ToAuditRecord(const SubjectSearchedEntry& entry);

}  // namespace isagw::audit
