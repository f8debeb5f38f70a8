#include "gateway/pipeline/ingest_pipeline.h"

#include <sodium.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "adapters/canonical/canonical.h"
#include "adapters/translator.h"
#include "gateway/audit/audit_entries.h"
#include "gateway/audit/child_pseudonym.h"
#include "gateway/audit/disclosure_entry.h"
#include "gateway/common/hex.h"
#include "gateway/common/problem.h"
#include "gateway/delivery/non_delivery_notice.h"
#include "gateway/pipeline/episode_snapshot.h"
#include "gateway/pipeline/router.h"
#include "gateway/policy/engine.h"
#include "gateway/policy/redactor.h"
#include "gateway/safeguarding/timer_plan.h"

namespace isagw::pipeline {
namespace {

using model::EventKind;
using nlohmann::json;
using registry::Agency;
using registry::AgencyKind;

std::string KindName(EventKind kind) { return std::string(*model::kEventKindNames.Name(kind)); }
std::string FormatName(adapters::Format f) { return std::string(*adapters::kFormatNames.Name(f)); }

bool IsPoliceRecord(EventKind kind) {
  return kind == EventKind::kMissingReported || kind == EventKind::kRiskReviewed ||
         kind == EventKind::kFound || kind == EventKind::kClosed;
}

// What each kind of agency may originate.
bool MaySend(AgencyKind agency, EventKind kind) {
  switch (agency) {
    case AgencyKind::kPoliceForce:
      return IsPoliceRecord(kind);
    case AgencyKind::kLocalAuthority:
      return kind == EventKind::kPlacementNotified || kind == EventKind::kRhiReferred ||
             kind == EventKind::kEscalation;
    case AgencyKind::kProvider:
      return kind == EventKind::kRhiRecorded;
  }
  return false;
}

IngestAnswer ProblemAnswer(Problem problem) {
  IngestAnswer answer;
  answer.status = problem.status;
  answer.body = problem.ToJson();
  return answer;
}

Problem MakeProblem(const char* type, const char* title, int status, std::string detail,
                    FieldErrors errors = {}) {
  Problem p;
  p.type = type;
  p.title = title;
  p.status = status;
  p.detail = std::move(detail);
  p.errors = std::move(errors);
  return p;
}

Problem Forbidden(std::string detail, FieldErrors errors = {}) {
  return MakeProblem(problem_type::kForbidden, "Forbidden", 403, std::move(detail),
                     std::move(errors));
}

Problem Unavailable() {
  return MakeProblem(problem_type::kUnavailable, "Service unavailable", 503,
                     "the message could not be stored; nothing was accepted, try again later");
}

// A stored 202 answer, replayed as it was first given.
IngestAnswer Replay(const std::string& answer_json) {
  IngestAnswer answer;
  answer.body = json::parse(answer_json, nullptr, /*allow_exceptions=*/false);
  if (answer.body.is_discarded() || !answer.body.is_object()) return ProblemAnswer(Unavailable());
  answer.status = 202;
  if (answer.body.contains("message_id") && answer.body["message_id"].is_string()) {
    answer.message_id = answer.body["message_id"].get<std::string>();
  }
  return answer;
}

// Where the sender's own identity field sits in each format.
std::string ForceCodePointer(adapters::Format format) {
  switch (format) {
    case adapters::Format::kCompact:
      return "/ForceCode";
    case adapters::Format::kCouncilXml:
      return "/CouncilEvent/Header/ForceCode";
    default:
      return "/episode/force_code";
  }
}
std::string FromLaPointer(adapters::Format format) {
  switch (format) {
    case adapters::Format::kCouncilXml:
      return "/CouncilEvent/Header/FromLA";
    default:
      return "/header/from_la";
  }
}

FieldErrors SenderMismatches(const Agency& agency, adapters::Format format,
                             const model::Event& event) {
  FieldErrors errors;
  if (agency.kind == AgencyKind::kPoliceForce && event.episode.force_code &&
      *event.episode.force_code != agency.force_code) {
    errors.push_back({ForceCodePointer(format), "sender_mismatch",
                      "the force code is not the sending agency's own"});
  }
  if (agency.kind == AgencyKind::kLocalAuthority && event.header.from_la &&
      *event.header.from_la != agency.la_number) {
    errors.push_back({FromLaPointer(format), "sender_mismatch",
                      "the sending LA number is not the sending agency's own"});
  }
  return errors;
}

// How the store keeps a copy for `agency`: pushed, or left in its mailbox.
store::DeliveryMode StoreModeOf(const Agency& agency) {
  return agency.delivery == registry::DeliveryMode::kPush ? store::DeliveryMode::kPush
                                                          : store::DeliveryMode::kMailbox;
}

// Removes the value at `pointer`, then any object or array left empty
// above it (the canonical form omits empty containers).
void ErasePointer(json& document, const std::string& pointer) {
  try {
    json::json_pointer ptr(pointer);
    while (!ptr.empty()) {
      const json::json_pointer parent = ptr.parent_pointer();
      if (!document.contains(ptr)) return;
      json& container = document[parent];
      const std::string last = ptr.back();
      if (container.is_object()) {
        container.erase(last);
      } else if (container.is_array()) {
        container.erase(static_cast<std::size_t>(std::stoul(last)));
      } else {
        return;
      }
      if (!container.empty() || parent.empty()) return;
      ptr = parent;
    }
  } catch (const std::exception&) {
    // A pointer the canonical decoder gave us is well-formed; if not, the
    // value stays and the second decode refuses the copy.
  }
}

// True when every error is a field's ("not_representable" at a pointer
// the copy holds): those fields can be withheld and the rest sent.
bool EveryErrorNamesAField(const FieldErrors& errors, const json& copy) {
  for (const FieldError& e : errors) {
    if (e.code != "not_representable" || e.pointer.empty() || e.pointer == "/kind") return false;
    try {
      if (!copy.contains(json::json_pointer(e.pointer))) return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return !errors.empty();
}

// Takes the fields `errors` name out of a recipient's `copy` (in reverse
// order of their pointers, so a field goes before its container), lists
// each as withheld because it is not representable, and reads what is left
// back into the typed model. Used when the canonical model cannot hold a
// redacted value and when the recipient's format has no place for a field:
// either way the field is withheld rather than the whole copy refused.
// JSON Pointer order with array indices compared as numbers: "/a/10"
// comes after "/a/9". Erasing in the reverse of this order removes later
// array elements first, so earlier indices still name what they named.
bool PointerBefore(std::string_view a, std::string_view b) {
  const auto is_index = [](std::string_view t) {
    return !t.empty() &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  while (!a.empty() && !b.empty()) {
    a.remove_prefix(1);  // the '/'
    b.remove_prefix(1);
    const std::string_view ta = a.substr(0, a.find('/'));
    const std::string_view tb = b.substr(0, b.find('/'));
    if (ta != tb) {
      if (is_index(ta) && is_index(tb) && ta.size() != tb.size()) return ta.size() < tb.size();
      return ta < tb;
    }
    a.remove_prefix(ta.size());
    b.remove_prefix(tb.size());
  }
  return a.empty() && !b.empty();
}

Result<adapters::Decoded, FieldErrors> WithholdUnrepresentable(
    FieldErrors errors, json& copy, std::vector<audit::WithheldField>& withheld,
    std::set<std::string>& not_sendable) {
  std::sort(errors.begin(), errors.end(), [](const FieldError& a, const FieldError& b) {
    return PointerBefore(b.pointer, a.pointer);
  });
  for (const FieldError& e : errors) {
    ErasePointer(copy, e.pointer);
    withheld.push_back({e.pointer, "withheld_at_redaction", "", "not_representable"});
    not_sendable.insert(e.pointer);
  }
  return adapters::canonical::FromJson(copy, {}, adapters::canonical::Checks::kShape);
}

// One recipient's outcome, while the acceptance is being built.
struct Copy {
  json answer;  // the recipient's entry in the answer
  store::Delivery delivery;
  audit::DisclosureEntry disclosure;
};

struct NotSent {
  std::string agency;
  std::string reason;
  std::string detail;
};

// Everything one attempt decided, before commit.
struct Prepared {
  std::optional<IngestAnswer> early;  // replay, stale or a problem: nothing to commit
  store::Acceptance acceptance;
  json answer;  // acceptance.message.answer_json as a document: the 202 body
};

// A safeguarding timer being fired: the escalation goes to the rule's
// audience on the host LA's behalf, and its commit marks the timer fired.
struct Firing {
  std::string timer_id;
  safeguarding::TimerSpec spec;
  store::EpisodeRecord episode;
};

class Attempt {
 public:
  Attempt(store::Store& store, const GatewayState& state, const IngestRequest& request,
          const Agency& sender, const adapters::Decoded& decoded, std::string message_id,
          const Firing* firing = nullptr)
      : store_(store),
        state_(state),
        request_(request),
        sender_(sender),
        decoded_(decoded),
        event_(decoded.event),
        message_id_(std::move(message_id)),
        firing_(firing) {}

  Prepared Run();

 private:
  std::optional<IngestAnswer> Correlate(Prepared& out);
  void RouteAndDecide(Prepared& out, const Parties& parties);
  void MakeCopy(Prepared& out, const Parties& parties, const Route& route);
  // The timers this message arms and cancels; false when the store failed.
  bool PlanTimers(store::Acceptance& acceptance);

  store::Store& store_;
  const GatewayState& state_;
  const IngestRequest& request_;
  const Agency& sender_;
  const adapters::Decoded& decoded_;
  const model::Event& event_;
  std::string message_id_;
  const Firing* firing_;

  json canonical_;
  std::string canonical_text_;
  std::vector<std::string> child_keys_;
  std::optional<std::string> child_key_;  // the one stored on the episode
  ChildContext context_;
  std::optional<model::Episode> episode_;
  std::optional<store::EpisodeRecord> episode_read_;
  std::optional<model::RiskLevel> risk_before_;
  std::vector<audit::ChildPseudonym> pseudonyms_;
  std::string record_hash_;
  json recipients_ = json::array();
  std::vector<NotSent> not_sent_;
};

Prepared Attempt::Run() {
  Prepared out;
  canonical_ = adapters::canonical::ToJson(event_);
  canonical_text_ = canonical_.dump();
  child_keys_ = ChildKeysOf(event_.child, state_.child_link_key);
  const audit::ChildPseudonymizer pseudonymizer(state_.audit_key);
  pseudonyms_ = pseudonymizer.All(audit::IdentifiersOf(event_));
  record_hash_ = audit::RecordHash(state_.audit_key, canonical_text_);

  if (firing_ != nullptr) {
    context_.host_la = firing_->episode.host_la;
    context_.placing_la = firing_->episode.placing_la;
    child_key_ = firing_->episode.child_key;
  } else if (auto early = Correlate(out)) {
    out.early = std::move(early);
    return out;
  }
  Parties parties = ResolveParties(event_, state_.registry, context_);
  if (firing_ != nullptr) {
    // The clock runs for the host LA its rules were chosen for.
    parties.host_la = &sender_;
    if (parties.placing_la == &sender_) parties.placing_la = nullptr;
    parties.provider = state_.registry.ProviderCommissionedBy(sender_.la_number);
  }
  RouteAndDecide(out, parties);

  store::Acceptance& a = out.acceptance;
  a.message.id = message_id_;
  a.message.sender = sender_.id;
  a.message.idempotency_key = request_.idempotency_key;
  a.message.format = FormatName(request_.format);
  a.message.kind = KindName(event_.kind);
  if (IsPoliceRecord(event_.kind)) {
    a.message.police_ref = event_.episode.police_ref;
    a.message.record_version = event_.episode.record_version;
  }
  if (event_.episode.police_ref) {
    a.message.episode_ref = event_.episode.police_ref;
  } else if (event_.rhi && !event_.rhi->police_refs.empty()) {
    a.message.episode_ref = event_.rhi->police_refs.front();
  }
  a.message.received_at = request_.received_at;
  a.message.canonical_json = canonical_text_;

  if (episode_) {
    store::EpisodeRecord record;
    record.police_ref = episode_->police_ref();
    record.state = std::string(*model::kEpisodeStateNames.Name(episode_->state()));
    record.latest_record_version = episode_->latest_record_version();
    record.child_key = child_key_;
    if (parties.placing_la != nullptr) record.placing_la = parties.placing_la->id;
    if (parties.host_la != nullptr) record.host_la = parties.host_la->id;
    if (episode_read_) {
      // What the gateway learnt before stays when this record says less.
      if (!record.placing_la) record.placing_la = episode_read_->placing_la;
      if (!record.host_la) record.host_la = episode_read_->host_la;
    }
    record.snapshot_json = EpisodeToJson(*episode_);
    record.missing_since = episode_->missing_since().value_or(request_.received_at);
    a.episode = std::move(record);
    a.episode_version_read = episode_read_ ? episode_read_->latest_record_version : 0;
  }
  if (event_.kind == EventKind::kPlacementNotified && !child_keys_.empty()) {
    // One link per Acceptance: under the NHS key when there is one, else
    // the name-and-birth key (docs/pipeline.md, "Child keys").
    store::ChildLink link;
    link.child_key = child_keys_.front();
    link.placing_la = sender_.id;
    if (parties.host_la != nullptr) link.host_la = parties.host_la->id;
    link.message_id = message_id_;
    a.child_link = std::move(link);
  }

  if (firing_ != nullptr) {
    a.fires_timer = firing_->timer_id;
  } else if (!PlanTimers(a)) {
    out.early = ProblemAnswer(Unavailable());
    return out;
  }

  // The answer.
  json body = json::object();
  body["message_id"] = message_id_;
  body["status"] = "accepted";
  body["kind"] = KindName(event_.kind);
  if (episode_) {
    body["episode"] = {{"police_ref", episode_->police_ref()},
                       {"state", std::string(*model::kEpisodeStateNames.Name(episode_->state()))},
                       {"record_version", episode_->latest_record_version()}};
  }
  body["recipients"] = recipients_;
  json not_sent = json::array();
  for (const NotSent& n : not_sent_) {
    not_sent.push_back({{"agency", n.agency}, {"reason", n.reason}, {"detail", n.detail}});
  }
  body["not_sent"] = std::move(not_sent);
  if (!decoded_.dropped_fields.empty()) body["dropped_fields"] = decoded_.dropped_fields;
  a.message.answer_json = body.dump();
  out.answer = std::move(body);

  // message_accepted goes first in the chain, then the disclosures.
  audit::MessageAcceptedEntry accepted;
  accepted.message_id = message_id_;
  accepted.sender = sender_.id;
  accepted.format = FormatName(request_.format);
  accepted.event_kind = KindName(event_.kind);
  accepted.child = pseudonyms_;
  accepted.record_hash = record_hash_;
  accepted.received_hash = audit::BytesHash(request_.body);
  accepted.received_size = static_cast<std::int64_t>(request_.body.size());
  for (const store::Delivery& d : a.deliveries) accepted.recipients.push_back(d.recipient);
  accepted.dropped_unknown = decoded_.dropped_fields;
  a.audit.insert(a.audit.begin(), audit::ToAuditRecord(accepted));
  return out;
}

std::optional<IngestAnswer> Attempt::Correlate(Prepared& /*out*/) {
  // The child as other agencies have described it.
  for (const std::string& key : child_keys_) {
    auto link = store_.FindChildLink(key);
    if (!link.ok()) return ProblemAnswer(Unavailable());
    if (*link) {
      context_.placing_la = (*link)->placing_la;
      context_.host_la = (*link)->host_la;
      break;
    }
  }
  if (!child_keys_.empty()) child_key_ = child_keys_.front();

  if (IsPoliceRecord(event_.kind)) {
    if (!event_.episode.police_ref || !event_.episode.record_version) {
      return ProblemAnswer(
          MakeProblem(problem_type::kEpisodeConflict, "Episode conflict", 409,
                      std::string(model::Describe(model::EpisodeError::kMissingReference))));
    }
    const std::string& ref = *event_.episode.police_ref;
    const int version = *event_.episode.record_version;
    auto answered = store_.FindAnswerByPoliceRecord(ref, version);
    if (!answered.ok()) return ProblemAnswer(Unavailable());
    if (*answered) return Replay(**answered);

    auto loaded = store_.LoadEpisode(ref);
    if (!loaded.ok()) return ProblemAnswer(Unavailable());
    if (*loaded) {
      episode_read_ = **loaded;
      auto restored = EpisodeFromJson(episode_read_->snapshot_json);
      if (!restored.ok()) return ProblemAnswer(Unavailable());
      model::Episode episode = std::move(*restored);
      risk_before_ = episode.current_risk();
      auto applied = episode.Apply(event_);
      if (!applied.ok()) {
        return ProblemAnswer(MakeProblem(problem_type::kEpisodeConflict, "Episode conflict", 409,
                                         std::string(model::Describe(applied.error()))));
      }
      if (*applied != model::Applied::kApplied) {
        IngestAnswer stale;
        stale.status = 200;
        stale.body = {{"status", "stale"},
                      {"police_ref", ref},
                      {"record_version", version},
                      {"latest_record_version", episode.latest_record_version()}};
        return stale;
      }
      episode_ = std::move(episode);
      if (episode_read_->child_key) child_key_ = episode_read_->child_key;
      if (!context_.placing_la) context_.placing_la = episode_read_->placing_la;
      if (!context_.host_la) context_.host_la = episode_read_->host_la;
    } else {
      auto opened = model::Episode::Open(event_);
      if (!opened.ok()) {
        return ProblemAnswer(MakeProblem(problem_type::kEpisodeConflict, "Episode conflict", 409,
                                         std::string(model::Describe(opened.error()))));
      }
      episode_ = std::move(*opened);
    }
    return std::nullopt;
  }

  // An RHI (referral or record) joins its episode by police reference:
  // the episode knows where the child is and who placed them.
  if (event_.rhi && !event_.rhi->police_refs.empty()) {
    auto loaded = store_.LoadEpisode(event_.rhi->police_refs.front());
    if (!loaded.ok()) return ProblemAnswer(Unavailable());
    if (*loaded) {
      if ((*loaded)->placing_la) context_.placing_la = (*loaded)->placing_la;
      if ((*loaded)->host_la) context_.host_la = (*loaded)->host_la;
      if (!child_key_) child_key_ = (*loaded)->child_key;
    }
  }
  return std::nullopt;
}

void Attempt::RouteAndDecide(Prepared& out, const Parties& parties) {
  if (firing_ == nullptr) {
    for (const Route& route : RouteEvent(event_, sender_, parties)) MakeCopy(out, parties, route);
    return;
  }
  // An escalation from the clock goes to its rule's audience: each role
  // the episode has an agency for, that agency once with all its roles.
  std::vector<const Agency*> recipients;
  for (policy::Role role : firing_->spec.notify) {
    const Agency* agency = nullptr;
    switch (role) {
      case policy::Role::kHostLa:
        agency = parties.host_la;
        break;
      case policy::Role::kPlacingLa:
        agency = parties.placing_la;
        break;
      case policy::Role::kPoliceForce:
        agency = parties.police_force;
        break;
      case policy::Role::kCommissionedProvider:
        agency = parties.provider;
        break;
    }
    if (agency == nullptr) {
      not_sent_.push_back({std::string(*policy::kRoleNames.Name(role)), "no_such_party",
                           "the episode has no agency in this role"});
      continue;
    }
    if (std::find(recipients.begin(), recipients.end(), agency) == recipients.end()) {
      recipients.push_back(agency);
    }
  }
  for (const Agency* agency : recipients) {
    MakeCopy(out, parties, Route{agency, RolesOf(*agency, parties), EventKind::kEscalation});
  }
}

bool Attempt::PlanTimers(store::Acceptance& a) {
  safeguarding::TimerPlan plan;
  if (episode_ && a.episode && a.episode->host_la) {
    const safeguarding::AreaRules* rules = state_.safeguarding_rules->ForArea(*a.episode->host_la);
    if (rules == nullptr) return true;
    bool failed = false;
    const model::Timestamp since = *a.episode->missing_since;
    const std::string& ref = episode_->police_ref();
    const safeguarding::EpisodeCounter counter = [&](int window_days,
                                                     int at_most) -> std::optional<int> {
      if (!child_key_) return std::nullopt;
      auto counted = store_.CountChildEpisodes(*child_key_, since - std::chrono::days(window_days),
                                               since, ref, at_most);
      if (!counted.ok()) {
        failed = true;
        return std::nullopt;
      }
      return *counted;
    };
    safeguarding::PoliceRecordMoment moment;
    moment.episode = &*episode_;
    moment.opened = !episode_read_.has_value();
    moment.risk_before = risk_before_;
    moment.message_id = message_id_;
    moment.now = request_.received_at;
    plan = safeguarding::PlanForPoliceRecord(*rules, moment, counter);
    if (failed) return false;
    std::vector<std::string> copies;
    for (const store::Delivery& d : a.deliveries) copies.push_back(d.id);
    for (store::Timer& t : safeguarding::PlanUrgentAlerts(*rules, moment, copies)) {
      plan.arm.push_back(std::move(t));
    }
  } else if (event_.kind == EventKind::kRhiRecorded && event_.rhi) {
    plan = safeguarding::PlanForRhiRecord(event_.rhi->police_refs, event_.rhi->outcome);
  }
  if (plan.empty()) return true;

  // The audit names timers by kind, rule and due time, never by police reference.
  json armed = json::array();
  for (const store::Timer& t : plan.arm) {
    json spec = json::parse(t.spec_json);
    armed.push_back({{"kind", t.kind},
                     {"due_at", model::FormatTimestamp(t.due_at)},
                     {"rule", spec.value("rules", "") + " " + spec.value("clause", "")}});
  }
  json cancelled = json::array();
  for (const store::TimerCancel& c : plan.cancel) cancelled.push_back(c.kind);
  json body = {{"message_id", message_id_},
               {"armed", std::move(armed)},
               {"cancelled", std::move(cancelled)}};
  json child = json::array();
  for (const auto& p : pseudonyms_) child.push_back(p.str());
  if (!child.empty()) body["child"] = std::move(child);
  a.audit.push_back(store::AuditRecord{"timers_set", body.dump()});
  a.arm_timers = std::move(plan.arm);
  a.cancel_timers = std::move(plan.cancel);
  return true;
}

void Attempt::MakeCopy(Prepared& out, const Parties& parties, const Route& route) {
  const Agency& recipient = *route.recipient;
  const std::string kind = KindName(route.kind);
  // The canonical tree as it is, unless this copy is of another kind:
  // most copies are not, and the tree is copied only for those that are.
  const bool other_kind = route.kind != event_.kind;
  json retyped;
  if (other_kind) {
    retyped = canonical_;
    retyped["kind"] = kind;
  }
  const json& document = other_kind ? retyped : canonical_;

  // A copy of another kind (found -> rhi_referred) is made on the host
  // LA's behalf: it commissions the provider, and the ISAs say so (host_la
  // -> commissioned_provider). Every other copy is the sender's.
  policy::Party from{sender_.id, RolesOf(sender_, parties)};
  if (other_kind && route.kind == EventKind::kRhiReferred && parties.host_la != nullptr) {
    from = policy::Party{parties.host_la->id, RolesOf(*parties.host_la, parties)};
  }
  const policy::Party to{recipient.id, route.roles};
  const policy::Decision decision =
      policy::Decide(state_.policies, document, from, to, request_.received_at);

  auto refuse = [&](std::string reason, std::string detail) {
    not_sent_.push_back({recipient.id, reason, detail});
    json body = {{"message_id", message_id_}, {"sender", sender_.id},
                 {"recipient", recipient.id}, {"event_kind", kind},
                 {"reason", reason},          {"policy_set_hash", state_.policies.hash()}};
    json child = json::array();
    for (const auto& p : pseudonyms_) child.push_back(p.str());
    if (!child.empty()) body["child"] = std::move(child);
    out.acceptance.audit.push_back(store::AuditRecord{"flow_refused", body.dump()});
  };

  if (!decision.allowed) {
    refuse(decision.refusal, decision.refusal_reason);
    return;
  }
  auto redacted = policy::Redact(document, decision, *state_.pseudonym_keys);
  if (!redacted.ok()) {
    refuse(redacted.error(), "the copy could not be redacted");
    return;
  }

  std::vector<audit::WithheldField> withheld;
  std::vector<audit::SentField> sent;
  for (const policy::FieldDecision& field : decision.fields) {
    if (policy::Discloses(field.fate)) {
      sent.push_back(
          {field.pointer, std::string(*policy::kFateNames.Name(field.fate)), field.clause});
    } else {
      withheld.push_back({field.pointer, std::string(*policy::kFateNames.Name(field.fate)),
                          field.clause, field.note});
    }
  }
  std::set<std::string> not_sendable;
  for (const policy::WithheldAtRedaction& w : redacted->withheld) {
    withheld.push_back({w.pointer, "withheld_at_redaction", "", w.reason});
    not_sendable.insert(w.pointer);
  }

  // The redacted tree back into the typed model. Values the model cannot
  // hold (a timestamp generalised to a date, an age in years) are taken
  // out and listed, once; a second refusal means no copy.
  json copy = std::move(redacted->document);
  auto typed = adapters::canonical::FromJson(copy, {}, adapters::canonical::Checks::kShape);
  if (!typed.ok()) {
    typed = WithholdUnrepresentable(typed.error(), copy, withheld, not_sendable);
    if (!typed.ok()) {
      refuse("not_representable", "the redacted copy is not a valid canonical event");
      return;
    }
  }

  const adapters::Format format =
      recipient.receives.empty() ? adapters::Format::kCanonical : recipient.receives.front();
  auto encoded = adapters::EncodeAs(format, typed->event);
  if (!encoded.ok() && EveryErrorNamesAField(encoded.error(), copy)) {
    // The recipient's format has no place for some fields (council XML
    // carries no interview narratives or associates' names): withhold
    // them, list them, and encode what is left, once.
    typed = WithholdUnrepresentable(encoded.error(), copy, withheld, not_sendable);
    if (!typed.ok()) {
      refuse("not_representable", "the redacted copy is not a valid canonical event");
      return;
    }
    encoded = adapters::EncodeAs(format, typed->event);
  }
  if (!encoded.ok()) {
    // Codes and pointers only: the encoder's reasons are not shown.
    std::set<std::string> codes;
    for (const FieldError& e : encoded.error()) {
      codes.insert(e.pointer.empty() ? e.code : e.code + " at " + e.pointer);
    }
    std::string detail = "the recipient's format cannot carry this copy:";
    for (const std::string& c : codes) detail += " " + c;
    refuse("not_representable", detail);
    return;
  }
  // A field redaction could not send is not "sent".
  std::erase_if(sent, [&](const audit::SentField& s) { return not_sendable.count(s.pointer) > 0; });

  store::Delivery delivery;
  delivery.id = DeliveryId(message_id_, recipient.id, kind);
  delivery.message_id = message_id_;
  delivery.recipient = recipient.id;
  delivery.ordering_key =
      recipient.id + "|" + (event_.episode.police_ref ? *event_.episode.police_ref : message_id_);
  delivery.mode = StoreModeOf(recipient);
  delivery.format = FormatName(format);
  delivery.content_type = std::string(ContentTypeOf(format));
  delivery.scope = "isa-" + decision.isa_id();
  delivery.payload = std::move(*encoded);

  audit::DisclosureEntry disclosure;
  disclosure.message_id = message_id_;
  disclosure.delivery_id = delivery.id;
  disclosure.sender = sender_.id;
  disclosure.recipient = recipient.id;
  disclosure.event_kind = kind;
  disclosure.format = delivery.format;
  disclosure.child = pseudonyms_;
  disclosure.flow = {decision.isa_id(), decision.flow_clause()};
  for (std::size_t i = 1; i < decision.flows.size(); ++i) {
    disclosure.other_flows.push_back({decision.flows[i].isa_id, decision.flows[i].clause});
  }
  disclosure.fields_sent = std::move(sent);
  disclosure.fields_withheld = std::move(withheld);
  disclosure.record_hash = record_hash_;
  disclosure.sent_hash = audit::BytesHash(delivery.payload);
  disclosure.sent_size = static_cast<std::int64_t>(delivery.payload.size());
  disclosure.policy_set_hash = decision.policy_set_hash;

  json roles = json::array();
  for (policy::Role r : route.roles) roles.push_back(std::string(*policy::kRoleNames.Name(r)));
  json withheld_json = json::array();
  for (const audit::WithheldField& w : disclosure.fields_withheld) {
    withheld_json.push_back(
        {{"field", w.pointer}, {"fate", w.fate}, {"clause", w.clause}, {"reason", w.reason}});
  }
  recipients_.push_back(
      {{"agency", recipient.id},
       {"roles", std::move(roles)},
       {"kind", kind},
       {"delivery_id", delivery.id},
       {"format", delivery.format},
       {"mode", std::string(*registry::kDeliveryModeNames.Name(recipient.delivery))},
       {"isa", decision.isa_id()},
       {"flow", decision.flow_clause()},
       {"withheld", std::move(withheld_json)}});

  out.acceptance.audit.push_back(audit::ToAuditRecord(disclosure));
  out.acceptance.deliveries.push_back(std::move(delivery));
}

}  // namespace

std::string NewMessageId() {
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::array<unsigned char, 13> bytes{};
  for (std::size_t i = 0; i < 6; ++i) {
    bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));  // big-endian: sorts as text
  }
  randombytes_buf(bytes.data() + 6, bytes.size() - 6);
  std::string id = "msg_";
  AppendHex(id, bytes);
  return id;
}

std::string_view ContentTypeOf(adapters::Format format) {
  switch (format) {
    case adapters::Format::kCompact:
      return "application/vnd.isagw.compact+json";
    case adapters::Format::kCouncilXml:
      return "application/vnd.isagw.council+xml";
    case adapters::Format::kRhi:
      return "application/vnd.isagw.rhi+json";
    case adapters::Format::kCanonical:
      return "application/json";
  }
  return "application/octet-stream";
}

IngestPipeline::IngestPipeline(store::Store& store) : store_(store) {
  // Idempotent and thread-safe; randombytes and generichash need it.
  if (sodium_init() < 0) {
    // libsodium could not start: NewMessageId would still work from the
    // OS generator, so there is nothing better to do here.
  }
}

IngestAnswer IngestPipeline::Submit(const GatewayState& state, const IngestRequest& request) {
  const Agency* sender = state.registry.FindById(request.sender);
  if (sender == nullptr) return ProblemAnswer(Forbidden("the caller is not a registered agency"));
  if (!sender->Sends(request.format)) {
    return ProblemAnswer(MakeProblem(problem_type::kUnsupportedFormat, "Unsupported format", 415,
                                     "this agency is not registered to send this format"));
  }
  if (request.idempotency_key) {
    auto stored = store_.FindAnswerByIdempotencyKey(sender->id, *request.idempotency_key);
    if (!stored.ok()) return ProblemAnswer(Unavailable());
    if (*stored) return Replay(**stored);
  }
  adapters::DecodeOptions options;
  options.lenient = sender->lenient;
  auto decoded = adapters::DecodeAs(request.format, request.body, options);
  if (!decoded.ok()) return ProblemAnswer(InvalidMessage(decoded.error()));
  // The key was looked up just above: a concurrent request with the same
  // key is still caught, by the commit, as a duplicate.
  return SubmitChecked(state, request, *decoded, /*key_looked_up=*/true);
}

namespace {

// What the pipeline checks before it decides anything: a replay of an
// answer given under the same key (unless the caller just looked), and
// whether this sender may send this. An answer means the request ends here.
enum class KeyLookup { kDone, kNeeded };
std::optional<IngestAnswer> Precheck(store::Store& store, const Agency* sender,
                                     const IngestRequest& request, const adapters::Decoded& decoded,
                                     KeyLookup key_lookup) {
  if (sender == nullptr) return ProblemAnswer(Forbidden("the caller is not a registered agency"));
  if (request.idempotency_key && key_lookup == KeyLookup::kNeeded) {
    // Batches and decoded records come straight to this step.
    auto stored = store.FindAnswerByIdempotencyKey(sender->id, *request.idempotency_key);
    if (!stored.ok()) return ProblemAnswer(Unavailable());
    if (*stored) return Replay(**stored);
  }
  if (!MaySend(sender->kind, decoded.event.kind)) {
    return ProblemAnswer(Forbidden("this kind of agency may not send this kind of event"));
  }
  FieldErrors mismatches = SenderMismatches(*sender, request.format, decoded.event);
  if (!mismatches.empty()) {
    return ProblemAnswer(
        Forbidden("the message claims to come from another agency", std::move(mismatches)));
  }
  return std::nullopt;
}

IngestAnswer AcceptedAnswer(Prepared& prepared, const std::string& message_id) {
  IngestAnswer answer;
  answer.status = 202;
  answer.body = std::move(prepared.answer);
  answer.message_id = message_id;
  return answer;
}

// A commit refused as a duplicate: another request stored the same message
// first (same key, or same police record version). Its answer is replayed.
IngestAnswer DuplicateAnswer(store::Store& store, const Agency& sender,
                             const IngestRequest& request, const adapters::Decoded& decoded) {
  if (request.idempotency_key) {
    auto stored = store.FindAnswerByIdempotencyKey(sender.id, *request.idempotency_key);
    if (stored.ok() && *stored) return Replay(**stored);
  }
  const model::EpisodeFacts& e = decoded.event.episode;
  if (e.police_ref && e.record_version) {
    auto stored = store.FindAnswerByPoliceRecord(*e.police_ref, *e.record_version);
    if (stored.ok() && *stored) return Replay(**stored);
  }
  return ProblemAnswer(Unavailable());
}

}  // namespace

IngestAnswer IngestPipeline::SubmitDecoded(const GatewayState& state, const IngestRequest& request,
                                           const adapters::Decoded& decoded) {
  return SubmitChecked(state, request, decoded, /*key_looked_up=*/false);
}

IngestAnswer IngestPipeline::SubmitChecked(const GatewayState& state, const IngestRequest& request,
                                           const adapters::Decoded& decoded, bool key_looked_up) {
  const Agency* sender = state.registry.FindById(request.sender);
  if (auto early = Precheck(store_, sender, request, decoded,
                            key_looked_up ? KeyLookup::kDone : KeyLookup::kNeeded)) {
    return std::move(*early);
  }

  const std::string message_id = NewMessageId();
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    Attempt run(store_, state, request, *sender, decoded, message_id);
    Prepared prepared = run.Run();
    if (prepared.early) return std::move(*prepared.early);

    auto committed = store_.Commit(prepared.acceptance);
    if (committed.ok()) return AcceptedAnswer(prepared, message_id);
    switch (committed.error().kind) {
      case store::StoreErrorKind::kConflict:
        continue;  // the episode moved on: read it again and decide again
      case store::StoreErrorKind::kDuplicate:
        return DuplicateAnswer(store_, *sender, request, decoded);
      default:
        return ProblemAnswer(Unavailable());
    }
  }
  return ProblemAnswer(Unavailable());
}

std::vector<IngestAnswer> IngestPipeline::SubmitDecodedAll(
    const GatewayState& state, std::span<const IngestRequest> requests,
    std::span<const adapters::Decoded> decoded) {
  const std::size_t n = std::min(requests.size(), decoded.size());
  std::vector<std::optional<IngestAnswer>> answers(n);
  std::vector<std::string> message_ids(n);
  std::vector<const Agency*> senders(n);
  std::vector<std::size_t> remaining;
  for (std::size_t i = 0; i < n; ++i) {
    senders[i] = state.registry.FindById(requests[i].sender);
    answers[i] = Precheck(store_, senders[i], requests[i], decoded[i], KeyLookup::kNeeded);
    if (answers[i]) continue;
    message_ids[i] = NewMessageId();
    remaining.push_back(i);
  }
  // Rounds: decide records on the stored state, commit them all in one
  // transaction, and go round again for the rest. A round takes at most
  // one record per episode and per child, in the batch's order: a record
  // is decided on what the ones before it stored (the episode's state, the
  // child's episode count for the repeat thresholds), as it would be sent
  // alone. A record that still meets a conflict (another writer) goes
  // round again.
  std::vector<std::vector<std::string>> keys(n);
  for (std::size_t i : remaining) {
    const model::Event& event = decoded[i].event;
    if (event.episode.police_ref) keys[i].push_back("episode:" + *event.episode.police_ref);
    for (std::string& key : ChildKeysOf(event.child, state.child_link_key)) {
      keys[i].push_back("child:" + std::move(key));
    }
  }
  const std::size_t max_rounds = remaining.size() + kMaxCommitAttempts;
  for (std::size_t round = 0; round < max_rounds && !remaining.empty(); ++round) {
    std::vector<std::size_t> indices;
    std::vector<Prepared> prepared;
    std::vector<std::size_t> later;
    std::set<std::string> taken;
    for (std::size_t i : remaining) {
      const bool waits = std::any_of(keys[i].begin(), keys[i].end(),
                                     [&](const std::string& key) { return taken.count(key) > 0; });
      // Its keys are taken either way: a record behind a waiting one waits too.
      taken.insert(keys[i].begin(), keys[i].end());
      if (waits) {
        later.push_back(i);
        continue;
      }
      Attempt run(store_, state, requests[i], *senders[i], decoded[i], message_ids[i]);
      Prepared p = run.Run();
      if (p.early) {
        answers[i] = std::move(*p.early);
        continue;
      }
      indices.push_back(i);
      prepared.push_back(std::move(p));
    }
    std::vector<const store::Acceptance*> acceptances;
    acceptances.reserve(prepared.size());
    for (const Prepared& p : prepared) acceptances.push_back(&p.acceptance);
    auto outcomes = store_.CommitAll(acceptances);
    std::vector<std::size_t> again;
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const std::size_t i = indices[k];
      if (outcomes[k].ok()) {
        answers[i] = AcceptedAnswer(prepared[k], message_ids[i]);
        continue;
      }
      switch (outcomes[k].error().kind) {
        case store::StoreErrorKind::kConflict:
          again.push_back(i);
          break;
        case store::StoreErrorKind::kDuplicate:
          answers[i] = DuplicateAnswer(store_, *senders[i], requests[i], decoded[i]);
          break;
        default:
          answers[i] = ProblemAnswer(Unavailable());
      }
    }
    // Conflicted and waiting records, back in the batch's order.
    again.insert(again.end(), later.begin(), later.end());
    std::sort(again.begin(), again.end());
    remaining = std::move(again);
  }
  std::vector<IngestAnswer> result;
  result.reserve(n);
  for (auto& answer : answers) {
    result.push_back(answer ? std::move(*answer) : ProblemAnswer(Unavailable()));
  }
  return result;
}

