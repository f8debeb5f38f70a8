// EpisodeFacts: what one message says about a missing episode. The
// Episode aggregate (episode.h) folds a sequence of these into the
// episode's state and risk history.
#pragma once

#include <optional>
#include <string>

#include "gateway/model/codes.h"
#include "gateway/model/time.h"

namespace isagw::model {

// A place in free text, with the postcode found in it (if any) so that a
// policy can pass on the district without the text.
struct Location {
  std::optional<std::string> description;
  std::optional<std::string> postcode;
  friend bool operator==(const Location&, const Location&) = default;
};

struct RiskAssessment {
  RiskLevel level = RiskLevel::kMedium;
  std::optional<std::string> rationale;
  friend bool operator==(const RiskAssessment&, const RiskAssessment&) = default;
};

// Per concern: true (a concern), false (considered, no concern), or
// empty (not stated).
struct ExploitationConcerns {
  std::optional<bool> cse;
  std::optional<bool> cce;
  std::optional<bool> county_lines;
  std::optional<bool> trafficking;
  std::optional<bool> radicalisation;
  friend bool operator==(const ExploitationConcerns&, const ExploitationConcerns&) = default;

  bool Empty() const {
    return !cse && !cce && !county_lines && !trafficking && !radicalisation;
  }
  std::optional<bool>& For(Exploitation e);
  const std::optional<bool>& For(Exploitation e) const;
};

struct EpisodeFacts {
  std::optional<std::string> police_ref;  // OccurrenceRef, e.g. "DB/21/2026/004512"
  std::optional<std::string> force_code;  // "DERBYS"
  std::optional<int> record_version;      // police RecordVersion, >= 1
  std::optional<MissingType> missing_type;
  std::optional<MissingFrom> missing_from;
  std::optional<Timestamp> reported_at;
  std::optional<Timestamp> last_seen_at;  // start of the episode
  std::optional<Timestamp> found_at;      // end of the episode
  std::optional<Timestamp> safe_and_well_at;
  std::optional<Location> last_seen_location;
  std::optional<Location> found_location;
  std::optional<FoundBy> found_by;
  std::optional<bool> safe_and_well_completed;
  std::optional<RiskAssessment> risk;
  ExploitationConcerns exploitation;
  std::optional<std::string> circumstances;  // free text; may name third parties
  std::optional<std::string> officer_in_case;
  std::optional<int> previous_episodes;  // the sender's count; may disagree with ours
  friend bool operator==(const EpisodeFacts&, const EpisodeFacts&) = default;
};

}  // namespace isagw::model
