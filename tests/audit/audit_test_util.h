// Shared by the audit tests: a scratch directory, test keys, and a real
// audit store built through SqliteStore::Commit (the production write path).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/audit/audit_entries.h"
#include "gateway/audit/audit_key.h"
#include "gateway/audit/child_pseudonym.h"
#include "gateway/audit/disclosure_entry.h"
#include "gateway/audit/signing_key.h"
#include "gateway/audit/sqlite_audit_log.h"
#include "gateway/store/sqlite_store.h"

namespace isagw::audit::test_util {

using namespace std::chrono;

// A directory of its own per test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("isagw-audit-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
             info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline AuditKey TestAuditKey(std::uint8_t fill = 3) {
  std::array<std::uint8_t, AuditKey::kBytes> bytes{};
  bytes.fill(fill);
  return AuditKey::FromBytes(bytes);
}

inline CheckpointSigner TestSigner(std::uint8_t fill = 5) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return CheckpointSigner::FromSeed(seed);
}

inline std::shared_ptr<const crypto::Sealer> TestSealer() {
  auto ring = std::make_shared<crypto::KeyRing>();
  crypto::SecretKey key{};
  key.fill(7);
  ring->Add("inbound", "k1", key);
  key.fill(9);
  ring->Add("isa-derby-2026", "k1", key);
  return std::make_shared<crypto::Sealer>(ring);
}

inline model::Timestamp Base() { return sys_days{2026y / November / 22} + 21h + 41min; }

// Distinctive personal data: none of it may ever appear in the audit.
inline constexpr const char* kForename = "Zephyrine";
inline constexpr const char* kSurname = "Quillfeather";
inline constexpr const char* kNarrative = "stayed at the Marigold Lantern arcade";
inline constexpr const char* kNhsNumber = "9434765919";
inline constexpr const char* kPoliceRef = "DB/21/2026/004512";

inline std::string CanonicalRecord(const std::string& police_ref) {
  return std::string(
             R"({"model":"isagw.canonical/1","kind":"missing_reported","child":{"forename":")") +
         kForename + R"(","surname":")" + kSurname + R"(","nhs_number":")" + kNhsNumber +
         R"("},"episode":{"police_ref":")" + police_ref + R"(","circumstances":")" + kNarrative +
         R"("}})";
}

// The disclosure the pipeline would write for message `id` to la-derby.
inline DisclosureEntry SampleDisclosure(const std::string& id,
                                        const std::vector<ChildPseudonym>& child,
                                        const std::string& canonical, const std::string& sent) {
  const AuditKey key = TestAuditKey();
  DisclosureEntry entry;
  entry.message_id = id;
  entry.delivery_id = id + "-la-derby";
  entry.sender = "police-derbys";
  entry.recipient = "la-derby";
  entry.event_kind = "missing_reported";
  entry.format = "council-xml";
  entry.child = child;
  entry.flow = {"isa-derby-2026", "flows.police_to_host_la"};
  entry.fields_sent = {{"/child/forename", "sent", "fields.child.forename"},
                       {"/child/nhs_number", "pseudonymised", "fields.child.nhs_number"},
                       {"/episode/police_ref", "sent", "fields.episode.police_ref"}};
  entry.fields_withheld = {
      {"/episode/circumstances", "withheld_condition", "fields.episode.circumstances", "consent"},
      {"/child/surname", "no_rule", "", "no rule covers this field"}};
  entry.record_hash = RecordHash(key, canonical);
  entry.sent_hash = BytesHash(sent);
  entry.sent_size = static_cast<std::int64_t>(sent.size());
  entry.policy_set_hash = "blake2b-256:" + std::string(64, 'a');
  return entry;
}

// One accepted message, as the pipeline commits it: the inbound record,
// one mailbox delivery, and its audit entries (accepted + disclosure).
inline store::Acceptance AcceptedMessage(const std::string& id, const std::string& police_ref,
                                         const ChildIdentifiers& ids, model::Timestamp at) {
  const ChildPseudonymizer pseudonyms(TestAuditKey());
  const std::vector<ChildPseudonym> child = pseudonyms.All(ids);
  const std::string canonical = CanonicalRecord(police_ref);
  const std::string sent = "<Forename>" + std::string(kForename) + "</Forename>";

  store::Acceptance a;
  a.message.id = id;
  a.message.sender = "police-derbys";
  a.message.idempotency_key = "key-" + id;
  a.message.format = "compact";
  a.message.kind = "missing_reported";
  a.message.received_at = at;
  a.message.canonical_json = canonical;
  a.message.answer_json = R"({"message_id":")" + id + R"("})";
  a.deliveries.push_back(store::Delivery{
      id + "-la-derby", id, "la-derby", "la-derby|" + police_ref, store::DeliveryMode::kMailbox,
      "council-xml", "application/vnd.isagw.council+xml", "isa-derby-2026", sent});
  MessageAcceptedEntry accepted;
  accepted.message_id = id;
  accepted.sender = "police-derbys";
  accepted.format = "compact";
  accepted.event_kind = "missing_reported";
  accepted.child = child;
  accepted.record_hash = RecordHash(TestAuditKey(), canonical);
  accepted.received_hash = BytesHash(canonical);
  accepted.received_size = static_cast<std::int64_t>(canonical.size());
  accepted.recipients = {"la-derby"};
  a.audit.push_back(ToAuditRecord(accepted));
  a.audit.push_back(ToAuditRecord(SampleDisclosure(id, child, canonical, sent)));
  return a;
}

inline ChildIdentifiers ChildA() {
  ChildIdentifiers ids;
  ids.nhs_number = kNhsNumber;
  ids.police_refs = {kPoliceRef};
  return ids;
}

inline ChildIdentifiers ChildB() {
  ChildIdentifiers ids;
  ids.council_person = ChildIdentifiers::CouncilPerson{"860", "LCS-778812"};
  ids.police_refs = {"ST/21/2026/000777"};
  return ids;
}

// Builds a store of `messages` accepted messages (two entries each),
// alternating between two children, signing a checkpoint after each count
// in `checkpoint_after` (a number of messages).
inline void BuildStore(const std::filesystem::path& path, int messages,
                       const std::vector<int>& checkpoint_after, const CheckpointSigner& signer) {
  auto opened = store::SqliteStore::Open(path, TestSealer());
  ASSERT_TRUE(opened.ok()) << opened.error().detail;
  auto log = SqliteAuditLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.error().detail;
  for (int i = 1; i <= messages; ++i) {
    const bool a = i % 2 == 1;
    const std::string id = "m-" + std::to_string(1000 + i);
    auto committed = (*opened)->Commit(AcceptedMessage(
        id, a ? kPoliceRef : "ST/21/2026/000777", a ? ChildA() : ChildB(), Base() + minutes(i)));
    ASSERT_TRUE(committed.ok()) << committed.error().detail;
    if (std::find(checkpoint_after.begin(), checkpoint_after.end(), i) != checkpoint_after.end()) {
      auto checkpoint = log->AppendCheckpoint(signer, Base() + minutes(i) + seconds(30));
      ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().detail;
    }
  }
}

}  // namespace isagw::audit::test_util
