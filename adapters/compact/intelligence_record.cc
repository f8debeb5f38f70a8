// INTELLIGENCE: what a return home interview tells the police, flattened
// into one record (docs/formats/compact.md, "INTELLIGENCE records"). The
// interview's narrative (child_account, disclosures, child_views), its
// actions and consent are not columns: police receive the safeguarding
// intelligence, not the conversation.
#include <algorithm>
#include <string>
#include <vector>

#include "adapters/common/validators.h"
#include "adapters/compact/compact_codes.h"
#include "adapters/compact/police_time.h"
#include "adapters/compact/record_encoder.h"

namespace isagw::adapters::compact {
namespace {

using nlohmann::ordered_json;

// List columns separate items with ";", so an item's own ";" becomes ",".
std::string ListItem(std::string text) {
  std::replace(text.begin(), text.end(), ';', ',');
  return text;
}

std::string JoinItems(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += ListItem(item);
  }
  return out;
}

void PutList(ordered_json& r, const char* field, const std::vector<std::string>& items,
             std::string_view separator) {
  if (!items.empty()) r[field] = JoinItems(items, separator);
}

void PutTime(ordered_json& r, const char* field, const std::optional<model::Timestamp>& t) {
  if (t) r[field] = FormatPoliceDateTime(*t);
}

template <typename E, std::size_t N>
std::vector<std::string> Codes(const std::vector<E>& values, const CodeMap<E, N>& codes) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (E value : values) out.emplace_back(*codes.Name(value));
  return out;
}

// "Marsh Lane flat, Derby, DE23 6AB"
std::string PlaceItem(const model::PlaceStayed& place) {
  std::vector<std::string> parts;
  for (const auto* part : {&place.description, &place.town, &place.postcode}) {
    if (*part) parts.push_back(**part);
  }
  return JoinItems(parts, ", ");
}

// "Jay (friend, approx age 19, adult of concern)"
std::string AssociateItem(const model::Associate& who) {
  std::vector<std::string> details;
  if (who.relationship) details.push_back(*who.relationship);
  if (who.approx_age) details.push_back("approx age " + std::to_string(*who.approx_age));
  if (who.adult_of_concern) {
    details.emplace_back(*who.adult_of_concern ? "adult of concern" : "not an adult of concern");
  }
  std::string item = who.name.value_or("name not known");
  if (!details.empty()) item += " (" + JoinItems(details, ", ") + ")";
  return item;
}

std::vector<std::string> HarmCodes(const model::Harm& harm) {
  std::vector<std::string> out;
  const std::pair<const std::optional<bool>*, const char*> flags[] = {
      {&harm.physical, "PHYSICAL"},
      {&harm.sexual, "SEXUAL"},
      {&harm.emotional, "EMOTIONAL"},
      {&harm.substance_misuse, "SUBSTANCE_MISUSE"},
      {&harm.criminal_activity, "CRIMINAL_ACTIVITY"},
      {&harm.self_harm, "SELF_HARM"}};
  for (const auto& [flag, code] : flags) {
    if (flag->value_or(false)) out.emplace_back(code);
  }
  return out;
}

}  // namespace

Result<ordered_json, FieldErrors> EncodeIntelligence(const model::Event& event) {
  if (!event.rhi) {
    return Fail(FieldErrors{{"/rhi", "required", "an rhi_recorded event needs its interview"}});
  }
  const model::ReturnHomeInterview& rhi = *event.rhi;
  FieldErrors errors;

  // The interview's own references first; else the episode's.
  std::vector<std::string> refs = rhi.police_refs;
  std::string refs_pointer = "/rhi/police_refs";
  if (refs.empty() && event.episode.police_ref) {
    refs.push_back(*event.episode.police_ref);
    refs_pointer = "/episode/police_ref";
  }
  if (refs.empty()) {
    errors.push_back({"/rhi/police_refs", "required",
                      "an INTELLIGENCE record needs the police occurrence reference"});
  }
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!IsValidOccurrenceRef(refs[i])) {
      errors.push_back(
          {rhi.police_refs.empty() ? refs_pointer : refs_pointer + "/" + std::to_string(i),
           "pattern", "not a police occurrence reference"});
    }
  }

  ordered_json r = ordered_json::object();
  r["RecordType"] = kIntelligence;
  if (event.episode.force_code) r["ForceCode"] = *event.episode.force_code;
  if (!refs.empty()) r["OccurrenceRef"] = refs.front();
  if (refs.size() > 1) {
    PutList(r, "RelatedOccurrenceRefs", std::vector<std::string>(refs.begin() + 1, refs.end()),
            ";");
  }
  r["IntelligenceSource"] = "RHI";
  if (rhi.provider_id) r["ProviderId"] = *rhi.provider_id;
  if (rhi.interview_id) r["InterviewId"] = *rhi.interview_id;
  PutTime(r, "ReturnedDateTime", rhi.returned_at);
  PutTime(r, "InterviewOfferedDateTime", rhi.offered_at);
  PutTime(r, "InterviewCompletedDateTime", rhi.completed_at);
  if (rhi.outcome) r["InterviewOutcome"] = *kRhiOutcomes.Name(*rhi.outcome);
  PutChildIdentity(r, event.child, errors);

  std::vector<std::string> places;
  for (const auto& place : rhi.where_stayed) places.push_back(PlaceItem(place));
  PutList(r, "LocationsVisited", places, "; ");
  std::vector<std::string> associates;
  for (const auto& who : rhi.with_whom) associates.push_back(AssociateItem(who));
  PutList(r, "Associates", associates, "; ");
  PutList(r, "ExploitationIndicators", Codes(rhi.exploitation_indicators, kExploitationCodes), ";");
  PutList(r, "PushFactors", Codes(rhi.push_factors, kPushFactorCodes), ";");
  PutList(r, "PullFactors", Codes(rhi.pull_factors, kPullFactorCodes), ";");
  if (rhi.harm) PutList(r, "HarmIndicators", HarmCodes(*rhi.harm), ";");
  PutList(r, "RisksIdentified", rhi.risks_identified, "; ");

  if (!errors.empty()) return Fail(std::move(errors));
  return r;
}

}  // namespace isagw::adapters::compact
