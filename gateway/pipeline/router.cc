#include "gateway/pipeline/router.h"

namespace isagw::pipeline {
namespace {

using model::EventKind;
using registry::Agency;
using registry::AgencyKind;

const Agency* HostLa(const model::Event& event, const registry::AgencyRegistry& registry,
                     const ChildContext& child) {
  const auto by_postcode = [&](const std::optional<std::string>& postcode) -> const Agency* {
    return postcode ? registry.LaOwningPostcodeDistrict(*postcode) : nullptr;
  };
  const model::Child& c = event.child;
  if (c.placement) {
    if (const Agency* la = by_postcode(c.placement->postcode)) return la;
  }
  if (c.home) {
    if (const Agency* la = by_postcode(c.home->postcode)) return la;
  }
  if (event.episode.last_seen_location) {
    if (const Agency* la = by_postcode(event.episode.last_seen_location->postcode)) return la;
  }
  if (event.header.to_la) {
    if (const Agency* la = registry.FindByLaNumber(*event.header.to_la)) return la;
  }
  if (child.host_la) {
    if (const Agency* la = registry.FindById(*child.host_la)) return la;
  }
  if (event.episode.force_code) {
    if (const Agency* force = registry.FindByForceCode(*event.episode.force_code)) {
      const Agency* only = nullptr;
      for (const std::string& la_number : force->covers_las) {
        if (const Agency* la = registry.FindByLaNumber(la_number)) {
          if (only != nullptr) return nullptr;  // several: the postcode must decide
          only = la;
        }
      }
      return only;
    }
  }
  return nullptr;
}

}  // namespace

Parties ResolveParties(const model::Event& event, const registry::AgencyRegistry& registry,
                       const ChildContext& child) {
  Parties parties;
  parties.host_la = HostLa(event, registry, child);

  const Agency* placing = nullptr;
  if (event.child.responsible_la) placing = registry.FindByLaNumber(*event.child.responsible_la);
  if (placing == nullptr && child.placing_la) placing = registry.FindById(*child.placing_la);
  if (placing != nullptr && placing != parties.host_la) parties.placing_la = placing;

  if (event.episode.force_code) {
    parties.police_force = registry.FindByForceCode(*event.episode.force_code);
  }
  if (parties.police_force == nullptr && parties.host_la != nullptr) {
    parties.police_force = registry.ForceCoveringLa(parties.host_la->la_number);
  }
  if (parties.host_la != nullptr) {
    parties.provider = registry.ProviderCommissionedBy(parties.host_la->la_number);
  }
  return parties;
}

std::set<policy::Role> RolesOf(const Agency& agency, const Parties& parties) {
  std::set<policy::Role> roles;
  if (&agency == parties.host_la) roles.insert(policy::Role::kHostLa);
  if (&agency == parties.placing_la) roles.insert(policy::Role::kPlacingLa);
  if (&agency == parties.police_force) roles.insert(policy::Role::kPoliceForce);
  if (&agency == parties.provider) roles.insert(policy::Role::kCommissionedProvider);
  return roles;
}

std::vector<Route> RouteEvent(const model::Event& event, const Agency& sender,
                              const Parties& parties) {
  std::vector<Route> routes;
  const auto add = [&](const Agency* recipient, EventKind kind) {
    if (recipient == nullptr || recipient == &sender) return;
    for (const Route& r : routes) {
      if (r.recipient == recipient && r.kind == kind) return;
    }
    routes.push_back(Route{recipient, RolesOf(*recipient, parties), kind});
  };
  switch (event.kind) {
    case EventKind::kMissingReported:
    case EventKind::kRiskReviewed:
    case EventKind::kClosed:
      add(parties.host_la, event.kind);
      add(parties.placing_la, event.kind);
      break;
    case EventKind::kFound:
      add(parties.host_la, event.kind);
      add(parties.placing_la, event.kind);
      add(parties.provider, EventKind::kRhiReferred);
      break;
    case EventKind::kPlacementNotified:
      add(parties.host_la, event.kind);
      break;
    case EventKind::kRhiReferred:
      add(parties.provider, event.kind);
      break;
    case EventKind::kRhiRecorded:
      add(parties.host_la, event.kind);
      add(parties.placing_la, event.kind);
      add(parties.police_force, event.kind);
      break;
    case EventKind::kEscalation:
      add(parties.host_la, event.kind);
      add(parties.placing_la, event.kind);
      break;
  }
  return routes;
}

}  // namespace isagw::pipeline
