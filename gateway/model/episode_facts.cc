#include "gateway/model/episode_facts.h"

namespace isagw::model {

std::optional<bool>& ExploitationConcerns::For(Exploitation e) {
  switch (e) {
    case Exploitation::kCse: return cse;
    case Exploitation::kCce: return cce;
    case Exploitation::kCountyLines: return county_lines;
    case Exploitation::kTrafficking: return trafficking;
    case Exploitation::kRadicalisation: return radicalisation;
  }
  return radicalisation;  // unreachable: the switch is exhaustive
}

const std::optional<bool>& ExploitationConcerns::For(Exploitation e) const {
  return const_cast<ExploitationConcerns*>(this)->For(e);  // NOLINT
}

}  // namespace isagw::model
