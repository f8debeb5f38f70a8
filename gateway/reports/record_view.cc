#include "gateway/reports/record_view.h"

#include <utility>

#include "gateway/pipeline/router.h"
#include "gateway/policy/engine.h"
#include "gateway/policy/redactor.h"

namespace isagw::reports {

RecordView::RecordView(const pipeline::GatewayState& state, std::string viewer,
                       model::Timestamp now)
    : state_(state), viewer_(std::move(viewer)), now_(now) {}

std::optional<nlohmann::json> RecordView::See(const std::string& sender,
                                              const nlohmann::json& record,
                                              const EpisodeAgencies& agencies) const {
  if (sender == viewer_) return record;
  const registry::AgencyRegistry& registry = state_.registry;
  const registry::Agency* from = registry.FindById(sender);
  const registry::Agency* to = registry.FindById(viewer_);
  if (from == nullptr || to == nullptr) return std::nullopt;

  pipeline::Parties parties;
  if (!agencies.host_la.empty()) parties.host_la = registry.FindById(agencies.host_la);
  if (!agencies.placing_la.empty() && agencies.placing_la != agencies.host_la) {
    parties.placing_la = registry.FindById(agencies.placing_la);
  }
  if (!agencies.force.empty()) parties.police_force = registry.FindById(agencies.force);
  if (parties.host_la != nullptr) {
    parties.provider = registry.ProviderCommissionedBy(parties.host_la->la_number);
  }
  const policy::Party from_party{from->id, pipeline::RolesOf(*from, parties)};
  const policy::Party to_party{to->id, pipeline::RolesOf(*to, parties)};
  const policy::Decision decision =
      policy::Decide(state_.policies, record, from_party, to_party, now_);
  if (!decision.allowed) return std::nullopt;
  auto redacted = policy::Redact(record, decision, *state_.pseudonym_keys);
  if (!redacted.ok()) return std::nullopt;
  return std::move(redacted->document);
}

}  // namespace isagw::reports
