// Event -> canonical JSON. Absent optionals, empty objects and empty
// arrays are left out, so each Event has exactly one canonical form.
#include <utility>

#include "adapters/canonical/canonical.h"

namespace isagw::adapters::canonical {
namespace {

using nlohmann::json;

void Put(json& obj, const char* key, const std::optional<std::string>& v) {
  if (v) obj[key] = *v;
}
void Put(json& obj, const char* key, const std::optional<bool>& v) {
  if (v) obj[key] = *v;
}
void Put(json& obj, const char* key, const std::optional<int>& v) {
  if (v) obj[key] = *v;
}
void Put(json& obj, const char* key, const std::optional<model::Timestamp>& v) {
  if (v) obj[key] = model::FormatTimestamp(*v);
}
void Put(json& obj, const char* key, const std::optional<model::Date>& v) {
  if (v) obj[key] = model::FormatDate(*v);
}
template <typename E, std::size_t N>
void PutCode(json& obj, const char* key, const std::optional<E>& v, const CodeMap<E, N>& names) {
  if (v) obj[key] = std::string(*names.Name(*v));
}
// A nested object or array, only when it holds something.
void PutNested(json& obj, const char* key, json nested) {
  if (!nested.empty()) obj[key] = std::move(nested);
}
template <typename E, std::size_t N>
json Codes(const std::vector<E>& values, const CodeMap<E, N>& names) {
  json out = json::array();
  for (E v : values) out.push_back(std::string(*names.Name(v)));
  return out;
}

json LocationJson(const model::Location& l) {
  json j;
  Put(j, "description", l.description);
  Put(j, "postcode", l.postcode);
  return j;
}

json HeaderJson(const model::MessageHeader& h) {
  json j;
  Put(j, "message_id", h.message_id);
  Put(j, "sent_at", h.sent_at);
  Put(j, "from_la", h.from_la);
  Put(j, "to_la", h.to_la);
  return j;
}

json ChildJson(const model::Child& c) {
  json j;
  Put(j, "forename", c.forename);
  Put(j, "surname", c.surname);
  Put(j, "date_of_birth", c.date_of_birth);
  PutCode(j, "sex", c.sex, model::kSexNames);
  if (c.ethnicity) {
    j["ethnicity"] = {{"scheme", *model::kEthnicitySchemeNames.Name(c.ethnicity->scheme)},
                      {"code", c.ethnicity->code}};
  }
  Put(j, "nhs_number", c.nhs_number);
  if (c.council_person_id) {
    json id;
    Put(id, "la", c.council_person_id->la);
    id["person_id"] = c.council_person_id->person_id;
    j["council_person_id"] = std::move(id);
  }
  if (c.home) {
    json home;
    Put(home, "text", c.home->text);
    Put(home, "postcode", c.home->postcode);
    PutNested(j, "home", std::move(home));
  }
  PutCode(j, "looked_after", c.looked_after, model::kAnswerNames);
  Put(j, "legal_status", c.legal_status);
  Put(j, "responsible_la", c.responsible_la);
  if (c.placement) {
    json p;
    Put(p, "type", c.placement->type);
    Put(p, "postcode", c.placement->postcode);
    Put(p, "provider", c.placement->provider);
    PutNested(j, "placement", std::move(p));
  }
  if (c.social_worker) {
    json w;
    Put(w, "name", c.social_worker->name);
    Put(w, "team", c.social_worker->team);
    Put(w, "phone", c.social_worker->phone);
    Put(w, "email", c.social_worker->email);
    PutNested(j, "social_worker", std::move(w));
  }
  return j;
}

json EpisodeJson(const model::EpisodeFacts& e) {
  json j;
  Put(j, "police_ref", e.police_ref);
  Put(j, "force_code", e.force_code);
  Put(j, "record_version", e.record_version);
  PutCode(j, "missing_type", e.missing_type, model::kMissingTypeNames);
  PutCode(j, "missing_from", e.missing_from, model::kMissingFromNames);
  Put(j, "reported_at", e.reported_at);
  Put(j, "last_seen_at", e.last_seen_at);
  Put(j, "found_at", e.found_at);
  Put(j, "safe_and_well_at", e.safe_and_well_at);
  if (e.last_seen_location) PutNested(j, "last_seen_location", LocationJson(*e.last_seen_location));
  if (e.found_location) PutNested(j, "found_location", LocationJson(*e.found_location));
  PutCode(j, "found_by", e.found_by, model::kFoundByNames);
  Put(j, "safe_and_well_completed", e.safe_and_well_completed);
  if (e.risk) {
    json risk;
    risk["level"] = *model::kRiskLevelNames.Name(e.risk->level);
    Put(risk, "rationale", e.risk->rationale);
    j["risk"] = std::move(risk);
  }
  json exploitation;
  for (const auto& [concern, name] : model::kExploitationNames.entries) {
    if (const auto& flag = e.exploitation.For(concern)) exploitation[std::string(name)] = *flag;
  }
  PutNested(j, "exploitation", std::move(exploitation));
  Put(j, "circumstances", e.circumstances);
  Put(j, "officer_in_case", e.officer_in_case);
  Put(j, "previous_episodes", e.previous_episodes);
  return j;
}

json RhiJson(const model::ReturnHomeInterview& i) {
  json j;
  Put(j, "provider_id", i.provider_id);
  Put(j, "interview_id", i.interview_id);
  if (!i.police_refs.empty()) j["police_refs"] = i.police_refs;
  Put(j, "returned_at", i.returned_at);
  Put(j, "offered_at", i.offered_at);
  Put(j, "completed_at", i.completed_at);
  PutCode(j, "outcome", i.outcome, model::kRhiOutcomeNames);
  Put(j, "outcome_reason", i.outcome_reason);
  if (i.conducted_by) {
    json who;
    Put(who, "name", i.conducted_by->name);
    Put(who, "role", i.conducted_by->role);
    Put(who, "independent_of_care", i.conducted_by->independent_of_care);
    PutNested(j, "conducted_by", std::move(who));
  }
  json places = json::array();
  for (const auto& p : i.where_stayed) {
    json place;
    Put(place, "description", p.description);
    Put(place, "town", p.town);
    Put(place, "postcode", p.postcode);
    if (!place.empty()) places.push_back(std::move(place));
  }
  PutNested(j, "where_stayed", std::move(places));
  json people = json::array();
  for (const auto& a : i.with_whom) {
    json person;
    Put(person, "name", a.name);
    Put(person, "relationship", a.relationship);
    Put(person, "approx_age", a.approx_age);
    Put(person, "adult_of_concern", a.adult_of_concern);
    if (!person.empty()) people.push_back(std::move(person));
  }
  PutNested(j, "with_whom", std::move(people));
  PutNested(j, "push_factors", Codes(i.push_factors, model::kPushFactorNames));
  PutNested(j, "pull_factors", Codes(i.pull_factors, model::kPullFactorNames));
  if (i.harm) {
    json harm;
    Put(harm, "physical", i.harm->physical);
    Put(harm, "sexual", i.harm->sexual);
    Put(harm, "emotional", i.harm->emotional);
    Put(harm, "substance_misuse", i.harm->substance_misuse);
    Put(harm, "criminal_activity", i.harm->criminal_activity);
    Put(harm, "self_harm", i.harm->self_harm);
    PutNested(j, "harm", std::move(harm));
  }
  PutNested(j, "exploitation_indicators",
            Codes(i.exploitation_indicators, model::kExploitationNames));
  Put(j, "child_account", i.child_account);
  Put(j, "disclosures", i.disclosures);
  Put(j, "child_views", i.child_views);
  if (!i.risks_identified.empty()) j["risks_identified"] = i.risks_identified;
  json actions = json::array();
  for (const auto& a : i.actions) {
    json action;
    action["type"] = *model::kActionTypeNames.Name(a.type);
    Put(action, "to", a.to);
    Put(action, "detail", a.detail);
    actions.push_back(std::move(action));
  }
  PutNested(j, "actions", std::move(actions));
  if (i.consent) {
    json consent;
    Put(consent, "police", i.consent->police);
    Put(consent, "placing_authority", i.consent->placing_authority);
    Put(consent, "health", i.consent->health);
    Put(consent, "overridden_reason", i.consent->overridden_reason);
    PutNested(j, "consent", std::move(consent));
  }
  return j;
}

json EscalationJson(const model::Escalation& e) {
  json j;
  j["reason"] = *model::kEscalationReasonNames.Name(e.reason);
  Put(j, "raised_at", e.raised_at);
  Put(j, "episode_count", e.episode_count);
  Put(j, "window_days", e.window_days);
  Put(j, "detail", e.detail);
  return j;
}

}  // namespace

json ToJson(const model::Event& event) {
  json j;
  j["model"] = model::kModelId;
  j["kind"] = *model::kEventKindNames.Name(event.kind);
  PutNested(j, "header", HeaderJson(event.header));
  PutNested(j, "child", ChildJson(event.child));
  PutNested(j, "episode", EpisodeJson(event.episode));
  if (event.rhi) PutNested(j, "rhi", RhiJson(*event.rhi));
  if (event.escalation) j["escalation"] = EscalationJson(*event.escalation);
  return j;
}

}  // namespace isagw::adapters::canonical
