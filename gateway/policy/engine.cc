#include "gateway/policy/engine.h"

#include <algorithm>

#include "gateway/common/field_error.h"
#include "gateway/model/event.h"
#include "gateway/policy/canonical_fields.h"
#include "gateway/policy/transforms.h"

namespace isagw::policy {
namespace {

// Lower is more restrictive (see engine.h).
int Rank(Fate fate) {
  switch (fate) {
    case Fate::kDropped:
      return 0;
    case Fate::kWithheldCondition:
      return 1;
    case Fate::kNoRule:
      return 2;
    case Fate::kPseudonymised:
      return 3;
    case Fate::kGeneralised:
      return 4;
    case Fate::kMasked:
      return 5;
    case Fate::kSent:
      return 6;
  }
  return 0;
}

Fate FateOf(Action action) {
  switch (action) {
    case Action::kAllow:
      return Fate::kSent;
    case Action::kDrop:
      return Fate::kDropped;
    case Action::kMask:
      return Fate::kMasked;
    case Action::kGeneralise:
      return Fate::kGeneralised;
    case Action::kPseudonymise:
      return Fate::kPseudonymised;
  }
  return Fate::kDropped;
}

// What the conditions read from the message, worked out once.
struct MessageFacts {
  bool consent_police = false;
  bool consent_placing_authority = false;
  bool consent_health = false;
  bool consent_overridden = false;
  bool exploitation_indicators = false;
  std::optional<model::RiskLevel> risk;
};

const nlohmann::json* Member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool IsTrue(const nlohmann::json* value) {
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

MessageFacts ReadFacts(const nlohmann::json& event) {
  MessageFacts facts;
  if (const auto* rhi = Member(event, "rhi")) {
    if (const auto* consent = Member(*rhi, "consent")) {
      facts.consent_police = IsTrue(Member(*consent, "police"));
      facts.consent_placing_authority = IsTrue(Member(*consent, "placing_authority"));
      facts.consent_health = IsTrue(Member(*consent, "health"));
      const auto* reason = Member(*consent, "overridden_reason");
      facts.consent_overridden = reason != nullptr && reason->is_string() &&
                                 !reason->get_ref<const std::string&>().empty();
    }
    if (const auto* indicators = Member(*rhi, "exploitation_indicators")) {
      facts.exploitation_indicators = indicators->is_array() && !indicators->empty();
    }
  }
  if (const auto* episode = Member(event, "episode")) {
    if (const auto* flags = Member(*episode, "exploitation"); flags && flags->is_object()) {
      for (const auto& [name, value] : flags->items()) {
        if (value.is_boolean() && value.get<bool>()) facts.exploitation_indicators = true;
      }
    }
    if (const auto* risk = Member(*episode, "risk")) {
      if (const auto* level = Member(*risk, "level"); level && level->is_string()) {
        facts.risk = model::kRiskLevelNames.Find(level->get_ref<const std::string&>());
      }
    }
  }
  return facts;
}

std::optional<model::Timestamp> TimestampAt(const nlohmann::json& event, const char* object,
                                            const char* key) {
  const auto* parent = Member(event, object);
  const auto* value = parent ? Member(*parent, key) : nullptr;
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return model::ParseRfc3339(value->get_ref<const std::string&>());
}

// The roles a party holds for this message AND may act in under this ISA.
std::set<Role> EffectiveRoles(const InformationSharingAgreement& isa, const Party& party) {
  std::set<Role> roles;
  const IsaParty* declared = isa.FindParty(party.agency_id);
  if (declared == nullptr) return roles;
  for (Role role : party.roles) {
    if (declared->roles.count(role)) roles.insert(role);
  }
  return roles;
}

bool Selects(const std::vector<PartySelector>& selectors, const std::string& agency_id,
             const std::set<Role>& roles) {
  return std::any_of(selectors.begin(), selectors.end(), [&](const PartySelector& s) {
    return s.role ? roles.count(*s.role) > 0 : s.agency_id == agency_id;
  });
}

// The first condition of `when` that does not hold, or nullopt.
std::optional<std::string_view> FailedCondition(const Conditions& when, const MessageFacts& facts,
                                                const std::set<Role>& recipient_roles) {
  if (when.consent) {
    bool given = facts.consent_overridden;
    switch (*when.consent) {
      case ConsentFor::kPolice:
        given = given || facts.consent_police;
        break;
      case ConsentFor::kPlacingAuthority:
        given = given || facts.consent_placing_authority;
        break;
      case ConsentFor::kHealth:
        given = given || facts.consent_health;
        break;
      case ConsentFor::kRecipient:
        given = given || (recipient_roles.count(Role::kPoliceForce) && facts.consent_police) ||
                (recipient_roles.count(Role::kPlacingLa) && facts.consent_placing_authority);
        break;
    }
    if (!given) return "consent";
  }
  if (when.exploitation_indicators_present && !facts.exploitation_indicators) {
    return "exploitation_indicators_present";
  }
  if (when.risk_at_least && (!facts.risk || *facts.risk < *when.risk_at_least)) {
    return "risk_at_least";
  }
  if (!when.recipient_role.empty() &&
      std::none_of(when.recipient_role.begin(), when.recipient_role.end(),
                   [&](Role role) { return recipient_roles.count(role) > 0; })) {
    return "recipient_role";
  }
  return std::nullopt;
}

struct MatchedFlow {
  const PolicySet::CompiledFlow* compiled;
  const InformationSharingAgreement* isa;
  const Flow* flow;
  std::set<Role> recipient_roles;
};

// Shared state of one walk over the document.
struct Walk {
  const std::vector<MatchedFlow>& flows;
  const MessageFacts& facts;
  std::vector<FieldDecision>& out;
};

// The rule one flow applies to a field, chosen before any string is made:
// most of a message's fields are decided in every flow, and only the
// winner across flows becomes a FieldDecision.
struct Choice {
  const MatchedFlow* flow = nullptr;
  const FieldRule* rule = nullptr;  // nullptr: no rule for the field in this flow
  Fate fate = Fate::kNoRule;
  std::optional<std::string_view> failed;  // the condition that did not hold
};

// The fate one flow gives canonical field `field`.
Choice DecideInFlow(const MatchedFlow& matched, std::size_t field, const MessageFacts& facts) {
  Choice best;
  best.flow = &matched;
  bool best_conditional = false;
  for (std::uint16_t index : matched.compiled->rules_by_field[field]) {
    const FieldRule& rule = matched.flow->rules[index];
    Choice candidate;
    candidate.flow = &matched;
    candidate.rule = &rule;
    candidate.failed = FailedCondition(rule.when, facts, matched.recipient_roles);
    candidate.fate = candidate.failed ? Fate::kWithheldCondition : FateOf(rule.action);
    // On a tie, a rule whose condition held is the better citation (it is
    // the narrower rule); otherwise the earlier rule in the file.
    const bool narrower = !rule.when.Empty() && !best_conditional;
    if (best.rule == nullptr || Rank(candidate.fate) < Rank(best.fate) ||
        (Rank(candidate.fate) == Rank(best.fate) && narrower)) {
      best = candidate;
      best_conditional = !rule.when.Empty();
    }
  }
  return best;
}

void DecideLeaf(Walk& walk, std::string pointer, std::size_t field) {
  Choice best;
  for (const MatchedFlow& matched : walk.flows) {
    const Choice candidate = DecideInFlow(matched, field, walk.facts);
    if (best.flow == nullptr || Rank(candidate.fate) < Rank(best.fate)) best = candidate;
  }
  FieldDecision decision;
  decision.pointer = std::move(pointer);
  decision.path = CanonicalFields()[field].path;
  decision.fate = best.fate;
  if (best.rule == nullptr) {
    decision.note = "no rule in " + best.flow->flow->clause;
  } else {
    decision.clause = best.rule->clause;
    decision.isa_id = best.flow->isa->id;
    if (best.failed) {
      decision.note = std::string(*best.failed);
    } else {
      decision.mask = best.rule->mask;
      decision.generalise = best.rule->generalise;
    }
  }
  walk.out.push_back(std::move(decision));
}

void NotSent(Walk& walk, std::string pointer, std::string note) {
  FieldDecision decision;
  decision.pointer = std::move(pointer);
  decision.fate = Fate::kNoRule;
  decision.note = std::move(note);
  walk.out.push_back(std::move(decision));
}

// A key that is not a canonical field is reported by name only if it
// looks like a field name: a key is sender input and may hold anything.
std::string SafeKey(const std::string& key) {
  if (key.empty() || key.size() > 64) return "<unknown>";
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return "<unknown>";
  }
  return key;
}

void WalkNode(Walk& walk, const nlohmann::json& value, int node_index, const std::string& pointer) {
  const CanonicalNode& node = CanonicalTree()[static_cast<std::size_t>(node_index)];
  switch (node.shape) {
    case CanonicalNode::Shape::kLeaf:
      if (value.is_string() || value.is_number() || value.is_boolean()) {
        DecideLeaf(walk, pointer, static_cast<std::size_t>(node.field));
      } else {
        NotSent(walk, pointer, "not the shape the canonical model gives this field");
      }
      return;
    case CanonicalNode::Shape::kArray: {
      if (!value.is_array()) {
        NotSent(walk, pointer, "not the shape the canonical model gives this field");
        return;
      }
      const int element = node.Child("[]");
      for (std::size_t i = 0; i < value.size(); ++i) {
        WalkNode(walk, value[i], element, pointer + "/" + std::to_string(i));
      }
      return;
    }
    case CanonicalNode::Shape::kObject: {
      if (!value.is_object()) {
        NotSent(walk, pointer, "not the shape the canonical model gives this field");
        return;
      }
      for (const auto& [key, member] : value.items()) {
        if (node_index == 0 && (key == "model" || key == "kind")) continue;
        const int child = node.Child(key);
        if (child < 0) {
          NotSent(walk, JoinPointer(pointer, SafeKey(key)), "not a field of the canonical model");
          continue;
        }
        WalkNode(walk, member, child, JoinPointer(pointer, key));
      }
      return;
    }
  }
}

Decision Refuse(Decision decision, std::string code, std::string reason) {
  decision.allowed = false;
  decision.refusal = std::move(code);
  decision.refusal_reason = std::move(reason);
  decision.fields.clear();
  decision.flows.clear();
  return decision;
}

}  // namespace

Decision Decide(const PolicySet& policies, const nlohmann::json& event, const Party& sender,
                const Party& recipient, model::Timestamp now) {
  Decision decision;
  decision.sender = sender.agency_id;
  decision.recipient = recipient.agency_id;
  decision.decided_at = now;
  decision.age_reference = now;
  decision.policy_set_hash = policies.hash();

  const auto* model_id = Member(event, "model");
  if (model_id == nullptr || !model_id->is_string() || *model_id != model::kModelId) {
    return Refuse(std::move(decision), "not_canonical",
                  "the message is not a canonical event (model isagw.canonical/1)");
  }
  const auto* kind_name = Member(event, "kind");
  std::optional<model::EventKind> kind;
  if (kind_name != nullptr && kind_name->is_string()) {
    kind = model::kEventKindNames.Find(kind_name->get_ref<const std::string&>());
  }
  if (!kind) return Refuse(std::move(decision), "unknown_kind", "the event kind is not known");
  decision.kind = std::string(*model::kEventKindNames.Name(*kind));

  const model::Date today = UkDate(now);
  std::vector<MatchedFlow> matched;
  std::string inactive_isa;
  IsaStatus inactive_status = IsaStatus::kInForce;
  for (const auto& compiled : policies.flows()) {
    const InformationSharingAgreement& isa = policies.agreements()[compiled.isa];
    const Flow& flow = policies.FlowOf(compiled);
    if (flow.events.count(*kind) == 0) continue;
    const std::set<Role> sender_roles = EffectiveRoles(isa, sender);
    if (isa.FindParty(sender.agency_id) == nullptr ||
        !Selects(flow.from, sender.agency_id, sender_roles)) {
      continue;
    }
    std::set<Role> recipient_roles = EffectiveRoles(isa, recipient);
    if (isa.FindParty(recipient.agency_id) == nullptr ||
        !Selects(flow.to, recipient.agency_id, recipient_roles)) {
      continue;
    }
    const IsaStatus status = StatusOn(isa, today);
    if (status != IsaStatus::kInForce) {
      if (inactive_isa.empty()) {
        inactive_isa = isa.id;
        inactive_status = status;
      }
      continue;
    }
    matched.push_back({&compiled, &isa, &flow, std::move(recipient_roles)});
  }
  if (matched.empty()) {
    if (!inactive_isa.empty()) {
      const std::string status(*kIsaStatusNames.Name(inactive_status));
      return Refuse(std::move(decision), "isa_" + status,
                    "the only ISA with a flow from " + sender.agency_id + " to " +
                        recipient.agency_id + " for " + decision.kind + " (" + inactive_isa +
                        ") is " +
                        (inactive_status == IsaStatus::kNotYetValid ? "not yet valid"
                         : inactive_status == IsaStatus::kExpired   ? "expired"
                                                                    : "not signed by "
                                                                      "every party"));
    }
    return Refuse(std::move(decision), "no_flow",
                  "no ISA in force has a flow from " + sender.agency_id + " to " +
                      recipient.agency_id + " for " + decision.kind);
  }

  decision.allowed = true;
  for (const MatchedFlow& m : matched) {
    decision.flows.push_back({m.isa->id, m.flow->clause, m.flow->purpose});
  }
  if (auto seen = TimestampAt(event, "episode", "last_seen_at")) {
    decision.age_reference = *seen;
  } else if (auto sent = TimestampAt(event, "header", "sent_at")) {
    decision.age_reference = *sent;
  }
  const MessageFacts facts = ReadFacts(event);
  decision.fields.reserve(64);  // a police record has some 40 fields: no regrowth
  Walk walk{matched, facts, decision.fields};
  WalkNode(walk, event, 0, "");
  return decision;
}

}  // namespace isagw::policy
