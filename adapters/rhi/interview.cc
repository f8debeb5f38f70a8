#include "adapters/rhi/interview.h"

#include <utility>

#include "adapters/common/validators.h"
#include "adapters/rhi/form_parts.h"
#include "adapters/rhi/limits.h"
#include "adapters/rhi/rhi.h"

namespace isagw::adapters::rhi {
namespace {

using model::ReturnHomeInterview;

std::optional<model::Interviewer> ReadInterviewer(FieldReader& document) {
  auto block = document.Object("conducted_by");
  if (!block) return std::nullopt;
  model::Interviewer who;
  who.name = block->Text("name", kMaxNameChars);
  who.role = block->Text("role", kMaxNameChars);
  who.independent_of_care = block->Flag("independent_of_care");
  block->Finish();
  if (who == model::Interviewer{}) return std::nullopt;
  return who;
}

std::vector<model::PlaceStayed> ReadPlacesStayed(FieldReader& document) {
  std::vector<model::PlaceStayed> places;
  document.Array("where_stayed", [&](const nlohmann::json& item, const std::string& at) {
    FieldReader block(document.log(), item, at);
    if (!block.is_object()) return;
    model::PlaceStayed place;
    place.description = block.Text("description", kMaxPlaceChars);
    place.town = block.Text("town", kMaxNameChars);
    place.postcode = block.Text("postcode", kMaxNameChars, Presence::kOptional, PostcodeRule);
    // Hot-spot mapping works on postcodes: take one from the description
    // when the provider wrote it there (and not separately).
    if (!place.postcode && !block.Has("postcode") && place.description) {
      place.postcode = FindPostcodeInText(*place.description);
    }
    block.Finish();
    places.push_back(std::move(place));
  });
  return places;
}

std::vector<model::Associate> ReadAssociates(FieldReader& document) {
  std::vector<model::Associate> people;
  document.Array("with_whom", [&](const nlohmann::json& item, const std::string& at) {
    FieldReader block(document.log(), item, at);
    if (!block.is_object()) return;
    model::Associate person;
    person.name = block.Text("name", kMaxNameChars);
    person.relationship = block.Text("relationship", kMaxNameChars);
    person.approx_age = block.Integer("approx_age", 0, kMaxApproxAge);
    person.adult_of_concern = block.Flag("adult_of_concern");
    block.Finish();
    people.push_back(std::move(person));
  });
  return people;
}

std::optional<model::Harm> ReadHarm(FieldReader& document) {
  auto block = document.Object("harm");
  if (!block) return std::nullopt;
  model::Harm harm;
  harm.physical = block->Flag("physical");
  harm.sexual = block->Flag("sexual");
  harm.emotional = block->Flag("emotional");
  harm.substance_misuse = block->Flag("substance_misuse");
  harm.criminal_activity = block->Flag("criminal_activity");
  harm.self_harm = block->Flag("self_harm");
  block->Finish();
  if (harm == model::Harm{}) return std::nullopt;
  return harm;
}

std::vector<model::RhiAction> ReadActions(FieldReader& document) {
  std::vector<model::RhiAction> actions;
  document.Array("actions", [&](const nlohmann::json& item, const std::string& at) {
    FieldReader block(document.log(), item, at);
    if (!block.is_object()) return;
    auto type = block.Code("type", model::kActionTypeNames, Presence::kRequired);
    model::RhiAction action;
    action.to = block.Text("to", kMaxNameChars);
    action.detail = block.Text("detail", kMaxNoteChars);
    block.Finish();
    if (!type) return;
    action.type = *type;
    actions.push_back(std::move(action));
  });
  return actions;
}

std::optional<model::Consent> ReadConsent(FieldReader& document) {
  model::Consent consent;
  if (auto block = document.Object("consent_to_share")) {
    consent.police = block->Flag("police");
    consent.placing_authority = block->Flag("placing_authority");
    consent.health = block->Flag("health");
    block->Finish();
  }
  consent.overridden_reason = document.Text("consent_overridden_reason", kMaxNoteChars);
  if (consent == model::Consent{}) return std::nullopt;
  return consent;
}

// The rules between fields (docs/formats/rhi.md, "Consistency"). Only
// fields that were read successfully take part. Withholding a field can
// break only the first rule, so only that one waits for value_checks.
void CheckConsistency(FieldReader& document, const ReturnHomeInterview& rhi) {
  ReadLog& log = document.log();
  using model::RhiOutcome;
  if (log.value_checks && rhi.outcome == RhiOutcome::kCompleted && !document.Has("completed_at")) {
    log.Error("/completed_at", "required", "is required when the outcome is completed");
  }
  if (rhi.completed_at && rhi.outcome && *rhi.outcome != RhiOutcome::kCompleted) {
    log.Error("/completed_at", "inconsistent", "is only given when the outcome is completed");
  }
  if (rhi.offered_at && rhi.outcome == RhiOutcome::kNotOffered) {
    log.Error("/offered_at", "inconsistent", "is given but the outcome says not offered");
  }
  if (rhi.offered_at && rhi.returned_at && *rhi.offered_at < *rhi.returned_at) {
    log.Error("/offered_at", "inconsistent", "is before the child returned");
  }
  if (rhi.completed_at) {
    if (rhi.offered_at && *rhi.completed_at < *rhi.offered_at) {
      log.Error("/completed_at", "inconsistent", "is before the interview was offered");
    } else if (rhi.returned_at && *rhi.completed_at < *rhi.returned_at) {
      log.Error("/completed_at", "inconsistent", "is before the child returned");
    }
  }
}

template <typename E, std::size_t N>
nlohmann::ordered_json Names(const std::vector<E>& values, const CodeMap<E, N>& names) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (E value : values) list.push_back(*names.Name(value));
  return list;
}

void PutTime(nlohmann::ordered_json& document, const char* key,
             const std::optional<model::Timestamp>& value) {
  if (value) document[key] = model::FormatTimestamp(*value);
}

}  // namespace

