// Canonical JSON -> Event, strictly: docs/model.md is the specification
// of every rule applied here, and schemas/canonical.schema.json says the
// same in JSON Schema.
#include <algorithm>
#include <limits>
#include <utility>

#include "adapters/canonical/canonical.h"
#include "adapters/canonical/field_reader.h"
#include "adapters/canonical/limits.h"
#include "adapters/common/validators.h"

namespace isagw::adapters::canonical {
namespace {

using nlohmann::json;

constexpr long long kMaxInt = std::numeric_limits<int>::max();

// ---- value checks (Checks::kFull only) and code-list checks (always) ----

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Verdict> CheckNhsNumber(std::string_view text) {
  if (text.size() != 10 || !AllDigits(text)) {
    return Verdict{"pattern", "must be 10 digits without spaces"};
  }
  if (!IsValidNhsNumber(text)) {
    return Verdict{"nhs_checksum", "the check digit does not match (modulus 11)"};
  }
  return std::nullopt;
}

std::optional<Verdict> CheckPostcode(std::string_view text) {
  // Canonical postcodes are already normalised: one spelling per place.
  auto normalised = NormalisePostcode(text);
  if (!normalised || *normalised != text) {
    return Verdict{"postcode", "must be a UK postcode in normalised form, like DE22 3AB"};
  }
  return std::nullopt;
}

std::optional<Verdict> CheckLaNumber(std::string_view text) {
  if (!IsValidLaNumber(text)) {
    return Verdict{"la_number", "must be a DfE local authority number of three digits"};
  }
  return std::nullopt;
}

std::optional<Verdict> CheckPoliceRef(std::string_view text) {
  if (!IsValidOccurrenceRef(text)) {
    return Verdict{"pattern", "must be a police occurrence reference like DB/21/2026/004512"};
  }
  return std::nullopt;
}

std::optional<Verdict> CheckForceCode(std::string_view text) {
  const bool ok = text.size() >= 2 && text.size() <= 12 &&
                  std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) return Verdict{"pattern", "must be 2 to 12 capital letters, like DERBYS"};
  return std::nullopt;
}

std::optional<Verdict> CheckEmail(std::string_view text) {
  const auto at = text.find('@');
  const bool ok = at != std::string_view::npos && at > 0 && at + 1 < text.size() &&
                  text.find('@', at + 1) == std::string_view::npos &&
                  std::none_of(text.begin(), text.end(), [](char c) {
                    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
                           c == '\v';
                  });
  if (!ok) return Verdict{"pattern", "must be an email address"};
  return std::nullopt;
}

std::optional<Verdict> CheckPhone(std::string_view text) {
  const bool chars_ok = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == '(' || c == ')' || c == '-' || c == ' ';
  });
  const bool has_digit =
      std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!chars_ok || !has_digit) {
    return Verdict{"pattern", "must be a phone number of digits, spaces, +, -, ( and )"};
  }
  return std::nullopt;
}

std::optional<Verdict> CheckLegalStatus(std::string_view text) {
  if (!IsLegalStatusCode(text)) return Verdict{"enum", "is not an SSDA903 legal status code"};
  return std::nullopt;
}

std::optional<Verdict> CheckPlacementType(std::string_view text) {
  if (!IsPlacementTypeCode(text)) {
    return Verdict{"enum", "is not an SSDA903 placement type code"};
  }
  return std::nullopt;
}

// A check that only Checks::kFull applies: redacted trees may hold masked
// or pseudonymised values that no longer look like the original.
TextCheck ValueCheck(const ReadLog& log, TextCheck check) {
  return log.value_checks ? std::move(check) : TextCheck{};
}

// An object member to read as a section. Absent, wrong-typed (recorded)
// and empty objects all yield nothing: canonical JSON omits empty
// objects, and redaction may leave some behind.
std::optional<FieldReader> Section(FieldReader& parent, std::string_view key) {
  auto nested = parent.Object(key);
  if (nested && nested->size() == 0) return std::nullopt;
  return nested;
}

template <typename T>
std::optional<T> UnlessEmpty(T value) {
  if (value == T{}) return std::nullopt;
  return value;
}

// ---- sections ----

