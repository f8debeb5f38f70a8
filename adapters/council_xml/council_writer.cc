#include "adapters/council_xml/council_writer.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/common/validators.h"
#include "adapters/council_xml/council_codes.h"
#include "adapters/council_xml/council_xml.h"
#include "gateway/common/utf8.h"

namespace isagw::adapters::council_xml {
namespace {

// The document is built as a small tree first, so that containers left
// empty (every field withheld) can be left out.
struct Node {
  std::string name;
  std::string origin;               // canonical pointer
  std::optional<std::string> text;  // a leaf's text
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<Node> children;
  bool list_item = false;

  bool Empty() const { return !text && attributes.empty() && children.empty(); }
};

// Whether XML 1.0 can carry the text: valid UTF-8, no control characters
// other than tab, line feed and carriage return, no U+FFFE or U+FFFF.
bool XmlCanCarry(std::string_view text) {
  if (FindInvalidUtf8(text)) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) == 0xBE ||
         static_cast<unsigned char>(text[i + 2]) == 0xBF)) {
      return false;
    }
  }
  return true;
}

void Escape(std::string_view text, bool attribute, std::string& out) {
  // Most text needs no escape: the runs between escapes go out whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view escaped;
    switch (text[i]) {
      case '&':
        escaped = "&amp;";
        break;
      case '<':
        escaped = "&lt;";
        break;
      case '>':
        escaped = "&gt;";
        break;
      // A literal carriage return would be read back as a line feed.
      case '\r':
        escaped = "&#13;";
        break;
      case '"':
        escaped = attribute ? "&quot;" : "";
        break;
      case '\t':
        escaped = attribute ? "&#9;" : "";
        break;
      case '\n':
        escaped = attribute ? "&#10;" : "";
        break;
      default:
        break;
    }
    if (escaped.empty()) continue;
    out.append(text.substr(run, i - run)).append(escaped);
    run = i + 1;
  }
  out.append(text.substr(run));
}

class Builder {
 public:
  explicit Builder(FieldErrors& errors) : errors_(&errors) {}

  Node& Container(Node& parent, std::string name, std::string origin, bool list_item = false) {
    Node node;
    node.name = std::move(name);
    node.origin = std::move(origin);
    node.list_item = list_item;
    parent.children.push_back(std::move(node));
    return parent.children.back();
  }

  void Leaf(Node& parent, std::string name, const std::optional<std::string>& value,
            std::string origin, bool list_item = false) {
    if (!value) return;
    if (!XmlCanCarry(*value)) {
      NotRepresentable(origin, "the text holds characters XML 1.0 cannot carry");
      return;
    }
    Node& node = Container(parent, std::move(name), std::move(origin), list_item);
    node.text = *value;
  }

  void Flag(Node& parent, std::string name, const std::optional<bool>& value, std::string origin) {
    if (value)
      Leaf(parent, std::move(name), std::string(*value ? kTrue : kFalse), std::move(origin));
  }

  void Time(Node& parent, std::string name, const std::optional<model::Timestamp>& value,
            std::string origin) {
    if (value) Leaf(parent, std::move(name), model::FormatTimestamp(*value), std::move(origin));
  }

  template <typename E, std::size_t N>
  void Code(Node& parent, std::string name, const std::optional<E>& value,
            const CodeMap<E, N>& codes, std::string origin) {
    if (value) Leaf(parent, std::move(name), std::string(*codes.Name(*value)), std::move(origin));
  }

  void NotRepresentable(std::string pointer, std::string reason) {
    errors_->push_back({std::move(pointer), "not_representable", std::move(reason)});
  }

 private:
  FieldErrors* errors_;
};

std::string At(std::string_view base, std::string_view key) {
  return JoinPointer(std::string(base), std::string(key));
}
std::string At(std::string_view base, std::size_t index) {
  return JoinPointer(std::string(base), std::to_string(index));
}

