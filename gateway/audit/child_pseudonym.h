// ChildPseudonym: how the audit names a child without naming them. A keyed
// hash (AuditKey, KeyPurpose::kChildPseudonym) of one identifier, written
// "cp:" + 32 hex digits. Stable for as long as the audit key lives, so
// every disclosure about one child carries the same pseudonym, and a
// subject report can find them all from an identifier the requester gives.
//
// Each identifier is hashed with its own label ("nhs:", "council:",
// "police:"), so an NHS number and a police reference never collide. A
// disclosure entry carries the pseudonym of every identifier the record
// had: the subject report then finds it from whichever one is asked for.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/audit/audit_key.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::audit {

struct ChildIdentifiers {
  std::optional<std::string> nhs_number;  // 10 digits; spaces and hyphens ignored
  // A council's case-system id, with the council's DfE LA number ("" when unknown).
  struct CouncilPerson {
    std::string la;
    std::string person_id;
  };
  std::optional<CouncilPerson> council_person;
  std::vector<std::string> police_refs;  // OccurrenceRefs; case ignored
};

// The identifiers an event carries: the child's NHS number and council
// person id, the episode's police reference and an interview's references.
ChildIdentifiers IdentifiersOf(const model::Event& event);

class ChildPseudonym {
 public:
  // Accepts exactly "cp:" + 32 lower-case hex digits.
  static std::optional<ChildPseudonym> Parse(std::string_view text);

  const std::string& str() const { return text_; }
  friend bool operator==(const ChildPseudonym&, const ChildPseudonym&) = default;
  friend auto operator<=>(const ChildPseudonym&, const ChildPseudonym&) = default;

 private:
  friend class ChildPseudonymizer;
  explicit ChildPseudonym(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// Derives pseudonyms with one audit key.
class ChildPseudonymizer {
 public:
  explicit ChildPseudonymizer(AuditKey key) : key_(std::move(key)) {}

  ChildPseudonym OfNhsNumber(std::string_view nhs_number) const;
  ChildPseudonym OfCouncilPerson(std::string_view la, std::string_view person_id) const;
  ChildPseudonym OfPoliceRef(std::string_view police_ref) const;

  // The pseudonym of an identifier as a person types it: `kind` is
  // "nhs_number" (10 digits; spaces and dashes ignored), "police_ref" or
  // "person_id" ("LA:ID", LA a DfE 3-digit number). The error says what
  // is wrong without quoting the text.
  Result<ChildPseudonym, std::string> OfIdentifier(std::string_view kind,
                                                   std::string_view text) const;

  // The child's primary pseudonym: from the NHS number, else the council
  // person id with its LA, else the first police reference; nullopt when
  // the record identifies no child.
  std::optional<ChildPseudonym> Primary(const ChildIdentifiers& ids) const;
  // One pseudonym per identifier, primary first, without repeats.
  std::vector<ChildPseudonym> All(const ChildIdentifiers& ids) const;

 private:
  ChildPseudonym Of(std::string_view labelled) const;
  AuditKey key_;
};

}  // namespace isagw::audit