model::MessageHeader ReadHeader(FieldReader& r) {
  ReadLog& log = r.log();
  model::MessageHeader h;
  h.message_id = r.Text("message_id", kMaxIdChars);
  h.sent_at = r.Instant("sent_at");
  h.from_la = r.Text("from_la", kMaxIdChars, ValueCheck(log, CheckLaNumber));
  h.to_la = r.Text("to_la", kMaxIdChars, ValueCheck(log, CheckLaNumber));
  r.Finish();
  return h;
}

std::optional<model::Ethnicity> ReadEthnicity(FieldReader& r) {
  const bool has_scheme = r.Require("scheme");
  const bool has_code = r.Require("code");
  auto scheme = r.Code("scheme", model::kEthnicitySchemeNames);
  // The code list depends on the scheme; without a scheme, only the text.
  TextCheck check;
  if (scheme) {
    check = [s = *scheme](std::string_view code) -> std::optional<Verdict> {
      const bool ok = s == model::EthnicityScheme::kPolice16Plus1 ? IsPoliceEthnicityCode(code)
                                                                  : IsDfeEthnicityCode(code);
      if (!ok) return Verdict{"enum", "is not an ethnicity code of the stated scheme"};
      return std::nullopt;
    };
  }
  auto code = r.Text("code", kMaxIdChars, check);
  r.Finish();
  if (!has_scheme || !has_code || !scheme || !code) return std::nullopt;
  return model::Ethnicity{*scheme, *code};
}

model::Child ReadChild(FieldReader& r) {
  ReadLog& log = r.log();
  model::Child c;
  c.forename = r.Text("forename", kMaxNameChars);
  c.surname = r.Text("surname", kMaxNameChars);
  c.date_of_birth = r.Day("date_of_birth");
  c.sex = r.Code("sex", model::kSexNames);
  if (auto e = Section(r, "ethnicity")) c.ethnicity = ReadEthnicity(*e);
  c.nhs_number = r.Text("nhs_number", kMaxIdChars, ValueCheck(log, CheckNhsNumber));
  if (auto p = Section(r, "council_person_id")) {
    model::CouncilPersonId id;
    id.la = p->Text("la", kMaxIdChars, ValueCheck(log, CheckLaNumber));
    const bool has_person = p->Require("person_id");
    auto person = p->Text("person_id", kMaxIdChars);
    p->Finish();
    if (has_person && person) {
      id.person_id = *person;
      c.council_person_id = id;
    }
  }
  if (auto h = Section(r, "home")) {
    model::Address a;
    a.text = h->Text("text", kMaxPlaceChars);
    a.postcode = h->Text("postcode", kMaxIdChars, ValueCheck(log, CheckPostcode));
    h->Finish();
    c.home = UnlessEmpty(a);
  }
  c.looked_after = r.Code("looked_after", model::kAnswerNames);
  c.legal_status = r.Text("legal_status", kMaxIdChars, CheckLegalStatus);
  c.responsible_la = r.Text("responsible_la", kMaxIdChars, ValueCheck(log, CheckLaNumber));
  if (auto p = Section(r, "placement")) {
    model::Placement pl;
    pl.type = p->Text("type", kMaxIdChars, CheckPlacementType);
    pl.postcode = p->Text("postcode", kMaxIdChars, ValueCheck(log, CheckPostcode));
    pl.provider = p->Text("provider", kMaxNameChars);
    p->Finish();
    c.placement = UnlessEmpty(pl);
  }
  if (auto s = Section(r, "social_worker")) {
    model::SocialWorker w;
    w.name = s->Text("name", kMaxNameChars);
    w.team = s->Text("team", kMaxNameChars);
    w.phone = s->Text("phone", kMaxPhoneChars, ValueCheck(log, CheckPhone));
    w.email = s->Text("email", kMaxEmailChars, ValueCheck(log, CheckEmail));
    s->Finish();
    c.social_worker = UnlessEmpty(w);
  }
  r.Finish();
  return c;
}

std::optional<model::Location> ReadLocation(FieldReader& r) {
  model::Location l;
  l.description = r.Text("description", kMaxPlaceChars);
  l.postcode = r.Text("postcode", kMaxIdChars, ValueCheck(r.log(), CheckPostcode));
  r.Finish();
  return UnlessEmpty(l);
}

