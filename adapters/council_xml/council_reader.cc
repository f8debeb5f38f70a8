#include "adapters/council_xml/council_reader.h"

#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/common/uk_time.h"
#include "adapters/common/validators.h"
#include "adapters/council_xml/council_codes.h"
#include "adapters/council_xml/council_xml.h"
#include "adapters/council_xml/untrusted_xml.h"

namespace isagw::adapters::council_xml {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

template <typename T>
std::optional<T> UnlessEmpty(T value) {
  if (value == T{}) return std::nullopt;
  return value;
}

// A timestamp as council XML writes it: with "Z", with an offset, or
// without a zone (UK local time). The XSD has checked the shape.
struct TimeVerdict {
  std::optional<model::Timestamp> time;
  const char* code = "datetime";
};

TimeVerdict ParseCouncilTime(std::string_view text) {
  TimeVerdict verdict;
  if (text.size() != 19) {
    verdict.time = model::ParseRfc3339(text);
    return verdict;
  }
  // Without a zone: check it as if it were UTC, then read it as UK time.
  const std::string as_utc = std::string(text) + "Z";
  const auto checked = model::ParseRfc3339(as_utc);
  if (!checked) return verdict;
  const LocalTime local{checked->time_since_epoch()};
  auto utc = UkLocalToUtc(local);
  if (!utc) {
    verdict.code = "nonexistent_local_time";
    return verdict;
  }
  verdict.time = *utc;
  return verdict;
}

// Reads one element of the document: its children by name, with the
// path of each for errors.
class Section {
 public:
  Section(const xmlNode* element, std::string path, ErrorLog& log)
      : element_(element), path_(std::move(path)), log_(&log) {}

  bool present() const { return element_ != nullptr; }
  const std::string& path() const { return path_; }
  ErrorLog& log() const { return *log_; }
  std::string PathTo(std::string_view name) const { return path_ + "/" + std::string(name); }

  const xmlNode* Child(std::string_view name) const {
    if (element_ == nullptr) return nullptr;
    for (const xmlNode* c = element_->children; c != nullptr; c = c->next) {
      if (IsElementIn(c, kNamespace) && LocalName(c) == name) return c;
    }
    return nullptr;
  }
  bool Has(std::string_view name) const { return Child(name) != nullptr; }

  Section Nested(std::string_view name) const { return {Child(name), PathTo(name), *log_}; }

  // The items of a list element: <Actions><Action/>...</Actions>.
  std::vector<Section> Items(std::string_view list, std::string_view item) const {
    std::vector<Section> out;
    const Section wrapper = Nested(list);
    if (!wrapper.present()) return out;
    for (const xmlNode* c = wrapper.element_->children; c != nullptr; c = c->next) {
      if (!IsElementIn(c, kNamespace) || LocalName(c) != item) continue;
      out.emplace_back(c, wrapper.PathTo(item) + "[" + std::to_string(out.size() + 1) + "]",
                       *log_);
    }
    return out;
  }

  // Text as sent; text of only white space counts as empty.
  std::optional<std::string> Text(std::string_view name) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    return CheckedText(TextOf(c), PathTo(name));
  }
  std::optional<std::string> OwnText() const {
    if (element_ == nullptr) return std::nullopt;
    return CheckedText(TextOf(element_), path_);
  }

