// ReportData: what one agency may see of the episodes it is involved in,
// as rows the reports work over. Built by LoadReportData (report_loader.h)
// from the store, each record read as the agency would have received it
// under the ISAs (record_view.h): a report never shows an agency more than
// the agreements let it receive.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/model/time.h"

namespace isagw::reports {

struct RiskChange {
  std::string level;  // canonical name: "low", "medium", "high"...
  model::Timestamp at{};
};

// M/A as a council record stated it, and from when.
struct MissingTypeChange {
  std::string type;  // "missing" or "away"
  model::Timestamp at{};
};

// A place from a police record or an RHI: the postcode district and the
// name, whichever the viewer may see.
struct Place {
  std::string district;  // "DE1", empty when not known or withheld
  std::string name;      // "Derby bus station", empty when not known or withheld
};

// Who the child is, as far as the viewer may see: for the councils that
// are host or placing authority, from the latest record that says.
struct ChildDetails {
  std::string forename;
  std::string surname;
  std::string date_of_birth;      // ISO date, or as generalised
  std::string council_person_id;  // the viewer's own id for the child, when a record gave it
  std::string looked_after;       // "yes", "no", "unknown" or empty
  std::string responsible_la;     // DfE number of the placing authority, when given
};

struct EpisodeRow {
  std::string police_ref;
  std::string child;       // the gateway's child key, else the police_ref: what links episodes
  std::string host_la;     // agency ids; empty when unknown
  std::string placing_la;  // only when it differs from the host
  std::string force;       // the police force that sent its records
  std::string state;       // "missing", "found", "closed"
  model::Timestamp missing_since{};
  std::optional<model::Timestamp> reported_at;
  std::optional<model::Timestamp> found_at;
  std::optional<model::Timestamp> closed_at;  // when the closing record arrived
  model::Timestamp first_received_at{};       // the gateway's first record of it
  std::vector<RiskChange> risk;               // in record order
  std::vector<MissingTypeChange> missing_type;
  Place last_seen;
  Place found;
  ChildDetails details;
  // When the host LA's copy of the missing report became its to read.
  std::optional<model::Timestamp> host_copy_at;
};

struct AdultSeen {
  std::string
      who;  // the name as the viewer may see it: a pseudonym ("psn:...") unless an ISA allows more
};

struct InterviewRow {
  std::string message_id;
  std::string provider;  // agency id of the sender
  std::vector<std::string> police_refs;
  std::optional<model::Timestamp> returned_at;
  std::optional<model::Timestamp> offered_at;
  std::optional<model::Timestamp> completed_at;
  std::string outcome;         // canonical name, empty when not given
  std::string outcome_reason;  // code-like text from the provider, never narrative
  std::vector<Place> where_stayed;
  std::vector<AdultSeen> adults_of_concern;
  model::Timestamp received_at{};
};

struct ReportData {
  std::string viewer;                // agency id
  std::vector<EpisodeRow> episodes;  // by missing_since
  std::vector<InterviewRow> interviews;
  // Records whose payload could not be opened (crypto-shredded): left out.
  int shredded = 0;
  // Records the ISAs do not let the viewer see: left out.
  int withheld = 0;
};

}  // namespace isagw::reports