void WriteHeader(Builder& b, Node& root, const model::MessageHeader& h) {
  Node& n = b.Container(root, "Header", "/header");
  b.Leaf(n, "MessageId", h.message_id, "/header/message_id");
  b.Time(n, "SentAt", h.sent_at, "/header/sent_at");
  b.Leaf(n, "FromLA", h.from_la, "/header/from_la");
  b.Leaf(n, "ToLA", h.to_la, "/header/to_la");
}

void WriteChild(Builder& b, Node& root, const model::Child& c) {
  Node& n = b.Container(root, "Child", "/child");
  if (c.council_person_id) {
    const auto& id = *c.council_person_id;
    b.Leaf(n, "PersonId", id.person_id, "/child/council_person_id/person_id");
    if (id.la && !n.children.empty() && n.children.back().name == "PersonId") {
      n.children.back().attributes.emplace_back("la", *id.la);
    }
  }
  b.Leaf(n, "NHSNumber", c.nhs_number, "/child/nhs_number");
  b.Leaf(n, "Forename", c.forename, "/child/forename");
  b.Leaf(n, "Surname", c.surname, "/child/surname");
  if (c.date_of_birth) {
    b.Leaf(n, "DateOfBirth", model::FormatDate(*c.date_of_birth), "/child/date_of_birth");
  }
  if (c.sex) {
    // Canonical "other" has no council code: sent as 0 (not known).
    const model::Sex sex = *c.sex == model::Sex::kOther ? model::Sex::kUnknown : *c.sex;
    b.Leaf(n, "Sex", std::string(*kSexCodes.Name(sex)), "/child/sex");
  }
  if (c.ethnicity) {
    std::string code = c.ethnicity->code;
    if (c.ethnicity->scheme == model::EthnicityScheme::kPolice16Plus1) {
      code = std::string(PoliceToDfeEthnicity(c.ethnicity->code));
    }
    if (code.empty() || !IsDfeEthnicityCode(code)) {
      b.NotRepresentable("/child/ethnicity/code", "has no DfE ethnicity code");
    } else {
      b.Leaf(n, "Ethnicity", code, "/child/ethnicity/code");
    }
  }
  if (c.home) {
    Node& home = b.Container(n, "Home", "/child/home");
    b.Leaf(home, "Address", c.home->text, "/child/home/text");
    b.Leaf(home, "Postcode", c.home->postcode, "/child/home/postcode");
  }
  if (c.looked_after && *c.looked_after != model::Answer::kUnknown) {
    // "unknown" has no council value: left out, as not known.
    b.Flag(n, "LookedAfter", *c.looked_after == model::Answer::kYes, "/child/looked_after");
  }
  b.Leaf(n, "LegalStatus", c.legal_status, "/child/legal_status");
  b.Leaf(n, "ResponsibleLA", c.responsible_la, "/child/responsible_la");
  if (c.placement) {
    Node& p = b.Container(n, "Placement", "/child/placement");
    b.Leaf(p, "Type", c.placement->type, "/child/placement/type");
    b.Leaf(p, "Postcode", c.placement->postcode, "/child/placement/postcode");
    b.Leaf(p, "Provider", c.placement->provider, "/child/placement/provider");
  }
  if (c.social_worker) {
    Node& w = b.Container(n, "SocialWorker", "/child/social_worker");
    b.Leaf(w, "Name", c.social_worker->name, "/child/social_worker/name");
    b.Leaf(w, "Team", c.social_worker->team, "/child/social_worker/team");
    b.Leaf(w, "Phone", c.social_worker->phone, "/child/social_worker/phone");
    b.Leaf(w, "Email", c.social_worker->email, "/child/social_worker/email");
  }
}

void WriteLocation(Builder& b, Node& parent, const char* name,
                   const std::optional<model::Location>& l, const std::string& origin) {
  if (!l) return;
  Node& n = b.Container(parent, name, origin);
  b.Leaf(n, "Description", l->description, At(origin, "description"));
  b.Leaf(n, "Postcode", l->postcode, At(origin, "postcode"));
}