  template <typename E, std::size_t N>
  std::optional<E> Code(std::string_view name, const CodeMap<E, N>& codes) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    return CodeOf(TextOf(c), PathTo(name), codes);
  }
  template <typename E, std::size_t N>
  std::optional<E> CodeOf(const std::string& text, const std::string& at,
                          const CodeMap<E, N>& codes) const {
    auto value = codes.Find(text);
    if (!value) log_->Add(at, "enum", "is not one of the allowed codes");
    return value;
  }

  std::optional<bool> Flag(std::string_view name) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    const std::string text = TextOf(c);
    if (text == kTrue) return true;
    if (text == kFalse) return false;
    log_->Add(PathTo(name), "enum", "must be true or false");
    return std::nullopt;
  }

  std::optional<model::Timestamp> Instant(std::string_view name) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    return InstantOf(TextOf(c), PathTo(name));
  }
  std::optional<model::Timestamp> InstantOf(std::string_view text, const std::string& at) const {
    const TimeVerdict verdict = ParseCouncilTime(text);
    if (!verdict.time) {
      log_->Add(at, verdict.code,
                std::string_view(verdict.code) == "datetime"
                    ? "must be a real date and time like 2026-11-22T19:05:00Z"
                    : "is a UK local time that did not exist (the clocks went forward)");
    }
    return verdict.time;
  }

  std::optional<model::Date> Day(std::string_view name) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    auto date = model::ParseIsoDate(TextOf(c));
    if (!date) log_->Add(PathTo(name), "date", "must be a real date like 2010-05-04");
    return date;
  }

  std::optional<int> Integer(std::string_view name, int min, int max) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    const std::string text = TextOf(c);
    const std::string_view digits = Trim(text);
    int value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size()) {
      log_->Add(PathTo(name), "type", "must be a whole number");
      return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
      log_->Add(PathTo(name), "range", "is out of the allowed range");
      return std::nullopt;
    }
    return value;
  }

  // Text that must pass a check (an LA number, an occurrence reference...).
  std::optional<std::string> Checked(std::string_view name, bool (*valid)(std::string_view),
                                     const char* code, const char* reason) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    return CheckedWith(TextOf(c), PathTo(name), valid, code, reason);
  }
  std::optional<std::string> CheckedWith(std::string text, const std::string& at,
                                         bool (*valid)(std::string_view), const char* code,
                                         const char* reason) const {
    if (!valid(text)) {
      log_->Add(at, code, reason);
      return std::nullopt;
    }
    return text;
  }

  std::optional<std::string> LaNumber(std::string_view name) const {
    return Checked(name, IsValidLaNumber, "la_number",
                   "must be a DfE local authority number of three digits");
  }

  // A postcode, normalised ("de223ab" -> "DE22 3AB").
  std::optional<std::string> Postcode(std::string_view name) const {
    const xmlNode* c = Child(name);
    if (c == nullptr) return std::nullopt;
    auto normalised = NormalisePostcode(TextOf(c));
    if (!normalised) log_->Add(PathTo(name), "postcode", "must be a full UK postcode, like DE22 3AB");
    return normalised;
  }

 private:
  std::optional<std::string> CheckedText(std::string text, const std::string& at) const {
    if (Trim(text).empty()) {
      log_->Add(at, "empty", "must not be empty; leave the element out instead");
      return std::nullopt;
    }
    return text;
  }

  const xmlNode* element_;
  std::string path_;
  ErrorLog* log_;
};

std::optional<std::string> PoliceRefOf(const Section& s, std::string_view name) {
  return s.Checked(name, IsValidOccurrenceRef, "pattern",
                   "must be a police occurrence reference like DB/21/2026/004512");
}

// ---- sections ----

model::MessageHeader ReadHeader(const Section& s) {
  model::MessageHeader h;
  h.message_id = s.Text("MessageId");
  h.sent_at = s.Instant("SentAt");
  h.from_la = s.LaNumber("FromLA");
  h.to_la = s.LaNumber("ToLA");
  return h;
}

std::optional<model::CouncilPersonId> ReadPersonId(const Section& child,
                                                   const std::optional<std::string>& from_la) {
  const xmlNode* node = child.Child("PersonId");
  if (node == nullptr) return std::nullopt;
  const Section id(node, child.PathTo("PersonId"), child.log());
  auto person = id.OwnText();
  if (!person) return std::nullopt;
  model::CouncilPersonId out;
  out.person_id = *person;
  // The id is the sender's unless @la names another council.
  out.la = from_la;
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (a->ns != nullptr || std::string_view(reinterpret_cast<const char*>(a->name)) != "la") {
      continue;
    }
    std::string la;
    for (const xmlNode* t = a->children; t != nullptr; t = t->next) {
      if (t->content != nullptr) la += reinterpret_cast<const char*>(t->content);
    }
    out.la = id.CheckedWith(la, id.path() + "/@la", IsValidLaNumber, "la_number",
                            "must be a DfE local authority number of three digits");
  }
  return out;
}

std::optional<model::Ethnicity> ReadEthnicity(const Section& s) {
  auto code = s.Checked("Ethnicity", IsDfeEthnicityCode, "enum",
                        "is not a DfE ethnicity code");
  if (!code) return std::nullopt;
  return model::Ethnicity{model::EthnicityScheme::kDfE, *code};
}

