// Router: which agencies must hear of an event, and in which role. Pure:
// it reads the event, the registry and what the gateway already knows of
// the child (a placing authority's claim); it decides nothing about what
// may be shared — every copy it names still goes through the ISAs.
//
//   police missing / risk / found / closed -> host LA, placing LA
//   police found                           -> also an RHI referral to the
//                                             host LA's commissioned provider
//   placement notification (placing LA)    -> host LA
//   RHI referral (host LA)                 -> commissioned provider
//   RHI record (provider)                  -> host LA, placing LA, police force
//   escalation                             -> host LA, placing LA
//
// The host LA is the council whose postcode districts hold the child's
// placement, else home, else last-seen location, else the council a
// council message is addressed to (ToLA), else the one council of the
// reporting force's area that the registry knows.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/model/event.h"
#include "gateway/policy/role.h"
#include "gateway/registry/agency_registry.h"

namespace isagw::pipeline {

// What the gateway knows of the child beyond this message.
struct ChildContext {
  std::optional<std::string> placing_la;  // agency id, from a placement notification
  std::optional<std::string> host_la;     // agency id
};

// The agencies concerned with one event, each resolved from the registry
// (absent when the registry has no such agency).
struct Parties {
  const registry::Agency* host_la = nullptr;
  const registry::Agency* placing_la = nullptr;  // only when it differs from the host
  const registry::Agency* police_force = nullptr;
  const registry::Agency* provider = nullptr;
};

Parties ResolveParties(const model::Event& event, const registry::AgencyRegistry& registry,
                       const ChildContext& child);

// The roles `agency` holds for this event.
std::set<policy::Role> RolesOf(const registry::Agency& agency, const Parties& parties);

// One copy to make: the recipient, its roles, and the kind of event it
// receives (a found record reaches the provider as an RHI referral).
struct Route {
  const registry::Agency* recipient = nullptr;
  std::set<policy::Role> roles;
  model::EventKind kind = model::EventKind::kMissingReported;
};

std::vector<Route> RouteEvent(const model::Event& event, const registry::Agency& sender,
                              const Parties& parties);

}  // namespace isagw::pipeline