void WriteEpisode(Builder& b, Node& root, const model::EpisodeFacts& e) {
  Node& n = b.Container(root, "Episode", "/episode");
  b.Leaf(n, "PoliceRef", e.police_ref, "/episode/police_ref");
  b.Leaf(n, "ForceCode", e.force_code, "/episode/force_code");
  b.Code(n, "MissingType", e.missing_type, kMissingTypeCodes, "/episode/missing_type");
  b.Code(n, "MissingFrom", e.missing_from, kMissingFromCodes, "/episode/missing_from");
  b.Time(n, "ReportedAt", e.reported_at, "/episode/reported_at");
  b.Time(n, "Start", e.last_seen_at, "/episode/last_seen_at");
  b.Time(n, "End", e.found_at, "/episode/found_at");
  WriteLocation(b, n, "LastSeenLocation", e.last_seen_location, "/episode/last_seen_location");
  WriteLocation(b, n, "FoundLocation", e.found_location, "/episode/found_location");
  b.Code(n, "FoundBy", e.found_by, kFoundByCodes, "/episode/found_by");
  b.Time(n, "SafeAndWellAt", e.safe_and_well_at, "/episode/safe_and_well_at");
  b.Flag(n, "SafeAndWellCompleted", e.safe_and_well_completed, "/episode/safe_and_well_completed");
  if (e.risk) {
    b.Leaf(n, "RiskLevel", std::string(*kRiskLevelCodes.Name(e.risk->level)),
           "/episode/risk/level");
    b.Leaf(n, "RiskRationale", e.risk->rationale, "/episode/risk/rationale");
  }
  // Only concerns that are there can be listed; "considered, no concern"
  // (false) has no council form and is left out.
  Node& exploitation = b.Container(n, "Exploitation", "/episode/exploitation");
  for (const auto& [concern, code] : kConcernCodes.entries) {
    if (e.exploitation.For(concern) == true) {
      b.Leaf(exploitation, "Concern", std::string(code),
             At("/episode/exploitation", *model::kExploitationNames.Name(concern)), true);
    }
  }
  b.Leaf(n, "Circumstances", e.circumstances, "/episode/circumstances");
  b.Leaf(n, "OfficerInCase", e.officer_in_case, "/episode/officer_in_case");
  // record_version and previous_episodes are police bookkeeping that
  // council systems do not hold: left out (docs/formats/council-xml.md).
}

template <typename E, std::size_t N>
void WriteCodes(Builder& b, Node& parent, const char* list, const char* item,
                const std::vector<E>& values, const CodeMap<E, N>& codes,
                const std::string& origin) {
  Node& n = b.Container(parent, list, origin);
  for (std::size_t i = 0; i < values.size(); ++i) {
    b.Leaf(n, item, std::string(*codes.Name(values[i])), At(origin, i), true);
  }
}

