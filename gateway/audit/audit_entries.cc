#include "gateway/audit/audit_entries.h"

#include "gateway/audit/body_json.h"
#include "gateway/audit/body_writer.h"

namespace isagw::audit {
namespace {

using nlohmann::json;

store::AuditRecord Record(std::string_view kind, json body) {
  body["v"] = 1;
  return {std::string(kind), DumpBody(body)};
}

store::AuditRecord Mailbox(std::string_view kind, const MailboxEntry& entry) {
  return Record(kind, {{"delivery_id", entry.delivery_id},
                       {"message_id", entry.message_id},
                       {"recipient", entry.recipient}});
}

}  // namespace

store::AuditRecord ToAuditRecord(const HandshakeRefusedEntry& entry) {
  json body = {{"reason", entry.reason}, {"remote_address", entry.remote_address}};
  if (entry.certificate_sha256) body["certificate_sha256"] = *entry.certificate_sha256;
  if (entry.agency) body["agency"] = *entry.agency;
  return Record(kHandshakeRefusedKind, std::move(body));
}

store::AuditRecord ToAuditRecord(const MessageAcceptedEntry& entry) {
  // One for every message accepted, so written straight to its bytes, in
  // sorted key order: what DumpBody gives for the same document
  // (tests/audit/audit_entries_test.cc holds the two side by side).
  const auto strings = [](BodyWriter& w, std::string_view key,
                          const std::vector<std::string>& values) {
    w.Key(key).BeginArray();
    for (const std::string& value : values) w.String(value);
    w.EndArray();
  };
  BodyWriter w;
  w.BeginObject();
  PutChild(w, entry.child);
  if (!entry.dropped_unknown.empty()) strings(w, "dropped_unknown", entry.dropped_unknown);
  w.Member("event_kind", entry.event_kind)
      .Member("format", entry.format)
      .Member("message_id", entry.message_id)
      .Member("received_hash", entry.received_hash)
      .Member("received_size", entry.received_size);
  strings(w, "recipients", entry.recipients);
  w.Member("record_hash", entry.record_hash)
      .Member("sender", entry.sender)
      .Member("v", std::int64_t{1})
      .EndObject();
  return {std::string(kMessageAcceptedKind), w.Take()};
}

store::AuditRecord ToAuditRecord(const MessageRejectedEntry& entry) {
  json errors = json::array();
  for (const auto& error : entry.errors) {
    errors.push_back({{"pointer", error.pointer}, {"code", error.code}});
  }
  json body = {{"format", entry.format},
               {"status", entry.status},
               {"problem", entry.problem},
               {"errors", std::move(errors)},
               {"received_hash", entry.received_hash},
               {"received_size", entry.received_size}};
  if (entry.sender) body["sender"] = *entry.sender;
  return Record(kMessageRejectedKind, std::move(body));
}

store::AuditRecord ToAuditRecord(const DeliveryAttemptEntry& entry) {
  json body = {{"delivery_id", entry.delivery_id},
               {"message_id", entry.message_id},
               {"recipient", entry.recipient},
               {"attempt", entry.attempt},
               {"outcome", entry.outcome}};
  if (entry.http_status) body["http_status"] = *entry.http_status;
  if (!entry.error.empty()) body["error"] = entry.error;
  if (entry.next_attempt_at)
    body["next_attempt_at"] = model::FormatTimestamp(*entry.next_attempt_at);
  return Record(kDeliveryAttemptKind, std::move(body));
}

store::AuditRecord MailboxReadRecord(const MailboxEntry& entry) {
  return Mailbox(kMailboxReadKind, entry);
}

store::AuditRecord MailboxAckRecord(const MailboxEntry& entry) {
  return Mailbox(kMailboxAckKind, entry);
}

store::AuditRecord DeliveryActionedRecord(const DeliveryActionedEntry& entry) {
  json body = {{"delivery_id", entry.delivery_id},
               {"recipient", entry.recipient},
               {"team", entry.team},
               {"reference_given", entry.reference_given}};
  if (!entry.person.empty()) {
    body["person"] = entry.person;
    body["via"] = "console";
  }
  return Record(kDeliveryActionedKind, std::move(body));
}

store::AuditRecord ToAuditRecord(const ConfigReloadedEntry& entry) {
  return Record(kConfigReloadedKind, {{"component", entry.component},
                                      {"outcome", entry.outcome},
                                      {"previous_hash", entry.previous_hash},
                                      {"hash", entry.hash},
                                      {"error_count", entry.error_count}});
}

store::AuditRecord ToAuditRecord(const KeyRotatedEntry& entry) {
  json body = {{"key_kind", entry.key_kind},
               {"scope", entry.scope},
               {"action", entry.action},
               {"key_id", entry.key_id}};
  if (entry.previous_key_id) body["previous_key_id"] = *entry.previous_key_id;
  return Record(kKeyRotatedKind, std::move(body));
}

store::AuditRecord ToAuditRecord(const SubjectSearchedEntry& entry) {
  return Record(kSubjectSearchedKind, {{"subject", entry.subject.str()},
                                       {"identifier", entry.identifier},
                                       {"searched_by", entry.searched_by},
                                       {"format", entry.format},
                                       {"disclosures", entry.disclosures}});
}

}  // namespace isagw::audit