model::Event ReadInterview(FieldReader& document) {
  model::Event event;
  event.kind = model::EventKind::kRhiRecorded;
  ReturnHomeInterview rhi;
  rhi.provider_id = document.Text("provider_id", kMaxIdChars, Presence::kRequired);
  rhi.interview_id = document.Text("interview_id", kMaxIdChars, Presence::kRequired);
  rhi.police_refs = ReadPoliceReferences(document);
  if (!rhi.police_refs.empty()) event.episode.police_ref = rhi.police_refs.front();
  if (auto id = document.Text("council_person_id", kMaxIdChars)) {
    // The host council's ID; which council is not said.
    event.child.council_person_id = model::CouncilPersonId{std::nullopt, std::move(*id)};
  }
  ReadChildBlock(document, event.child);
  rhi.returned_at = document.Instant("returned_at", Presence::kRequired);
  rhi.offered_at = document.Instant("offered_at");
  rhi.completed_at = document.Instant("completed_at");
  rhi.outcome = document.Code("outcome", model::kRhiOutcomeNames, Presence::kRequired);
  rhi.outcome_reason = document.Text("outcome_reason", kMaxNoteChars);
  rhi.conducted_by = ReadInterviewer(document);
  rhi.where_stayed = ReadPlacesStayed(document);
  rhi.with_whom = ReadAssociates(document);
  rhi.push_factors = document.CodeList("push_factors", model::kPushFactorNames);
  rhi.pull_factors = document.CodeList("pull_factors", model::kPullFactorNames);
  rhi.harm = ReadHarm(document);
  rhi.exploitation_indicators =
      document.CodeList("exploitation_indicators", model::kExploitationNames);
  rhi.child_account = document.Text("child_account", kMaxInterviewNarrativeChars);
  rhi.disclosures = document.Text("disclosures", kMaxInterviewNarrativeChars);
  rhi.child_views = document.Text("child_views", kMaxInterviewNarrativeChars);
  rhi.risks_identified = document.TextList("risks_identified", kMaxNoteChars);
  rhi.actions = ReadActions(document);
  rhi.consent = ReadConsent(document);
  CheckConsistency(document, rhi);
  event.rhi = std::move(rhi);
  // A generalised date of birth may no longer be exact.
  if (document.log().value_checks) CheckChildBirthDate(document.log(), event);
  return event;
}