void WriteRhi(Builder& b, Node& root, const model::ReturnHomeInterview& r) {
  Node& n = b.Container(root, "Rhi", "/rhi");
  b.Leaf(n, "ProviderId", r.provider_id, "/rhi/provider_id");
  b.Leaf(n, "InterviewId", r.interview_id, "/rhi/interview_id");
  Node& refs = b.Container(n, "PoliceRefs", "/rhi/police_refs");
  for (std::size_t i = 0; i < r.police_refs.size(); ++i) {
    b.Leaf(refs, "PoliceRef", r.police_refs[i], At("/rhi/police_refs", i), true);
  }
  b.Time(n, "ReturnedAt", r.returned_at, "/rhi/returned_at");
  b.Time(n, "OfferedAt", r.offered_at, "/rhi/offered_at");
  b.Time(n, "CompletedAt", r.completed_at, "/rhi/completed_at");
  b.Code(n, "Outcome", r.outcome, model::kRhiOutcomeNames, "/rhi/outcome");
  b.Leaf(n, "OutcomeReason", r.outcome_reason, "/rhi/outcome_reason");
  if (r.conducted_by) {
    b.Leaf(n, "InterviewerName", r.conducted_by->name, "/rhi/conducted_by/name");
    b.Leaf(n, "InterviewerRole", r.conducted_by->role, "/rhi/conducted_by/role");
    b.Flag(n, "IndependentOfCare", r.conducted_by->independent_of_care,
           "/rhi/conducted_by/independent_of_care");
  }
  Node& places = b.Container(n, "WhereStayed", "/rhi/where_stayed");
  for (std::size_t i = 0; i < r.where_stayed.size(); ++i) {
    const std::string origin = At("/rhi/where_stayed", i);
    Node& place = b.Container(places, "Place", origin, true);
    b.Leaf(place, "Description", r.where_stayed[i].description, At(origin, "description"));
    b.Leaf(place, "Town", r.where_stayed[i].town, At(origin, "town"));
    b.Leaf(place, "Postcode", r.where_stayed[i].postcode, At(origin, "postcode"));
  }
  Node& people = b.Container(n, "WithWhom", "/rhi/with_whom");
  for (std::size_t i = 0; i < r.with_whom.size(); ++i) {
    const std::string origin = At("/rhi/with_whom", i);
    const model::Associate& a = r.with_whom[i];
    if (a.name) {
      b.NotRepresentable(At(origin, "name"),
                         "council XML does not carry the names of the people a child was with");
    }
    Node& person = b.Container(people, "Person", origin, true);
    b.Leaf(person, "Relationship", a.relationship, At(origin, "relationship"));
    if (a.approx_age) {
      b.Leaf(person, "ApproxAge", std::to_string(*a.approx_age), At(origin, "approx_age"));
    }
    b.Flag(person, "AdultOfConcern", a.adult_of_concern, At(origin, "adult_of_concern"));
  }
  WriteCodes(b, n, "PushFactors", "Factor", r.push_factors, model::kPushFactorNames,
             "/rhi/push_factors");
  WriteCodes(b, n, "PullFactors", "Factor", r.pull_factors, model::kPullFactorNames,
             "/rhi/pull_factors");
  if (r.harm) {
    Node& h = b.Container(n, "Harm", "/rhi/harm");
    b.Flag(h, "Physical", r.harm->physical, "/rhi/harm/physical");
    b.Flag(h, "Sexual", r.harm->sexual, "/rhi/harm/sexual");
    b.Flag(h, "Emotional", r.harm->emotional, "/rhi/harm/emotional");
    b.Flag(h, "SubstanceMisuse", r.harm->substance_misuse, "/rhi/harm/substance_misuse");
    b.Flag(h, "CriminalActivity", r.harm->criminal_activity, "/rhi/harm/criminal_activity");
    b.Flag(h, "SelfHarm", r.harm->self_harm, "/rhi/harm/self_harm");
  }
  WriteCodes(b, n, "ExploitationIndicators", "Indicator", r.exploitation_indicators, kConcernCodes,
             "/rhi/exploitation_indicators");
  // The interview's narratives never travel in council XML: an agreement
  // must have withheld them before the gateway encodes for a council.
  const char* const narrative =
      "council XML does not carry the interview's narratives; the sharing agreement must "
      "withhold them";
  if (r.child_account) b.NotRepresentable("/rhi/child_account", narrative);
  if (r.disclosures) b.NotRepresentable("/rhi/disclosures", narrative);
  if (r.child_views) b.NotRepresentable("/rhi/child_views", narrative);
  Node& risks = b.Container(n, "RisksIdentified", "/rhi/risks_identified");
  for (std::size_t i = 0; i < r.risks_identified.size(); ++i) {
    b.Leaf(risks, "Risk", r.risks_identified[i], At("/rhi/risks_identified", i), true);
  }
  Node& actions = b.Container(n, "Actions", "/rhi/actions");
  for (std::size_t i = 0; i < r.actions.size(); ++i) {
    const std::string origin = At("/rhi/actions", i);
    Node& action = b.Container(actions, "Action", origin, true);
    b.Leaf(action, "Type", std::string(*model::kActionTypeNames.Name(r.actions[i].type)),
           At(origin, "type"));
    b.Leaf(action, "To", r.actions[i].to, At(origin, "to"));
    b.Leaf(action, "Detail", r.actions[i].detail, At(origin, "detail"));
  }
  if (r.consent) {
    Node& c = b.Container(n, "Consent", "/rhi/consent");
    b.Flag(c, "Police", r.consent->police, "/rhi/consent/police");
    b.Flag(c, "PlacingAuthority", r.consent->placing_authority, "/rhi/consent/placing_authority");
    b.Flag(c, "Health", r.consent->health, "/rhi/consent/health");
    b.Leaf(c, "OverriddenReason", r.consent->overridden_reason, "/rhi/consent/overridden_reason");
  }
}

