#include "gateway/cli/policy_command.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "adapters/canonical/canonical.h"
#include "adapters/translator.h"
#include "gateway/common/problem.h"
#include "gateway/pipeline/router.h"
#include "gateway/policy/engine.h"
#include "gateway/policy/explain.h"
#include "gateway/policy/key_provider.h"
#include "gateway/policy/loader.h"
#include "gateway/policy/policy_error.h"
#include "gateway/policy/redactor.h"
#include "gateway/registry/registry_loader.h"

namespace isagw::cli {
namespace {

constexpr int kRefused = 2;

// The registry's agencies, or nullopt after printing why it did not load.
std::optional<registry::AgencyRegistry> LoadRegistry(const std::string& path, std::ostream& err) {
  auto loaded = registry::LoadAgencyRegistry(path);
  if (!loaded.ok()) {
    err << "the agency registry " << path << " did not load:\n";
    for (const auto& e : loaded.error()) err << "  " << e.ToString() << '\n';
    return std::nullopt;
  }
  return std::move(*loaded);
}

// `id` if it names a local authority in the registry (or is empty);
// nullopt after saying why not.
std::optional<std::optional<std::string>> CouncilId(const std::string& id, std::string_view option,
                                                    const registry::AgencyRegistry& registry,
                                                    std::ostream& err) {
  if (id.empty()) return std::optional<std::string>();
  const registry::Agency* agency = registry.FindById(id);
  if (agency == nullptr || agency->kind != registry::AgencyKind::kLocalAuthority) {
    err << option << ": " << id << " is not a local authority in the registry\n";
    return std::nullopt;
  }
  return std::optional<std::string>(id);
}

// The roles named by --as, or nullopt after naming one that is not a role.
std::optional<std::set<policy::Role>> RolesNamed(const std::vector<std::string>& names,
                                                 std::ostream& err) {
  std::set<policy::Role> roles;
  for (const std::string& name : names) {
    auto role = policy::kRoleNames.Find(name);
    if (!role) {
      err << "--as: " << name
          << " is not a role (police_force, host_la, placing_la, commissioned_provider)\n";
      return std::nullopt;
    }
    roles.insert(*role);
  }
  return roles;
}

std::set<std::string> AgencyIds(const registry::AgencyRegistry& registry) {
  std::set<std::string> ids;
  for (const auto& agency : registry.agencies()) ids.insert(agency.id);
  return ids;
}

// The instant an event speaks of: when it was reported, last seen or sent.
std::optional<model::Timestamp> EventTime(const model::Event& event) {
  if (event.episode.reported_at) return event.episode.reported_at;
  if (event.episode.last_seen_at) return event.episode.last_seen_at;
  if (event.rhi && event.rhi->completed_at) return event.rhi->completed_at;
  return event.header.sent_at;
}

}  // namespace

int RunPolicyCheck(const PolicyCheckArgs& args, std::ostream& out, std::ostream& err) {
  auto registry = LoadRegistry(args.registry, err);
  if (!registry) return kRefused;
  auto loaded = policy::LoadPolicySet(args.dir, AgencyIds(*registry));
  if (!loaded.ok()) {
    err << args.dir << ": " << loaded.error().size() << " error(s); nothing was applied\n";
    for (const auto& e : loaded.error()) err << "  " << policy::Describe(e) << '\n';
    return kRefused;
  }
  out << args.dir << ": valid, " << loaded->agreements().size() << " ISA(s), "
      << loaded->flows().size() << " flow(s), " << loaded->hash() << '\n';
  for (const auto& isa : loaded->agreements()) out << "  " << isa.id << '\n';
  for (const auto& notice : loaded->notices())
    out << "  notice: " << policy::Describe(notice) << '\n';
  return 0;
}

int RunPolicyExplain(const PolicyExplainArgs& args, std::istream& in, std::ostream& out,
                     std::ostream& err) {
  auto registry = LoadRegistry(args.registry, err);
  if (!registry) return kRefused;
  auto policies = policy::LoadPolicySet(args.policies, AgencyIds(*registry));
  if (!policies.ok()) {
    for (const auto& e : policies.error()) err << policy::Describe(e) << '\n';
    return kRefused;
  }
  policy::KeyRing no_keys;
  policy::KeyRing keys;
  if (!args.keys.empty()) {
    auto loaded = policy::LoadKeyDirectory(args.keys);
    if (!loaded.ok()) {
      for (const auto& e : loaded.error()) err << policy::Describe(e) << '\n';
      return kRefused;
    }
    keys = std::move(*loaded);
  }

  const registry::Agency* sender = registry->FindById(args.from);
  const registry::Agency* recipient = registry->FindById(args.to);
  if (sender == nullptr || recipient == nullptr) {
    err << "unknown agency: " << (sender == nullptr ? args.from : args.to) << '\n';
    return kRefused;
  }
  const auto format = adapters::ParseFormat(args.format);
  if (!format) {
    err << "--format must be one of compact, council-xml, rhi, canonical\n";
    return kRefused;
  }
  const auto host_la = CouncilId(args.host_la, "--host-la", *registry, err);
  const auto placing_la = CouncilId(args.placing_la, "--placing-la", *registry, err);
  const auto as_roles = RolesNamed(args.as_roles, err);
  if (!host_la || !placing_la || !as_roles) return kRefused;

  std::string input;
  if (args.file.empty() || args.file == "-") {
    input.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(args.file, std::ios::binary);
    if (!file) {
      err << "cannot read " << args.file << '\n';
      return kRefused;
    }
    input.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  auto decoded = adapters::DecodeAs(*format, input, {});
  if (!decoded.ok()) {
    err << InvalidMessage(std::move(decoded).error()).ToJsonText() << '\n';
    return kRefused;
  }
  const model::Event& event = decoded->event;

  model::Timestamp at =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!args.at.empty()) {
    auto parsed = model::ParseRfc3339(args.at);
    if (!parsed) {
      err << "--at must be an RFC 3339 instant\n";
      return kRefused;
    }
    at = *parsed;
  } else if (auto when = EventTime(event)) {
    at = *when;
  }

  // Roles and the kind the recipient would receive, exactly as the router
  // decides them, from the message and what --host-la and --placing-la say
  // the gateway would know of the episode.
  const pipeline::ChildContext known{*placing_la, *host_la};
  const pipeline::Parties parties = pipeline::ResolveParties(event, *registry, known);
  nlohmann::json document = adapters::canonical::ToJson(event);
  policy::Party to{recipient->id, pipeline::RolesOf(*recipient, parties)};
  bool routed = false;
  for (const auto& route : pipeline::RouteEvent(event, *sender, parties)) {
    if (route.recipient == recipient) {
      routed = true;
      to.roles = route.roles;
      document["kind"] = std::string(*model::kEventKindNames.Name(route.kind));
    }
  }
  if (!as_roles->empty()) {
    to.roles = *as_roles;
    err << "note: explaining with " << recipient->id << " in the role(s) given by --as\n";
  } else if (!routed) {
    err << "note: the router would not send this message to " << recipient->id
        << "; explaining as if it did\n";
    if (parties.host_la == nullptr) {
      err << "note: no host council follows from the message alone; a running gateway takes it "
             "from the stored episode: give --host-la (and --placing-la), or --as\n";
    }
  }
  const policy::Party from{sender->id, pipeline::RolesOf(*sender, parties)};
  if (from.roles.empty()) {
    err << "note: " << sender->id << " has no role for this message"
        << (parties.host_la == nullptr ? " (no host council is known: give --host-la)" : "")
        << '\n';
  }
  const policy::Decision decision = policy::Decide(*policies, document, from, to, at);

  std::optional<policy::RedactedCopy> copy;
  if (decision.allowed) {
    auto redacted = policy::Redact(document, decision, args.keys.empty() ? no_keys : keys);
    if (redacted.ok()) copy = std::move(*redacted);
  }
  if (args.json) {
    out << policy::ExplainJson(decision, copy ? &*copy : nullptr).dump(2) << '\n';
  } else {
    out << policy::ExplainTable(decision);
    if (copy) {
      for (const auto& withheld : copy->withheld) {
        out << "withheld at redaction: " << withheld.pointer << " (" << withheld.reason << ")\n";
      }
    }
  }
  return decision.allowed ? 0 : 1;
}

}  // namespace isagw::cli
