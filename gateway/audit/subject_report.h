// Subject report: every disclosure about one child -- when, to whom, under
// which ISA and flow, which fields were sent and which withheld -- for
// subject access requests and ISA reviews. The child is found by pseudonym
// (child_pseudonym.h), so the report can be run from an NHS number, a
// council person id or a police reference without the audit naming anyone.
//
// Known cost: the audit table stores bodies only, so a report scans every
// disclosure (the database matches the pseudonym text before any JSON is parsed:
// one sequential read of the table). An index table written with each
// entry would make it a lookup, if reports become frequent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/audit/audit_log.h"
#include "gateway/audit/child_pseudonym.h"
#include "gateway/audit/disclosure_entry.h"
#include "gateway/model/time.h"

namespace isagw::audit {

struct SubjectDisclosure {
  std::int64_t seq = 0;  // the audit entry
  model::Timestamp at{};
  std::string message_id;
  std::string delivery_id;
  std::string sender;
  std::string recipient;
  std::string event_kind;
  FlowClause flow;
  std::vector<FlowClause> other_flows;
  std::vector<SentField> fields_sent;
  std::vector<WithheldField> fields_withheld;
  friend bool operator==(const SubjectDisclosure&, const SubjectDisclosure&) = default;
};

// Which disclosures a search wants: every condition given must hold.
struct DisclosureQuery {
  std::optional<ChildPseudonym> child;   // about this child (primary pseudonym or alias)
  std::optional<std::string> party;      // sent by or to this agency
  std::optional<std::string> recipient;  // sent to this agency
  std::optional<model::Timestamp> from;  // at or after
  std::optional<model::Timestamp> to;    // before
};

// The disclosures the query chooses, oldest first, at most `limit` of
// them (`truncated` says when more matched). The database matches the
// child's pseudonym, else the agency's id, as text first; a period alone
// reads every disclosure. A body that cannot be read fails the search.
struct FoundDisclosures {
  std::vector<SubjectDisclosure> disclosures;
  bool truncated = false;
};
Result<FoundDisclosures, AuditLogError> FindDisclosures(AuditLog& log, const DisclosureQuery& query,
                                                        std::size_t limit);

// The disclosures naming `child` (as primary pseudonym or alias), oldest
// first. A disclosure body that cannot be read fails the whole report
// (naming its seq): a report must not silently leave one out.
Result<std::vector<SubjectDisclosure>, AuditLogError> SubjectDisclosures(
    AuditLog& log, const ChildPseudonym& child);
// The same on a SQLite store file.
Result<std::vector<SubjectDisclosure>, AuditLogError> SubjectDisclosures(
    const std::filesystem::path& store_path, const ChildPseudonym& child);

// Renderings. The table is for people; CSV has one row per disclosure with
// field lists joined by ';'; JSON is an array of objects.
std::string RenderTable(const std::vector<SubjectDisclosure>& disclosures);
std::string RenderCsv(const std::vector<SubjectDisclosure>& disclosures);
std::string RenderJson(const std::vector<SubjectDisclosure>& disclosures);

}  // namespace isagw::audit