void WriteEscalation(Builder& b, Node& root, const model::Escalation& e) {
  Node& n = b.Container(root, "Escalation", "/escalation");
  b.Code(n, "Reason", std::optional{e.reason}, model::kEscalationReasonNames, "/escalation/reason");
  b.Time(n, "RaisedAt", e.raised_at, "/escalation/raised_at");
  if (e.episode_count) {
    b.Leaf(n, "EpisodeCount", std::to_string(*e.episode_count), "/escalation/episode_count");
  }
  if (e.window_days) {
    b.Leaf(n, "WindowDays", std::to_string(*e.window_days), "/escalation/window_days");
  }
  b.Leaf(n, "Detail", e.detail, "/escalation/detail");
}

// Drops containers left with nothing in them, deepest first. A list item
// keeps its place even when empty, so that indices still match the
// canonical list; an empty item is then refused by the XSD if its type
// requires something (Action/Type), and otherwise read back as absent.
void Prune(Node& node) {
  for (Node& child : node.children) Prune(child);
  std::erase_if(node.children, [](const Node& c) { return c.Empty() && !c.list_item; });
}

void Serialise(const Node& node, int depth, std::string& out) {
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
  out += '<';
  out += node.name;
  if (depth == 0) {
    out += " xmlns=\"";
    out += kNamespace;
    out += '"';
  }
  for (const auto& [name, value] : node.attributes) {
    out += ' ';
    out += name;
    out += "=\"";
    Escape(value, true, out);
    out += '"';
  }
  if (node.text) {
    out += '>';
    Escape(*node.text, false, out);
    out += "</";
    out += node.name;
    out += ">\n";
    return;
  }
  if (node.children.empty()) {
    out += "/>\n";
    return;
  }
  out += ">\n";
  for (const Node& child : node.children) Serialise(child, depth + 1, out);
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
  out += "</";
  out += node.name;
  out += ">\n";
}

// The element path of each node written, as Decode's errors name them
// ("/CouncilEvent/Child/Forename", "[2]" for a list's second item).
void CollectOrigins(const Node& node, const std::string& parent_path, int index, Origins& origins) {
  std::string path = parent_path + "/" + node.name;
  if (node.list_item) path += "[" + std::to_string(index) + "]";
  origins[path] = node.origin;
  for (const auto& attribute : node.attributes) {
    origins[path + "/@" + attribute.first] = node.origin;
  }
  std::map<std::string, int> counts;
  for (const Node& child : node.children) {
    CollectOrigins(child, path, ++counts[child.name], origins);
  }
}

}  // namespace

Result<std::string, FieldErrors> WriteCouncilEvent(const model::Event& event, Origins* origins) {
  auto type = kEventTypes.Name(event.kind);
  if (!type) {
    return Fail(FieldErrors{
        {"/kind", "not_representable", "council case systems have no event for this kind"}});
  }
  FieldErrors errors;
  Builder b(errors);
  Node root;
  root.name = "CouncilEvent";
  root.origin = "";
  root.attributes.emplace_back("type", std::string(*type));

  WriteHeader(b, root, event.header);
  WriteChild(b, root, event.child);
  WriteEpisode(b, root, event.episode);
  if (event.rhi) WriteRhi(b, root, *event.rhi);
  if (event.escalation) WriteEscalation(b, root, *event.escalation);
  if (!errors.empty()) return Fail(std::move(errors));

  Prune(root);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out.reserve(4096);  // a full missing notification is about 2.5 KB
  Serialise(root, 0, out);
  if (origins != nullptr) CollectOrigins(root, "", 1, *origins);
  return out;
}

}  // namespace isagw::adapters::council_xml