IngestPipeline::FiringOutcome IngestPipeline::FireTimer(const GatewayState& state,
                                                        const store::ClaimedTimer& timer,
                                                        model::Timestamp now) {
  using Kind = FiringOutcome::Kind;
  const store::Timer& t = timer.timer;
  auto give_up = [&](std::string note) { return GiveUpTimer(t, std::move(note), now); };
  const FiringOutcome unavailable{Kind::kUnavailable, std::nullopt, "the store failed"};

  auto spec = safeguarding::SpecFromJson(t.spec_json);
  if (!spec.ok()) return give_up(spec.error());
  if (safeguarding::IsUrgentAck(t.kind)) return FireUrgentDeadline(state, timer, *spec, now);
  auto episode = store_.LoadEpisode(t.subject);
  if (!episode.ok()) {
    return episode.error().kind == store::StoreErrorKind::kSealing
               ? give_up("the episode can no longer be read")
               : unavailable;
  }
  if (!*episode || !(*episode)->host_la) return give_up("the episode has no host authority");
  const Agency* host = state.registry.FindById(*(*episode)->host_la);
  if (host == nullptr) return give_up("the host authority is no longer in the registry");

  auto source = store_.LoadMessageCanonical(t.source_message_id);
  if (!source.ok()) {
    return source.error().kind == store::StoreErrorKind::kBackend
               ? unavailable
               : give_up("the record the escalation is built from can no longer be read");
  }
  const json source_json = json::parse(*source, nullptr, /*allow_exceptions=*/false);
  auto decoded =
      adapters::canonical::FromJson(source_json, {}, adapters::canonical::Checks::kShape);
  if (!decoded.ok()) return give_up("the record the escalation is built from does not decode");

  // The escalation: the child and episode as last recorded, why, and when.
  model::Event& event = decoded->event;
  event.kind = EventKind::kEscalation;
  event.header = {};
  event.header.sent_at = now;
  event.header.from_la = host->la_number;
  event.rhi.reset();
  model::Escalation escalation;
  escalation.reason = spec->reason;
  escalation.raised_at = t.due_at;
  escalation.episode_count = spec->episode_count;
  escalation.window_days = spec->window_days;
  escalation.detail = spec->detail;
  event.escalation = std::move(escalation);
  decoded->dropped_fields.clear();

  IngestRequest request;
  request.sender = host->id;
  request.format = adapters::Format::kCanonical;
  request.idempotency_key = "timer:" + t.id;
  request.received_at = now;
  request.body = adapters::canonical::ToJson(event).dump();

  Firing firing{t.id, *spec, **episode};
  const std::string message_id = NewMessageId();
  Attempt run(store_, state, request, *host, *decoded, message_id, &firing);
  Prepared prepared = run.Run();
  if (prepared.early) return unavailable;
  json fired = {{"message_id", message_id},
                {"timer_kind", t.kind},
                {"due_at", model::FormatTimestamp(t.due_at)},
                {"rule", safeguarding::Cite(spec->source)},
                {"reason", std::string(*model::kEscalationReasonNames.Name(spec->reason))}};
  prepared.acceptance.audit.push_back(store::AuditRecord{"timer_fired", fired.dump()});
  auto committed = store_.Commit(prepared.acceptance);
  if (committed.ok()) return FiringOutcome{Kind::kRaised, message_id, ""};
  if (committed.error().kind == store::StoreErrorKind::kDuplicate) {
    return FiringOutcome{Kind::kNotArmed, std::nullopt, "the timer is no longer armed"};
  }
  return unavailable;
}