model::Child ReadChild(const Section& s, const std::optional<std::string>& from_la) {
  model::Child c;
  c.council_person_id = ReadPersonId(s, from_la);
  c.nhs_number = s.Text("NHSNumber");
  if (c.nhs_number && !IsValidNhsNumber(*c.nhs_number)) {
    s.log().Add(s.PathTo("NHSNumber"), "nhs_checksum",
                "the check digit does not match (modulus 11)");
    c.nhs_number.reset();
  }
  c.forename = s.Text("Forename");
  c.surname = s.Text("Surname");
  c.date_of_birth = s.Day("DateOfBirth");
  c.sex = s.Code("Sex", kSexCodes);
  c.ethnicity = ReadEthnicity(s);
  if (const Section home = s.Nested("Home"); home.present()) {
    model::Address a;
    a.text = home.Text("Address");
    a.postcode = home.Postcode("Postcode");
    c.home = UnlessEmpty(a);
  }
  if (auto looked_after = s.Flag("LookedAfter")) {
    c.looked_after = *looked_after ? model::Answer::kYes : model::Answer::kNo;
  }
  c.legal_status = s.Checked("LegalStatus", IsLegalStatusCode, "enum",
                             "is not an SSDA903 legal status code");
  c.responsible_la = s.LaNumber("ResponsibleLA");
  if (const Section p = s.Nested("Placement"); p.present()) {
    model::Placement placement;
    placement.type = p.Checked("Type", IsPlacementTypeCode, "enum",
                               "is not an SSDA903 placement type code");
    placement.postcode = p.Postcode("Postcode");
    placement.provider = p.Text("Provider");
    c.placement = UnlessEmpty(placement);
  }
  if (const Section w = s.Nested("SocialWorker"); w.present()) {
    model::SocialWorker worker;
    worker.name = w.Text("Name");
    worker.team = w.Text("Team");
    worker.phone = w.Text("Phone");
    worker.email = w.Text("Email");
    c.social_worker = UnlessEmpty(worker);
  }
  return c;
}

// A place in free text, with the postcode given beside it or, failing
// that, the one written in the text.
template <typename T>
void ReadPlace(const Section& s, const char* text_element, T& place) {
  place.description = s.Text(text_element);
  if (s.Has("Postcode")) {
    place.postcode = s.Postcode("Postcode");
  } else if (place.description) {
    place.postcode = FindPostcodeInText(*place.description);
  }
}

std::optional<model::Location> ReadLocation(const Section& s) {
  if (!s.present()) return std::nullopt;
  model::Location l;
  ReadPlace(s, "Description", l);
  return UnlessEmpty(l);
}

model::EpisodeFacts ReadEpisode(const Section& s) {
  model::EpisodeFacts e;
  e.police_ref = PoliceRefOf(s, "PoliceRef");
  e.force_code = s.Text("ForceCode");
  e.missing_type = s.Code("MissingType", kMissingTypeCodes);
  e.missing_from = s.Code("MissingFrom", kMissingFromCodes);
  e.reported_at = s.Instant("ReportedAt");
  e.last_seen_at = s.Instant("Start");
  // <End/> is an episode still open.
  if (const xmlNode* end = s.Child("End"); end != nullptr && !TextOf(end).empty()) {
    e.found_at = s.InstantOf(TextOf(end), s.PathTo("End"));
  }
  e.last_seen_location = ReadLocation(s.Nested("LastSeenLocation"));
  e.found_location = ReadLocation(s.Nested("FoundLocation"));
  e.found_by = s.Code("FoundBy", kFoundByCodes);
  e.safe_and_well_at = s.Instant("SafeAndWellAt");
  e.safe_and_well_completed = s.Flag("SafeAndWellCompleted");
  auto level = s.Code("RiskLevel", kRiskLevelCodes);
  auto rationale = s.Text("RiskRationale");
  if (level) {
    e.risk = model::RiskAssessment{*level, rationale};
  } else if (rationale && !s.Has("RiskLevel")) {
    s.log().Add(s.PathTo("RiskLevel"), "required", "is required when RiskRationale is given");
  }
  for (const Section& concern : s.Items("Exploitation", "Concern")) {
    if (auto text = concern.OwnText()) {
      if (auto e_kind = concern.CodeOf(*text, concern.path(), kConcernCodes)) {
        e.exploitation.For(*e_kind) = true;
      }
    }
  }
  e.circumstances = s.Text("Circumstances");
  e.officer_in_case = s.Text("OfficerInCase");
  return e;
}

template <typename E, std::size_t N>
std::vector<E> CodeItems(const Section& s, std::string_view list, std::string_view item,
                         const CodeMap<E, N>& codes) {
  std::vector<E> out;
  for (const Section& i : s.Items(list, item)) {
    if (auto text = i.OwnText()) {
      if (auto value = i.CodeOf(*text, i.path(), codes)) out.push_back(*value);
    }
  }
  return out;
}