model::EpisodeFacts ReadEpisode(FieldReader& r) {
  ReadLog& log = r.log();
  model::EpisodeFacts e;
  e.police_ref = r.Text("police_ref", kMaxIdChars, ValueCheck(log, CheckPoliceRef));
  e.force_code = r.Text("force_code", kMaxIdChars, ValueCheck(log, CheckForceCode));
  e.record_version = r.Integer("record_version", 1, kMaxInt);
  e.missing_type = r.Code("missing_type", model::kMissingTypeNames);
  e.missing_from = r.Code("missing_from", model::kMissingFromNames);
  e.reported_at = r.Instant("reported_at");
  e.last_seen_at = r.Instant("last_seen_at");
  e.found_at = r.Instant("found_at");
  e.safe_and_well_at = r.Instant("safe_and_well_at");
  if (auto l = Section(r, "last_seen_location")) e.last_seen_location = ReadLocation(*l);
  if (auto l = Section(r, "found_location")) e.found_location = ReadLocation(*l);
  e.found_by = r.Code("found_by", model::kFoundByNames);
  e.safe_and_well_completed = r.Flag("safe_and_well_completed");
  if (auto k = Section(r, "risk")) {
    const bool has_level = k->Require("level");
    auto level = k->Code("level", model::kRiskLevelNames);
    auto rationale = k->Text("rationale", kMaxNarrativeChars);
    k->Finish();
    if (has_level && level) e.risk = model::RiskAssessment{*level, rationale};
  }
  if (auto x = Section(r, "exploitation")) {
    for (const auto& [concern, name] : model::kExploitationNames.entries) {
      e.exploitation.For(concern) = x->Flag(name);
    }
    x->Finish();
  }
  e.circumstances = r.Text("circumstances", kMaxNarrativeChars);
  e.officer_in_case = r.Text("officer_in_case", kMaxNameChars);
  e.previous_episodes = r.Integer("previous_episodes", 0, kMaxInt);
  r.Finish();
  return e;
}

// Items of an array of objects: wrong-typed items are recorded, empty
// ones skipped (as canonical JSON omits empty objects).
template <typename Fn>
void ForEachObject(FieldReader& r, std::string_view key, Fn read) {
  r.Array(key, [&](const json& item, const std::string& at) {
    FieldReader element(r.log(), item, at);
    if (!element.is_object() || element.size() == 0) return;
    read(element);
    element.Finish();
  });
}

