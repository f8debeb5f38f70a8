// The episode aggregate as the store keeps it (EpisodeRecord.snapshot_json),
// so the next police record is applied to the episode exactly as it was
// left: state, latest version and the whole risk history. The snapshot
// holds risk rationales (free text): the store seals it at rest.
#pragma once

#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/model/episode.h"

namespace isagw::pipeline {

std::string EpisodeToJson(const model::Episode& episode);

// Refuses a snapshot the gateway did not write (a reason without values).
Result<model::Episode, std::string> EpisodeFromJson(std::string_view json);

}  // namespace isagw::pipeline