nlohmann::ordered_json WriteInterview(const model::Event& event, FieldErrors& errors) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  if (!event.rhi) {
    errors.push_back(NotRepresentable("/rhi", "the form needs the interview"));
    return doc;
  }
  const ReturnHomeInterview& rhi = *event.rhi;
  doc["form"] = kInterviewForm;
  doc["version"] = kFormVersion;
  if (!rhi.provider_id)
    errors.push_back(NotRepresentable("/rhi/provider_id", "the form needs the provider's ID"));
  if (!rhi.interview_id)
    errors.push_back(NotRepresentable("/rhi/interview_id", "the form needs the interview's ID"));
  if (!rhi.returned_at)
    errors.push_back(
        NotRepresentable("/rhi/returned_at", "the form needs the time the child returned"));
  if (!rhi.outcome)
    errors.push_back(NotRepresentable("/rhi/outcome", "the form needs the outcome"));
  Put(doc, "provider_id", rhi.provider_id);
  Put(doc, "interview_id", rhi.interview_id);
  WritePoliceReferences(event, doc, errors);
  if (event.child.council_person_id) {
    doc["council_person_id"] = event.child.council_person_id->person_id;
  }
  WriteChildBlock(event.child, doc, errors);
  PutTime(doc, "returned_at", rhi.returned_at);
  PutTime(doc, "offered_at", rhi.offered_at);
  PutTime(doc, "completed_at", rhi.completed_at);
  if (rhi.outcome) doc["outcome"] = *model::kRhiOutcomeNames.Name(*rhi.outcome);
  Put(doc, "outcome_reason", rhi.outcome_reason);
  if (rhi.conducted_by) {
    nlohmann::ordered_json who = nlohmann::ordered_json::object();
    Put(who, "name", rhi.conducted_by->name);
    Put(who, "role", rhi.conducted_by->role);
    Put(who, "independent_of_care", rhi.conducted_by->independent_of_care);
    if (!who.empty()) doc["conducted_by"] = std::move(who);
  }
  if (!rhi.where_stayed.empty()) {
    auto& list = doc["where_stayed"] = nlohmann::ordered_json::array();
    for (const auto& place : rhi.where_stayed) {
      nlohmann::ordered_json item = nlohmann::ordered_json::object();
      Put(item, "description", place.description);
      Put(item, "town", place.town);
      Put(item, "postcode", place.postcode);
      list.push_back(std::move(item));
    }
  }
  if (!rhi.with_whom.empty()) {
    auto& list = doc["with_whom"] = nlohmann::ordered_json::array();
    for (const auto& person : rhi.with_whom) {
      nlohmann::ordered_json item = nlohmann::ordered_json::object();
      Put(item, "name", person.name);
      Put(item, "relationship", person.relationship);
      Put(item, "approx_age", person.approx_age);
      Put(item, "adult_of_concern", person.adult_of_concern);
      list.push_back(std::move(item));
    }
  }
  if (!rhi.push_factors.empty())
    doc["push_factors"] = Names(rhi.push_factors, model::kPushFactorNames);
  if (!rhi.pull_factors.empty())
    doc["pull_factors"] = Names(rhi.pull_factors, model::kPullFactorNames);
  if (rhi.harm) {
    nlohmann::ordered_json harm = nlohmann::ordered_json::object();
    Put(harm, "physical", rhi.harm->physical);
    Put(harm, "sexual", rhi.harm->sexual);
    Put(harm, "emotional", rhi.harm->emotional);
    Put(harm, "substance_misuse", rhi.harm->substance_misuse);
    Put(harm, "criminal_activity", rhi.harm->criminal_activity);
    Put(harm, "self_harm", rhi.harm->self_harm);
    if (!harm.empty()) doc["harm"] = std::move(harm);
  }
  if (!rhi.exploitation_indicators.empty()) {
    doc["exploitation_indicators"] = Names(rhi.exploitation_indicators, model::kExploitationNames);
  }
  Put(doc, "child_account", rhi.child_account);
  Put(doc, "disclosures", rhi.disclosures);
  Put(doc, "child_views", rhi.child_views);
  if (!rhi.risks_identified.empty()) doc["risks_identified"] = rhi.risks_identified;
  if (!rhi.actions.empty()) {
    auto& list = doc["actions"] = nlohmann::ordered_json::array();
    for (const auto& action : rhi.actions) {
      nlohmann::ordered_json item = {{"type", *model::kActionTypeNames.Name(action.type)}};
      Put(item, "to", action.to);
      Put(item, "detail", action.detail);
      list.push_back(std::move(item));
    }
  }
  if (rhi.consent) {
    nlohmann::ordered_json consent = nlohmann::ordered_json::object();
    Put(consent, "police", rhi.consent->police);
    Put(consent, "placing_authority", rhi.consent->placing_authority);
    Put(consent, "health", rhi.consent->health);
    if (!consent.empty()) doc["consent_to_share"] = std::move(consent);
    Put(doc, "consent_overridden_reason", rhi.consent->overridden_reason);
  }
  return doc;
}

}  // namespace isagw::adapters::rhi
