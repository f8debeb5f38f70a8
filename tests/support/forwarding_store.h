// ForwardingStore: a Store that hands every call to another, for tests
// that change one call's answer (a database restarting under a worker)
// and keep the rest real: derive, and override what the test is about.
#pragma once

#include <utility>

#include "gateway/store/store.h"

namespace isagw::testing {

class ForwardingStore : public store::Store {
 public:
  explicit ForwardingStore(store::Store& inner) : inner_(inner) {}

  Result<std::optional<std::string>, store::StoreError> FindAnswerByIdempotencyKey(
      const std::string& sender, const std::string& key) override {
    return inner_.FindAnswerByIdempotencyKey(sender, key);
  }
  Result<std::optional<std::string>, store::StoreError> FindAnswerByPoliceRecord(
      const std::string& police_ref, int record_version) override {
    return inner_.FindAnswerByPoliceRecord(police_ref, record_version);
  }
  Result<std::optional<store::EpisodeRecord>, store::StoreError> LoadEpisode(
      const std::string& police_ref) override {
    return inner_.LoadEpisode(police_ref);
  }
  Result<std::optional<store::ChildLink>, store::StoreError> FindChildLink(
      const std::string& child_key) override {
    return inner_.FindChildLink(child_key);
  }
  Result<Ok, store::StoreError> Commit(const store::Acceptance& acceptance) override {
    return inner_.Commit(acceptance);
  }
  std::vector<Result<Ok, store::StoreError>> CommitAll(
      std::span<const store::Acceptance* const> acceptances) override {
    return inner_.CommitAll(acceptances);
  }
  Result<std::vector<store::ClaimedDelivery>, store::StoreError> ClaimDueDeliveries(
      model::Timestamp now, model::Timestamp lease_until, int limit) override {
    return inner_.ClaimDueDeliveries(now, lease_until, limit);
  }
  Result<Ok, store::StoreError> RecordAttempt(const store::AttemptOutcome& outcome) override {
    return inner_.RecordAttempt(outcome);
  }
  std::vector<Result<Ok, store::StoreError>> RecordAttempts(
      std::span<const store::AttemptOutcome> outcomes) override {
    return inner_.RecordAttempts(outcomes);
  }
  Result<std::vector<store::ClaimedDelivery>, store::StoreError> ListExpiredMailboxItems(
      model::Timestamp created_before, int limit) override {
    return inner_.ListExpiredMailboxItems(created_before, limit);
  }
  Result<Ok, store::StoreError> RecordAudit(const std::vector<store::AuditRecord>& records,
                                            model::Timestamp at) override {
    return inner_.RecordAudit(records, at);
  }
  Result<std::optional<std::string>, store::StoreError> FindMessageSender(
      const std::string& message_id) override {
    return inner_.FindMessageSender(message_id);
  }
  Result<std::vector<store::MailboxItem>, store::StoreError> ListMailbox(
      const std::string& recipient, const store::MailboxQuery& query) override {
    return inner_.ListMailbox(recipient, query);
  }
  Result<store::MailboxItem, store::StoreError> FetchMailboxItem(
      const std::string& recipient, const std::string& delivery_id,
      std::vector<store::AuditRecord> audit) override {
    return inner_.FetchMailboxItem(recipient, delivery_id, std::move(audit));
  }
  Result<Ok, store::StoreError> AcknowledgeMailboxItem(
      const std::string& recipient, const std::string& delivery_id, model::Timestamp at,
      std::vector<store::AuditRecord> audit) override {
    return inner_.AcknowledgeMailboxItem(recipient, delivery_id, at, std::move(audit));
  }
  Result<std::vector<store::ClaimedTimer>, store::StoreError> ClaimDueTimers(
      model::Timestamp now, model::Timestamp lease_until, int limit) override {
    return inner_.ClaimDueTimers(now, lease_until, limit);
  }
  Result<Ok, store::StoreError> FinishTimer(const std::string& timer_id, store::TimerState state,
                                            const std::string& note, model::Timestamp at,
                                            std::vector<store::AuditRecord> audit) override {
    return inner_.FinishTimer(timer_id, state, note, at, std::move(audit));
  }
  Result<Ok, store::StoreError> FireTimerWithDeliveries(
      const std::string& timer_id, model::Timestamp at, std::vector<store::Delivery> deliveries,
      std::vector<store::Timer> arm, std::vector<store::AuditRecord> audit) override {
    return inner_.FireTimerWithDeliveries(timer_id, at, std::move(deliveries), std::move(arm),
                                          std::move(audit));
  }
  Result<std::vector<store::TimerRecord>, store::StoreError> ListTimers(
      const std::string& subject) override {
    return inner_.ListTimers(subject);
  }
  Result<int, store::StoreError> CountChildEpisodes(const std::string& child_key,
                                                    model::Timestamp from, model::Timestamp to,
                                                    const std::string& except,
                                                    int at_most) override {
    return inner_.CountChildEpisodes(child_key, from, to, except, at_most);
  }
  Result<std::string, store::StoreError> LoadMessageCanonical(
      const std::string& message_id) override {
    return inner_.LoadMessageCanonical(message_id);
  }
  Result<Ok, store::StoreError> RecordAction(const std::string& recipient,
                                             const std::string& delivery_id,
                                             const store::BusinessAction& action,
                                             std::vector<store::AuditRecord> audit) override {
    return inner_.RecordAction(recipient, delivery_id, action, std::move(audit));
  }
  Result<std::optional<store::Delivery>, store::StoreError> LoadDelivery(
      const std::string& delivery_id) override {
    return inner_.LoadDelivery(delivery_id);
  }
  Result<store::Store::ReleasedLeases, store::StoreError> ReleaseLeases() override {
    return inner_.ReleaseLeases();
  }
  Result<store::ReportRecords, store::StoreError> LoadReportRecords(
      const store::ReportQuery& query) override {
    return inner_.LoadReportRecords(query);
  }
  Result<Ok, store::StoreError> Ping() override { return inner_.Ping(); }
  Result<std::vector<store::RecipientQueue>, store::StoreError> ListRecipientQueues() override {
    return inner_.ListRecipientQueues();
  }
  Result<std::vector<store::DeadLetter>, store::StoreError> ListDeadLetters(
      std::size_t limit) override {
    return inner_.ListDeadLetters(limit);
  }
  Result<std::vector<store::UrgentCopy>, store::StoreError> ListUrgentCopies(
      const std::string& recipient, model::Timestamp fired_since, std::size_t limit) override {
    return inner_.ListUrgentCopies(recipient, fired_since, limit);
  }
  Result<std::vector<store::CopyRecord>, store::StoreError> ListCopiesOfFormat(
      const std::string& format, std::size_t limit) override {
    return inner_.ListCopiesOfFormat(format, limit);
  }
  Result<std::string, store::StoreError> ReplayDeadLetter(
      const std::string& delivery_id, const std::string& new_id, model::Timestamp now,
      std::vector<store::AuditRecord> audit) override {
    return inner_.ReplayDeadLetter(delivery_id, new_id, now, std::move(audit));
  }
  Result<store::MessageStatus, store::StoreError> GetMessageStatus(
      const std::string& sender, const std::string& message_id) override {
    return inner_.GetMessageStatus(sender, message_id);
  }

 protected:
  store::Store& inner_;
};

}  // namespace isagw::testing