model::ReturnHomeInterview ReadRhi(FieldReader& r) {
  ReadLog& log = r.log();
  model::ReturnHomeInterview i;
  i.provider_id = r.Text("provider_id", kMaxIdChars);
  i.interview_id = r.Text("interview_id", kMaxIdChars);
  i.police_refs = r.TextList("police_refs", kMaxIdChars, ValueCheck(log, CheckPoliceRef));
  i.returned_at = r.Instant("returned_at");
  i.offered_at = r.Instant("offered_at");
  i.completed_at = r.Instant("completed_at");
  i.outcome = r.Code("outcome", model::kRhiOutcomeNames);
  i.outcome_reason = r.Text("outcome_reason", kMaxNarrativeChars);
  if (auto c = Section(r, "conducted_by")) {
    model::Interviewer who;
    who.name = c->Text("name", kMaxNameChars);
    who.role = c->Text("role", kMaxNameChars);
    who.independent_of_care = c->Flag("independent_of_care");
    c->Finish();
    i.conducted_by = UnlessEmpty(who);
  }
  ForEachObject(r, "where_stayed", [&](FieldReader& p) {
    model::PlaceStayed place;
    place.description = p.Text("description", kMaxPlaceChars);
    place.town = p.Text("town", kMaxNameChars);
    place.postcode = p.Text("postcode", kMaxIdChars, ValueCheck(log, CheckPostcode));
    if (place != model::PlaceStayed{}) i.where_stayed.push_back(std::move(place));
  });
  ForEachObject(r, "with_whom", [&](FieldReader& p) {
    model::Associate person;
    person.name = p.Text("name", kMaxNameChars);
    person.relationship = p.Text("relationship", kMaxNameChars);
    person.approx_age = p.Integer("approx_age", 0, 120);
    person.adult_of_concern = p.Flag("adult_of_concern");
    if (person != model::Associate{}) i.with_whom.push_back(std::move(person));
  });
  i.push_factors = r.CodeList("push_factors", model::kPushFactorNames);
  i.pull_factors = r.CodeList("pull_factors", model::kPullFactorNames);
  if (auto h = Section(r, "harm")) {
    model::Harm harm;
    harm.physical = h->Flag("physical");
    harm.sexual = h->Flag("sexual");
    harm.emotional = h->Flag("emotional");
    harm.substance_misuse = h->Flag("substance_misuse");
    harm.criminal_activity = h->Flag("criminal_activity");
    harm.self_harm = h->Flag("self_harm");
    h->Finish();
    i.harm = UnlessEmpty(harm);
  }
  i.exploitation_indicators = r.CodeList("exploitation_indicators", model::kExploitationNames);
  i.child_account = r.Text("child_account", kMaxNarrativeChars);
  i.disclosures = r.Text("disclosures", kMaxNarrativeChars);
  i.child_views = r.Text("child_views", kMaxNarrativeChars);
  i.risks_identified = r.TextList("risks_identified", kMaxNarrativeChars);
  ForEachObject(r, "actions", [&](FieldReader& a) {
    const bool has_type = a.Require("type");
    auto type = a.Code("type", model::kActionTypeNames);
    auto to = a.Text("to", kMaxNameChars);
    auto detail = a.Text("detail", kMaxNarrativeChars);
    if (has_type && type) i.actions.push_back(model::RhiAction{*type, to, detail});
  });
  if (auto c = Section(r, "consent")) {
    model::Consent consent;
    consent.police = c->Flag("police");
    consent.placing_authority = c->Flag("placing_authority");
    consent.health = c->Flag("health");
    consent.overridden_reason = c->Text("overridden_reason", kMaxNarrativeChars);
    c->Finish();
    i.consent = UnlessEmpty(consent);
  }
  r.Finish();
  return i;
}

std::optional<model::Escalation> ReadEscalation(FieldReader& r) {
  const bool has_reason = r.Require("reason");
  model::Escalation e;
  auto reason = r.Code("reason", model::kEscalationReasonNames);
  e.raised_at = r.Instant("raised_at");
  e.episode_count = r.Integer("episode_count", 1, kMaxInt);
  e.window_days = r.Integer("window_days", 1, 3660);
  e.detail = r.Text("detail", kMaxNarrativeChars);
  r.Finish();
  if (!has_reason || !reason) return std::nullopt;
  e.reason = *reason;
  return e;
}

// ---- rules across fields ----

// Whether `document` has a member `key` inside its object `section`.
// nullopt when the section is there but not an object: a type error was
// already recorded, and a rule about its members would only add noise.
std::optional<bool> HasMember(const json& document, std::string_view section,
                              std::string_view key) {
  auto s = document.find(section);
  if (s == document.end()) return false;
  if (!s->is_object()) return std::nullopt;
  return s->contains(key);
}

// Whether a section is there with something in it (empty objects count
// as absent, as canonical JSON omits them).
bool HasSection(const json& document, std::string_view section) {
  auto s = document.find(section);
  return s != document.end() && !(s->is_object() && s->empty());
}

void RequireMember(ReadLog& log, const json& document, std::string_view section,
                   std::string_view key, const std::string& kind) {
  if (HasMember(document, section, key) == false) {
    log.Error(JoinPointer(JoinPointer("", std::string(section)), std::string(key)), "required",
              "is required for a " + kind + " event");
  }
}

void RequireSection(ReadLog& log, const json& document, std::string_view section,
                    const std::string& kind) {
  if (!HasSection(document, section)) {
    log.Error(JoinPointer("", std::string(section)), "required",
              "is required for a " + kind + " event");
  }
}

