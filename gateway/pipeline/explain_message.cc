#include "gateway/pipeline/explain_message.h"

#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "adapters/canonical/canonical.h"
#include "adapters/translator.h"
#include "gateway/pipeline/router.h"
#include "gateway/policy/engine.h"
#include "gateway/policy/role.h"

namespace isagw::pipeline {
namespace {

// The request's reasons are `isagw policy explain`'s words too: it prints
// "--host-la: <value> <reason>", so each reads on after the value.

// The agency `id` names, or nullptr after noting why not at `pointer`.
const registry::Agency* FindAgency(const registry::AgencyRegistry& registry, const std::string& id,
                                   const char* pointer, FieldErrors& errors) {
  const registry::Agency* agency = registry.FindById(id);
  if (agency == nullptr)
    errors.push_back({pointer, "unknown_agency", "is not an agency in the registry"});
  return agency;
}

// `id` if it names a local authority (nullopt when empty: none known);
// otherwise nullopt after noting why at `pointer`.
std::optional<std::string> CouncilId(const registry::AgencyRegistry& registry,
                                     const std::string& id, const char* pointer,
                                     FieldErrors& errors) {
  if (id.empty()) return std::nullopt;
  const registry::Agency* agency = registry.FindById(id);
  if (agency == nullptr || agency->kind != registry::AgencyKind::kLocalAuthority) {
    errors.push_back({pointer, "not_local_authority", "is not a local authority in the registry"});
    return std::nullopt;
  }
  return id;
}

std::set<policy::Role> RolesNamed(const std::vector<std::string>& names, FieldErrors& errors) {
  std::set<policy::Role> roles;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (auto role = policy::kRoleNames.Find(names[i])) {
      roles.insert(*role);
    } else {
      errors.push_back(
          {JoinPointer("/as_roles", std::to_string(i)), "enum",
           "is not a role (police_force, host_la, placing_la, commissioned_provider)"});
    }
  }
  return roles;
}

// The instant an event speaks of: when it was reported, last seen or sent.
std::optional<model::Timestamp> EventTime(const model::Event& event) {
  if (event.episode.reported_at) return event.episode.reported_at;
  if (event.episode.last_seen_at) return event.episode.last_seen_at;
  if (event.rhi && event.rhi->completed_at) return event.rhi->completed_at;
  return event.header.sent_at;
}

std::string IdOf(const registry::Agency* agency) { return agency == nullptr ? "" : agency->id; }

}  // namespace

Result<ExplainResult, Problem> ExplainMessage(const registry::AgencyRegistry& registry,
                                              const policy::PolicySet& policies,
                                              const policy::KeyProvider& keys,
                                              const ExplainRequest& request, model::Timestamp now) {
  // Every mistake is gathered before refusing, the message's too, so that
  // a form shows them all at once rather than one per attempt.
  FieldErrors errors;
  const registry::Agency* sender = FindAgency(registry, request.from, "/from", errors);
  const registry::Agency* recipient = FindAgency(registry, request.to, "/to", errors);
  auto host_la = CouncilId(registry, request.host_la, "/host_la", errors);
  auto placing_la = CouncilId(registry, request.placing_la, "/placing_la", errors);
  const ChildContext known{std::move(placing_la), std::move(host_la)};
  const std::set<policy::Role> as_roles = RolesNamed(request.as_roles, errors);
  auto decoded = adapters::DecodeAs(request.format, request.message, {});
  if (!decoded.ok()) {
    for (FieldError error : std::move(decoded).error()) {
      error.pointer.insert(0, kMessagePointer);
      errors.push_back(std::move(error));
    }
  }
  if (!errors.empty()) return Fail(InvalidMessage(std::move(errors)));
  const model::Event& event = decoded->event;

  // Roles and the kind the recipient would receive, exactly as the router
  // decides them, from the message and what the request says the gateway
  // would know of the episode.
  const Parties parties = ResolveParties(event, registry, known);
  ExplainResult result;
  result.host_la = IdOf(parties.host_la);
  result.placing_la = IdOf(parties.placing_la);
  nlohmann::json document = adapters::canonical::ToJson(event);
  policy::Party to{recipient->id, RolesOf(*recipient, parties)};
  bool routed = false;
  for (const Route& route : RouteEvent(event, *sender, parties)) {
    if (route.recipient == recipient) {
      routed = true;
      to.roles = route.roles;
      document["kind"] = std::string(*model::kEventKindNames.Name(route.kind));
    }
  }
  if (!as_roles.empty()) {
    to.roles = as_roles;
    result.notes.push_back({ExplainNoteKind::kRolesGiven, "explaining with " + recipient->id +
                                                              " in the role(s) given by as_roles"});
  } else if (!routed) {
    result.notes.push_back(
        {ExplainNoteKind::kNotRouted, "the router would not send this message to " + recipient->id +
                                          "; explaining as if it did"});
    if (parties.host_la == nullptr) {
      result.notes.push_back(
          {ExplainNoteKind::kNoHostCouncil,
           "no host council follows from the message alone; a running gateway takes it from the "
           "stored episode: give host_la (and placing_la), or as_roles"});
    }
  }
  const policy::Party from{sender->id, RolesOf(*sender, parties)};
  if (from.roles.empty()) {
    result.notes.push_back(
        {ExplainNoteKind::kSenderHasNoRole,
         sender->id + " has no role for this message" +
             (parties.host_la == nullptr ? " (no host council is known: give host_la)" : "")});
  }

  const model::Timestamp at = request.at ? *request.at : EventTime(event).value_or(now);
  result.decision = policy::Decide(policies, document, from, to, at);
  if (result.decision.allowed) {
    // Redact refuses only a refused decision, which this is not.
    auto redacted = policy::Redact(document, result.decision, keys);
    if (redacted.ok()) result.copy = std::move(*redacted);
  }
  return result;
}

}  // namespace isagw::pipeline
