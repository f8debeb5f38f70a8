#include "gateway/model/episode.h"

namespace isagw::model {
namespace {

bool IsPoliceRecord(EventKind kind) {
  return kind == EventKind::kMissingReported || kind == EventKind::kRiskReviewed ||
         kind == EventKind::kFound || kind == EventKind::kClosed;
}

}  // namespace

std::string_view Describe(EpisodeError error) {
  switch (error) {
    case EpisodeError::kNotAPoliceRecord:
      return "only police missing, risk, found and closed records change an episode";
    case EpisodeError::kMissingReference:
      return "the record has no police reference or record version";
    case EpisodeError::kWrongEpisode:
      return "the record belongs to another police reference";
    case EpisodeError::kClosed:
      return "the episode is closed";
    case EpisodeError::kMissingAfterFound:
      return "a child found and reported missing again needs a new police reference";
  }
  return "unknown episode error";
}

Episode Episode::Restore(std::string police_ref, EpisodeState state, int latest_record_version,
                         std::vector<RiskHistoryEntry> risk_history,
                         std::optional<Timestamp> missing_since,
                         std::optional<Timestamp> found_at) {
  Episode episode;
  episode.police_ref_ = std::move(police_ref);
  episode.state_ = state;
  episode.latest_record_version_ = latest_record_version;
  episode.risk_history_ = std::move(risk_history);
  episode.missing_since_ = missing_since;
  episode.found_at_ = found_at;
  return episode;
}

Result<Episode, EpisodeError> Episode::Open(const Event& first_record) {
  if (!IsPoliceRecord(first_record.kind)) return Fail(EpisodeError::kNotAPoliceRecord);
  if (!first_record.episode.police_ref || !first_record.episode.record_version) {
    return Fail(EpisodeError::kMissingReference);
  }
  Episode episode;
  episode.police_ref_ = *first_record.episode.police_ref;
  episode.Absorb(first_record);
  return episode;
}

Result<Applied, EpisodeError> Episode::Apply(const Event& record) {
  if (!IsPoliceRecord(record.kind)) return Fail(EpisodeError::kNotAPoliceRecord);
  if (!record.episode.police_ref || !record.episode.record_version) {
    return Fail(EpisodeError::kMissingReference);
  }
  if (*record.episode.police_ref != police_ref_) return Fail(EpisodeError::kWrongEpisode);
  const int version = *record.episode.record_version;
  // Version checks come first: a replay of an old record is recognised as
  // such even after the episode has moved on or closed.
  if (version == latest_record_version_) return Applied::kDuplicate;
  if (version < latest_record_version_) return Applied::kStale;
  if (state_ == EpisodeState::kClosed) return Fail(EpisodeError::kClosed);
  if (record.kind == EventKind::kMissingReported && state_ == EpisodeState::kFound) {
    return Fail(EpisodeError::kMissingAfterFound);
  }
  Absorb(record);
  return Applied::kApplied;
}

void Episode::Absorb(const Event& record) {
  const EpisodeFacts& facts = record.episode;
  latest_record_version_ = *facts.record_version;
  switch (record.kind) {
    case EventKind::kFound:
      state_ = EpisodeState::kFound;
      break;
    case EventKind::kClosed:
      state_ = EpisodeState::kClosed;
      break;
    default:
      break;  // missing reports and risk reviews keep the state
  }
  if (facts.last_seen_at) missing_since_ = facts.last_seen_at;
  if (facts.found_at) found_at_ = facts.found_at;
  if (facts.risk && (risk_history_.empty() || risk_history_.back().assessment != *facts.risk)) {
    risk_history_.push_back({*facts.risk, latest_record_version_, facts.reported_at});
  }
}

std::optional<RiskLevel> Episode::current_risk() const {
  if (risk_history_.empty()) return std::nullopt;
  return risk_history_.back().assessment.level;
}

}  // namespace isagw::model