// docs/model.md, "Rules for each kind of event".
void CheckKindRules(ReadLog& log, const json& document, model::EventKind kind) {
  using model::EventKind;
  const std::string name(*model::kEventKindNames.Name(kind));
  switch (kind) {
    case EventKind::kMissingReported:
    case EventKind::kClosed:
      RequireMember(log, document, "episode", "police_ref", name);
      break;
    case EventKind::kRiskReviewed:
      RequireMember(log, document, "episode", "police_ref", name);
      RequireMember(log, document, "episode", "risk", name);
      break;
    case EventKind::kFound:
      RequireMember(log, document, "episode", "police_ref", name);
      RequireMember(log, document, "episode", "found_at", name);
      break;
    case EventKind::kRhiRecorded:
      if (HasSection(document, "rhi")) {
        RequireMember(log, document, "rhi", "outcome", name);
      } else {
        RequireSection(log, document, "rhi", name);
      }
      break;
    case EventKind::kEscalation:
      RequireSection(log, document, "escalation", name);
      break;
    case EventKind::kPlacementNotified:
    case EventKind::kRhiReferred:
      break;
  }
  if (kind != EventKind::kEscalation && HasSection(document, "escalation")) {
    log.Error("/escalation", "inconsistent", "only escalation events carry an escalation");
  }
  if (kind != EventKind::kRhiReferred && kind != EventKind::kRhiRecorded &&
      kind != EventKind::kEscalation && HasSection(document, "rhi")) {
    log.Error("/rhi", "inconsistent",
              "only rhi_referred, rhi_recorded and escalation events carry an interview");
  }
}

// Times that cannot be in the order given.
void CheckTimeOrder(ReadLog& log, const model::Event& e) {
  const auto& ep = e.episode;
  if (ep.found_at && ep.last_seen_at && *ep.found_at < *ep.last_seen_at) {
    log.Error("/episode/found_at", "inconsistent", "is before last_seen_at");
  }
  if (ep.safe_and_well_at && ep.found_at && *ep.safe_and_well_at < *ep.found_at) {
    log.Error("/episode/safe_and_well_at", "inconsistent", "is before found_at");
  }
  if (e.rhi && e.rhi->completed_at) {
    if (e.rhi->offered_at && *e.rhi->completed_at < *e.rhi->offered_at) {
      log.Error("/rhi/completed_at", "inconsistent", "is before offered_at");
    } else if (e.rhi->returned_at && *e.rhi->completed_at < *e.rhi->returned_at) {
      log.Error("/rhi/completed_at", "inconsistent", "is before returned_at");
    }
  }
}

}  // namespace

Result<Decoded, FieldErrors> FromJson(const json& document, const DecodeOptions& options,
                                      Checks checks) {
  ReadLog log;
  log.lenient = options.lenient;
  log.value_checks = checks == Checks::kFull;
  FieldReader root(log, document, "");
  if (!root.is_object()) return Fail(std::move(log.errors));

  Decoded out;
  model::Event& event = out.event;
  if (root.Require("model")) {
    auto id = root.Text("model", kMaxIdChars);
    if (id && *id != model::kModelId) {
      log.Error("/model", "enum", "must be " + std::string(model::kModelId));
    }
  }
  std::optional<model::EventKind> kind;
  if (root.Require("kind")) kind = root.Code("kind", model::kEventKindNames);
  if (kind) event.kind = *kind;

  if (auto h = Section(root, "header")) event.header = ReadHeader(*h);
  if (auto c = Section(root, "child")) event.child = ReadChild(*c);
  if (auto e = Section(root, "episode")) event.episode = ReadEpisode(*e);
  if (auto r = Section(root, "rhi")) event.rhi = UnlessEmpty(ReadRhi(*r));
  if (auto x = Section(root, "escalation")) event.escalation = ReadEscalation(*x);
  root.Finish();

  if (log.value_checks) {
    if (kind) CheckKindRules(log, document, *kind);
    CheckTimeOrder(log, event);
    if (auto fault = CheckBirthDate(event)) {
      log.Error("/child/date_of_birth", std::string(fault->code), std::string(fault->reason));
    }
  }
  if (!log.errors.empty()) return Fail(std::move(log.errors));
  out.dropped_fields = std::move(log.dropped);
  return out;
}

Result<Decoded, FieldErrors> FromJson(const json& document, const DecodeOptions& options) {
  return FromJson(document, options, Checks::kFull);
}

}  // namespace isagw::adapters::canonical