model::ReturnHomeInterview ReadRhi(const Section& s) {
  model::ReturnHomeInterview r;
  r.provider_id = s.Text("ProviderId");
  r.interview_id = s.Text("InterviewId");
  for (const Section& ref : s.Items("PoliceRefs", "PoliceRef")) {
    if (auto text = ref.OwnText()) {
      if (auto valid = ref.CheckedWith(*text, ref.path(), IsValidOccurrenceRef, "pattern",
                                       "must be a police occurrence reference like "
                                       "DB/21/2026/004512")) {
        r.police_refs.push_back(*valid);
      }
    }
  }
  r.returned_at = s.Instant("ReturnedAt");
  r.offered_at = s.Instant("OfferedAt");
  r.completed_at = s.Instant("CompletedAt");
  r.outcome = s.Code("Outcome", model::kRhiOutcomeNames);
  r.outcome_reason = s.Text("OutcomeReason");
  model::Interviewer who;
  who.name = s.Text("InterviewerName");
  who.role = s.Text("InterviewerRole");
  who.independent_of_care = s.Flag("IndependentOfCare");
  r.conducted_by = UnlessEmpty(who);
  for (const Section& p : s.Items("WhereStayed", "Place")) {
    model::PlaceStayed place;
    ReadPlace(p, "Description", place);
    place.town = p.Text("Town");
    if (place != model::PlaceStayed{}) r.where_stayed.push_back(std::move(place));
  }
  for (const Section& p : s.Items("WithWhom", "Person")) {
    model::Associate person;
    person.relationship = p.Text("Relationship");
    person.approx_age = p.Integer("ApproxAge", 0, 120);
    person.adult_of_concern = p.Flag("AdultOfConcern");
    if (person != model::Associate{}) r.with_whom.push_back(std::move(person));
  }
  r.push_factors = CodeItems(s, "PushFactors", "Factor", model::kPushFactorNames);
  r.pull_factors = CodeItems(s, "PullFactors", "Factor", model::kPullFactorNames);
  if (const Section h = s.Nested("Harm"); h.present()) {
    model::Harm harm;
    harm.physical = h.Flag("Physical");
    harm.sexual = h.Flag("Sexual");
    harm.emotional = h.Flag("Emotional");
    harm.substance_misuse = h.Flag("SubstanceMisuse");
    harm.criminal_activity = h.Flag("CriminalActivity");
    harm.self_harm = h.Flag("SelfHarm");
    r.harm = UnlessEmpty(harm);
  }
  r.exploitation_indicators =
      CodeItems(s, "ExploitationIndicators", "Indicator", kConcernCodes);
  for (const Section& risk : s.Items("RisksIdentified", "Risk")) {
    if (auto text = risk.OwnText()) r.risks_identified.push_back(*text);
  }
  for (const Section& a : s.Items("Actions", "Action")) {
    auto type = a.Code("Type", model::kActionTypeNames);
    if (type) r.actions.push_back(model::RhiAction{*type, a.Text("To"), a.Text("Detail")});
  }
  if (const Section c = s.Nested("Consent"); c.present()) {
    model::Consent consent;
    consent.police = c.Flag("Police");
    consent.placing_authority = c.Flag("PlacingAuthority");
    consent.health = c.Flag("Health");
    consent.overridden_reason = c.Text("OverriddenReason");
    r.consent = UnlessEmpty(consent);
  }
  return r;
}

std::optional<model::Escalation> ReadEscalation(const Section& s) {
  auto reason = s.Code("Reason", model::kEscalationReasonNames);
  if (!reason) return std::nullopt;
  model::Escalation e;
  e.reason = *reason;
  e.raised_at = s.Instant("RaisedAt");
  e.episode_count = s.Integer("EpisodeCount", 1, std::numeric_limits<int>::max());
  e.window_days = s.Integer("WindowDays", 1, 3660);
  e.detail = s.Text("Detail");
  return e;
}

// ---- what a council must send ----

void Require(const Section& s, std::string_view name, const std::string& why) {
  if (!s.Has(name)) s.log().Add(s.PathTo(name), "required", why);
}