// A timer that can never fire: marked failed with its audit record, so it
// is neither retried for ever nor dropped silently.
IngestPipeline::FiringOutcome IngestPipeline::GiveUpTimer(const store::Timer& t, std::string note,
                                                          model::Timestamp now) {
  using Kind = FiringOutcome::Kind;
  json body = {
      {"timer_kind", t.kind}, {"due_at", model::FormatTimestamp(t.due_at)}, {"reason", note}};
  auto finished = store_.FinishTimer(t.id, store::TimerState::kFailed, note, now,
                                     {store::AuditRecord{"timer_failed", body.dump()}});
  if (finished.ok()) return FiringOutcome{Kind::kFailed, std::nullopt, std::move(note)};
  // Fired or cancelled meanwhile by another worker: nothing is lost.
  if (finished.error().kind == store::StoreErrorKind::kNotFound) {
    return FiringOutcome{Kind::kNotArmed, std::nullopt, "the timer is no longer armed"};
  }
  return FiringOutcome{Kind::kUnavailable, std::nullopt, "the store failed"};
}

// An urgent copy nobody acknowledged in time goes again, as it is, to the
// recipient's next duty endpoint (registry: duty_contacts), with a new
// deadline; with no endpoint left, its sender gets a notice. Either way
// the timer's end and what it sends commit together.
IngestPipeline::FiringOutcome IngestPipeline::FireUrgentDeadline(
    const GatewayState& state, const store::ClaimedTimer& timer,
    const safeguarding::TimerSpec& spec, model::Timestamp now) {
  using Kind = FiringOutcome::Kind;
  const store::Timer& t = timer.timer;
  const FiringOutcome unavailable{Kind::kUnavailable, std::nullopt, "the store failed"};
  auto give_up = [&](std::string note) { return GiveUpTimer(t, std::move(note), now); };

  auto loaded = store_.LoadDelivery(spec.delivery_id.value_or(t.subject));
  if (!loaded.ok()) {
    return loaded.error().kind == store::StoreErrorKind::kBackend
               ? unavailable
               : give_up("the unacknowledged copy can no longer be read");
  }
  if (!*loaded) return give_up("the unacknowledged copy is not stored");
  const store::Delivery& copy = **loaded;
  const Agency* recipient = state.registry.FindById(copy.recipient);
  const Agency* principal = recipient;
  if (recipient != nullptr && recipient->duty_for) {
    principal = state.registry.FindById(*recipient->duty_for);
  }
  const int step = spec.contact_step.value_or(0);
  const Agency* contact = nullptr;
  if (principal != nullptr && step >= 0 &&
      static_cast<std::size_t>(step) < principal->duty_contacts.size()) {
    contact = state.registry.FindById(principal->duty_contacts[static_cast<std::size_t>(step)]);
  }

  std::vector<store::Delivery> deliveries;
  std::vector<store::Timer> next;
  json body = {{"message_id", copy.message_id},
               {"delivery_id", copy.id},
               {"recipient", copy.recipient},
               {"rule", safeguarding::Cite(spec.source)},
               {"step", step}};
  std::string kind;
  if (contact != nullptr) {
    // The same stored copy, to an endpoint of the same organisation: what
    // the ISA allowed the organisation, no more.
    store::Delivery duty = copy;
    duty.id = StableDeliveryId(copy.id + "|duty|" + std::to_string(step));
    duty.recipient = contact->id;
    const std::size_t bar = copy.ordering_key.find('|');
    duty.ordering_key = contact->id + (bar == std::string::npos ? "|" + copy.message_id
                                                                : copy.ordering_key.substr(bar));
    duty.mode = StoreModeOf(*contact);
    next.push_back(safeguarding::NextUrgentDeadline(spec, t.kind, duty.id, step + 1,
                                                    t.source_message_id, now));
    body["escalated_to"] = contact->id;
    body["new_delivery_id"] = duty.id;
    body["principal"] = principal->id;
    body["sent_hash"] = audit::BytesHash(duty.payload);
    kind = "alert_escalated";
    deliveries.push_back(std::move(duty));
  } else {
    // Nothing fails silently: the sender hears that nobody answered.
    auto sender = store_.FindMessageSender(copy.message_id);
    if (!sender.ok()) return unavailable;
    kind = "alert_unanswered";
    if (sender->has_value()) {
      const Agency* agency = state.registry.FindById(**sender);
      delivery::NonDelivery facts;
      facts.dead = &copy;
      facts.sender = **sender;
      facts.sender_mode = agency != nullptr ? StoreModeOf(*agency) : store::DeliveryMode::kMailbox;
      facts.reason = "alert_unacknowledged";
      facts.given_up_at = now;
      facts.scope = "inbound";
      store::Delivery notice = delivery::BuildNonDeliveryNotice(facts);
      notice.id = copy.id + "-unanswered";
      body["notice_delivery_id"] = notice.id;
      body["notice_to"] = **sender;
      deliveries.push_back(std::move(notice));
    }
  }
  auto fired = store_.FireTimerWithDeliveries(t.id, now, std::move(deliveries), std::move(next),
                                              {store::AuditRecord{kind, body.dump()}});
  if (fired.ok()) return FiringOutcome{Kind::kRaised, copy.message_id, kind};
  if (fired.error().kind == store::StoreErrorKind::kDuplicate) {
    return FiringOutcome{Kind::kNotArmed, std::nullopt, "the timer is no longer armed"};
  }
  return unavailable;
}

std::string StableDeliveryId(const std::string& input) {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), nullptr, 0);
  std::string id = "dlv_";
  AppendHex(id, std::span(out).first(12));
  return id;
}

std::string DeliveryId(const std::string& message_id, const std::string& recipient,
                       const std::string& kind) {
  const std::string hashed = StableDeliveryId(message_id + "|" + recipient + "|" + kind);
  // An id not made by NewMessageId keeps the plain hash.
  constexpr std::string_view kPrefix = "msg_";
  if (message_id.size() != kPrefix.size() + 26 || !message_id.starts_with(kPrefix)) return hashed;
  return "dlv_" + message_id.substr(kPrefix.size(), 12) + hashed.substr(4, 12);
}

}  // namespace isagw::pipeline
