// Episode: one period a child is missing, as the gateway knows it from the
// police records about one OccurrenceRef. It folds records into a state
// and a risk history, and recognises stale or duplicate records so they
// are never processed twice.
//
//   missing --(risk_reviewed)*--> missing --found--> found --closed--> closed
//                         \__________________closed__________________/
//
// The police system is the record of truth; the gateway only refuses
// what cannot be right (a record for another episode, or anything after
// closure) and recognises what it has already seen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::model {

enum class EpisodeState { kMissing, kFound, kClosed };
inline constexpr auto kEpisodeStateNames = MakeCodeMap<EpisodeState>(
    std::pair{EpisodeState::kMissing, std::string_view{"missing"}},
    std::pair{EpisodeState::kFound, std::string_view{"found"}},
    std::pair{EpisodeState::kClosed, std::string_view{"closed"}});

struct RiskHistoryEntry {
  RiskAssessment assessment;
  int record_version = 0;
  std::optional<Timestamp> recorded_at;  // the record's reported time, if it had one
  friend bool operator==(const RiskHistoryEntry&, const RiskHistoryEntry&) = default;
};

// What applying a record did.
enum class Applied {
  kApplied,    // the record moved the episode on
  kDuplicate,  // same RecordVersion as the latest: already processed
  kStale,      // lower RecordVersion than the latest: superseded, ignored
};

enum class EpisodeError {
  kNotAPoliceRecord,    // only missing/risk/found/closed records shape an episode
  kMissingReference,    // the record has no police_ref or record_version
  kWrongEpisode,        // the record is about another OccurrenceRef
  kClosed,              // nothing follows closure
  kMissingAfterFound,   // a found child reported missing again needs a new occurrence
};
std::string_view Describe(EpisodeError error);

class Episode {
 public:
  // Opens an episode from its first police record. Usually a missing
  // report, but a gateway that joins late may first hear of it when found.
  static Result<Episode, EpisodeError> Open(const Event& first_record);

  // Rebuilds an episode from what the gateway stored of it (the pipeline's
  // snapshot, gateway/pipeline/episode_snapshot.h). Trusted: only the
  // gateway writes snapshots, from episodes Open and Apply made.
  static Episode Restore(std::string police_ref, EpisodeState state, int latest_record_version,
                         std::vector<RiskHistoryEntry> risk_history,
                         std::optional<Timestamp> missing_since,
                         std::optional<Timestamp> found_at);

  Result<Applied, EpisodeError> Apply(const Event& record);

  const std::string& police_ref() const { return police_ref_; }
  EpisodeState state() const { return state_; }
  int latest_record_version() const { return latest_record_version_; }
  const std::vector<RiskHistoryEntry>& risk_history() const { return risk_history_; }
  std::optional<RiskLevel> current_risk() const;
  std::optional<Timestamp> missing_since() const { return missing_since_; }
  std::optional<Timestamp> found_at() const { return found_at_; }

 private:
  Episode() = default;
  void Absorb(const Event& record);

  std::string police_ref_;
  EpisodeState state_ = EpisodeState::kMissing;
  int latest_record_version_ = 0;
  std::vector<RiskHistoryEntry> risk_history_;
  std::optional<Timestamp> missing_since_;
  std::optional<Timestamp> found_at_;
};

}  // namespace isagw::model