void CheckTypeRules(const Section& root, model::EventKind kind, const model::Event& event) {
  using model::EventKind;
  const std::string every = "is required in every council message";
  const Section header = root.Nested("Header");
  Require(root, "Header", every);
  if (header.present()) {
    Require(header, "MessageId", every);
    Require(header, "SentAt", every);
    Require(header, "FromLA", every);
  }
  Require(root, "Child", every);
  if (const Section child = root.Nested("Child"); child.present()) {
    Require(child, "PersonId", every);
  }

  const std::string type(*kEventTypes.Name(kind));
  const std::string needed = "is required for a " + type + " event";
  const Section episode = root.Nested("Episode");
  switch (kind) {
    case EventKind::kMissingReported:
    case EventKind::kFound:
    case EventKind::kRiskReviewed:
      Require(root, "Episode", needed);
      if (episode.present()) Require(episode, "PoliceRef", needed);
      if (kind == EventKind::kRiskReviewed && episode.present()) {
        Require(episode, "RiskLevel", needed);
      }
      if (kind == EventKind::kFound && episode.present()) {
        const xmlNode* end = episode.Child("End");
        if (end == nullptr || TextOf(end).empty()) {
          root.log().Add(episode.PathTo("End"), "required", needed);
        }
      }
      break;
    case EventKind::kRhiRecorded:
      if (!event.rhi) {
        root.log().Add(root.PathTo("Rhi"), "required", needed);
      } else {
        Require(root.Nested("Rhi"), "Outcome", needed);
      }
      break;
    case EventKind::kEscalation:
      Require(root, "Escalation", needed);
      break;
    case EventKind::kPlacementNotified:
    case EventKind::kRhiReferred:
    case EventKind::kClosed:
      break;
  }
  if (kind != EventKind::kEscalation && root.Has("Escalation")) {
    root.log().Add(root.PathTo("Escalation"), "inconsistent",
                   "only Escalation events carry an escalation");
  }
  if (kind != EventKind::kRhiReferred && kind != EventKind::kRhiRecorded &&
      kind != EventKind::kEscalation && event.rhi) {
    root.log().Add(root.PathTo("Rhi"), "inconsistent",
                   "only RhiReferral, RhiSummary and Escalation events carry an interview");
  }
}

// Times that cannot come in the order given.
void CheckTimeOrder(const Section& root, const model::Event& e) {
  const Section episode = root.Nested("Episode");
  const auto& ep = e.episode;
  if (ep.found_at && ep.last_seen_at && *ep.found_at < *ep.last_seen_at) {
    root.log().Add(episode.PathTo("End"), "inconsistent", "is before Start");
  }
  if (ep.safe_and_well_at && ep.found_at && *ep.safe_and_well_at < *ep.found_at) {
    root.log().Add(episode.PathTo("SafeAndWellAt"), "inconsistent", "is before End");
  }
  if (e.rhi && e.rhi->completed_at) {
    const std::string at = root.Nested("Rhi").PathTo("CompletedAt");
    if (e.rhi->offered_at && *e.rhi->completed_at < *e.rhi->offered_at) {
      root.log().Add(at, "inconsistent", "is before OfferedAt");
    } else if (e.rhi->returned_at && *e.rhi->completed_at < *e.rhi->returned_at) {
      root.log().Add(at, "inconsistent", "is before ReturnedAt");
    }
  }
  if (auto fault = CheckBirthDate(e)) {
    root.log().Add(root.Nested("Child").PathTo("DateOfBirth"), std::string(fault->code),
                   std::string(fault->reason));
  }
}

}  // namespace

model::Event ReadCouncilEvent(const xmlNode* root, ErrorLog& log) {
  const Section doc(root, "/" + std::string(LocalName(root)), log);
  model::Event event;

  std::optional<model::EventKind> kind;
  for (const xmlAttr* a = root->properties; a != nullptr; a = a->next) {
    if (a->ns == nullptr && std::string_view(reinterpret_cast<const char*>(a->name)) == "type") {
      std::string text;
      for (const xmlNode* t = a->children; t != nullptr; t = t->next) {
        if (t->content != nullptr) text += reinterpret_cast<const char*>(t->content);
      }
      kind = doc.CodeOf(text, doc.path() + "/@type", kEventTypes);
    }
  }
  if (kind) event.kind = *kind;

  if (const Section h = doc.Nested("Header"); h.present()) event.header = ReadHeader(h);
  if (const Section c = doc.Nested("Child"); c.present()) {
    event.child = ReadChild(c, event.header.from_la);
  }
  if (const Section e = doc.Nested("Episode"); e.present()) event.episode = ReadEpisode(e);
  if (const Section r = doc.Nested("Rhi"); r.present()) event.rhi = UnlessEmpty(ReadRhi(r));
  if (const Section x = doc.Nested("Escalation"); x.present()) {
    event.escalation = ReadEscalation(x);
  }

  if (kind) CheckTypeRules(doc, *kind, event);
  CheckTimeOrder(doc, event);
  return event;
}

}  // namespace isagw::adapters::council_xml
