#include "gateway/policy/loader.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>

#include "gateway/common/hex.h"
#include "gateway/config/yaml_stream.h"
#include "gateway/policy/canonical_fields.h"
#include "gateway/policy/transforms.h"
#include "gateway/policy/yaml_reader.h"

namespace isagw::policy {
namespace {

inline constexpr std::string_view kFormat = "isagw.isa/1";

// Where each clause id was first used, to refuse duplicates across files.
struct ClauseSeen {
  std::string file;
  int line = 0;
};
using ClauseIndex = std::map<std::string, ClauseSeen>;

int LineOf(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }

bool IsIsaId(const std::string& text) {
  static const std::regex re("[A-Z][A-Z0-9-]{2,63}");
  return std::regex_match(text, re);
}

bool IsPurposeId(const std::string& text) {
  static const std::regex re("[a-z][a-z0-9_]{0,63}");
  return std::regex_match(text, re);
}

// Parses one ISA file into `isa`; reports into `errors`.
class IsaReader {
 public:
  IsaReader(YamlErrors& errors, const std::set<std::string>& known_agencies, ClauseIndex& clauses)
      : errors_(errors), known_agencies_(known_agencies), clauses_(clauses) {}

  void Read(MapReader& root, InformationSharingAgreement& isa) {
    isa.where = {errors_.file(), 1};
    if (auto format = root.Text("format", Need::kRequired); format && *format != kFormat) {
      root.Error("format", "format", "expected \"" + std::string(kFormat) + "\"");
    }
    if (auto id = root.Text("id", Need::kRequired, 64)) {
      if (!IsIsaId(*id)) {
        root.Error("id", "pattern",
                   "an ISA id is 3 to 64 capital letters, digits and '-', e.g. ISA-STAFFS-2026");
      } else {
        isa.id = *id;
      }
    }
    isa.title = root.Text("title", Need::kRequired, 300).value_or("");
    isa.version = root.Text("version", Need::kRequired, 32).value_or("");
    isa.lawful_basis = root.Text("lawful_basis", Need::kRequired, 1000).value_or("");
    isa.security = root.Text("security", Need::kOptional, 2000).value_or("");
    ReadParties(root, isa);
    ReadPurposes(root, isa);
    ReadDates(root, isa);
    ReadSignatories(root, isa);
    if (auto retention = root.Map("retention", Need::kRequired)) {
      isa.retention.days =
          static_cast<int>(retention->Integer("days", Need::kRequired, 1, 36500).value_or(0));
      isa.retention.note = retention->Text("note", Need::kOptional, 1000).value_or("");
      retention->RefuseUnknownKeys();
    }
    root.ForEachMap("flows", Need::kRequired, 200, [&](MapReader& item, std::size_t) {
      Flow flow;
      ReadFlow(item, isa, flow);
      isa.flows.push_back(std::move(flow));
    });
    CheckDuplicateFlows(isa);
    root.RefuseUnknownKeys();
  }

 private:
  std::set<Role> ReadRoles(MapReader& map, std::string_view key, Need need) {
    std::set<Role> roles;
    auto names = map.TextList(key, need, 8, 64);
    if (!names) return roles;
    for (const auto& name : *names) {
      if (auto role = kRoleNames.Find(name.value)) {
        roles.insert(*role);
      } else {
        errors_.Add(name.mark, name.key, "unknown_role",
                    "'" + name.value +
                        "' is not a role (police_force, host_la, placing_la, "
                        "commissioned_provider)");
      }
    }
    return roles;
  }

  void ReadParties(MapReader& root, InformationSharingAgreement& isa) {
    root.ForEachMap("parties", Need::kRequired, 100, [&](MapReader& item, std::size_t) {
      IsaParty party;
      if (auto agency = item.Text("agency", Need::kRequired, 64)) {
        if (known_agencies_.count(*agency) == 0) {
          item.Error("agency", "unknown_agency",
                     "'" + *agency + "' is not an agency in the registry");
        } else if (isa.FindParty(*agency) != nullptr) {
          item.Error("agency", "duplicate_party", "'" + *agency + "' is listed twice");
        } else {
          party.agency_id = *agency;
        }
      }
      party.roles = ReadRoles(item, "roles", Need::kRequired);
      item.RefuseUnknownKeys();
      if (!party.agency_id.empty()) isa.parties.push_back(std::move(party));
    });
  }

  void ReadPurposes(MapReader& root, InformationSharingAgreement& isa) {
    root.ForEachMap("purposes", Need::kRequired, 50, [&](MapReader& item, std::size_t) {
      Purpose purpose;
      if (auto id = item.Text("id", Need::kRequired, 64)) {
        if (!IsPurposeId(*id)) {
          item.Error("id", "pattern", "a purpose id is lower-case letters, digits and '_'");
        } else if (std::any_of(isa.purposes.begin(), isa.purposes.end(),
                               [&](const Purpose& p) { return p.id == *id; })) {
          item.Error("id", "duplicate_purpose", "the purpose '" + *id + "' is listed twice");
        } else {
          purpose.id = *id;
        }
      }
      purpose.description = item.Text("description", Need::kRequired, 1000).value_or("");
      item.RefuseUnknownKeys();
      if (!purpose.id.empty()) isa.purposes.push_back(std::move(purpose));
    });
  }

  void ReadDates(MapReader& root, InformationSharingAgreement& isa) {
    auto from = root.Date("valid_from", Need::kRequired);
    auto review = root.Date("review_by", Need::kRequired);
    auto until = root.Date("valid_until", Need::kRequired);
    if (from) isa.valid_from = *from;
    if (review) isa.review_by = *review;
    if (until) isa.valid_until = *until;
    if (from && until && *until < *from) {
      root.Error("valid_until", "inconsistent", "valid_until is before valid_from");
    }
    if (from && review && until && (*review < *from || *review > *until)) {
      root.Error("review_by", "inconsistent",
                 "review_by must fall between valid_from and valid_until");
    }
  }

  void ReadSignatories(MapReader& root, InformationSharingAgreement& isa) {
    if (!root.Has("signatories")) {
      root.Error("signatories", "required",
                 "'signatories' is required (an empty list while the ISA awaits signature)");
      return;
    }
    // An empty list is allowed: a draft that nobody has signed yet loads
    // but allows nothing.
    if (root.EmptyList("signatories")) return;
    root.ForEachMap("signatories", Need::kRequired, 100, [&](MapReader& item, std::size_t) {
      Signature signature;
      if (auto party = item.Text("party", Need::kRequired, 64)) {
        if (isa.FindParty(*party) == nullptr) {
          item.Error("party", "unknown_party", "'" + *party + "' is not a party to this ISA");
        } else if (std::any_of(isa.signatories.begin(), isa.signatories.end(),
                               [&](const Signature& s) { return s.party == *party; })) {
          item.Error("party", "duplicate_signature", "'" + *party + "' has signed twice");
        } else {
          signature.party = *party;
        }
      }
      signature.signatory = item.Text("signatory", Need::kRequired, 200).value_or("");
      auto on = item.Date("signed_on", Need::kRequired);
      if (on) signature.signed_on = *on;
      if (on && isa.valid_until.ok() && *on > isa.valid_until) {
        item.Error("signed_on", "inconsistent", "signed after the ISA expires");
      }
      item.RefuseUnknownKeys();
      if (!signature.party.empty() && on) isa.signatories.push_back(std::move(signature));
    });
  }

  // A clause as written ("§4.1") becomes "ISA-ID §4.1" and must be unique
  // across the whole set, since decisions and audit entries cite it.
  std::optional<std::string> ReadClause(MapReader& map, const InformationSharingAgreement& isa,
                                        Need need) {
    auto clause = map.Text("clause", need, 64);
    if (!clause) return std::nullopt;
    if (!isa.id.empty() && clause->rfind(isa.id, 0) == 0) {
      map.Error("clause", "pattern",
                "write the clause without the ISA id: decisions cite it as '<ISA id> <clause>'");
      return std::nullopt;
    }
    std::string full = (isa.id.empty() ? std::string("?") : isa.id) + " " + *clause;
    const int line = LineOf(map.MarkOf("clause"));
    auto [it, inserted] = clauses_.emplace(full, ClauseSeen{errors_.file(), line});
    if (!inserted) {
      map.Error("clause", "duplicate_clause",
                "the clause '" + full + "' is already used at " + it->second.file + ":" +
                    std::to_string(it->second.line));
      return std::nullopt;
    }
    return full;
  }

  std::vector<PartySelector> ReadSelectors(MapReader& flow_map, std::string_view key,
                                           const InformationSharingAgreement& isa) {
    std::vector<PartySelector> selectors;
    auto names = flow_map.TextList(key, Need::kRequired, 20, 64);
    if (!names) return selectors;
    for (const auto& name : *names) {
      PartySelector selector;
      if (auto role = kRoleNames.Find(name.value)) {
        selector.role = *role;
        const bool held = std::any_of(isa.parties.begin(), isa.parties.end(),
                                      [&](const IsaParty& p) { return p.roles.count(*role) > 0; });
        if (!held) {
          errors_.Add(name.mark, name.key, "role_not_held",
                      "no party of this ISA acts as " + name.value);
          continue;
        }
      } else if (isa.FindParty(name.value) != nullptr) {
        selector.agency_id = name.value;
      } else {
        errors_.Add(name.mark, name.key, "unknown_party",
                    "'" + name.value + "' is neither a role nor a party to this ISA");
        continue;
      }
      selectors.push_back(std::move(selector));
    }
    return selectors;
  }

  void ReadFlow(MapReader& item, const InformationSharingAgreement& isa, Flow& flow) {
    flow.where = {errors_.file(), LineOf(item.where())};
    flow.clause = ReadClause(item, isa, Need::kRequired).value_or("");
    flow.description = item.Text("description", Need::kOptional, 1000).value_or("");
    flow.from = ReadSelectors(item, "from", isa);
    flow.to = ReadSelectors(item, "to", isa);
    if (auto events = item.TextList("events", Need::kRequired, 8, 64)) {
      for (const auto& name : *events) {
        if (auto kind = model::kEventKindNames.Find(name.value)) {
          flow.events.insert(*kind);
        } else {
          errors_.Add(name.mark, name.key, "unknown_event_kind",
                      "'" + name.value + "' is not a canonical event kind");
        }
      }
    }
    if (auto purpose = item.Text("purpose", Need::kRequired, 64)) {
      if (std::none_of(isa.purposes.begin(), isa.purposes.end(),
                       [&](const Purpose& p) { return p.id == *purpose; })) {
        item.Error("purpose", "unknown_purpose",
                   "'" + *purpose + "' is not one of this ISA's purposes");
      } else {
        flow.purpose = *purpose;
      }
    }
    item.ForEachMap("rules", Need::kRequired, 500, [&](MapReader& rule_map, std::size_t) {
      FieldRule rule;
      ReadRule(rule_map, isa, flow, rule);
      flow.rules.push_back(std::move(rule));
    });
    item.RefuseUnknownKeys();
  }

  void ReadRule(MapReader& map, const InformationSharingAgreement& isa, const Flow& flow,
                FieldRule& rule) {
    rule.where = {errors_.file(), LineOf(map.where())};
    std::vector<Action> actions;
    for (const auto& [action, name] : kActionNames.entries) {
      if (map.Has(name)) actions.push_back(action);
    }
    if (actions.size() != 1) {
      errors_.Add(map.where(), map.path(), "rule_action",
                  "a rule has exactly one of allow, drop, mask, generalise, pseudonymise");
    }
    if (!actions.empty()) {
      rule.action = actions.front();
      for (Action action : actions) map.MarkUsed(*kActionNames.Name(action));
    }
    if (auto clause = ReadClause(map, isa, Need::kOptional)) {
      rule.clause = *clause;
    } else {
      rule.clause = flow.clause;
    }
    ReadTransform(map, rule);
    if (map.Has("when")) {
      if (auto when = map.Map("when", Need::kRequired)) ReadConditions(*when, rule.when);
    }
    if (actions.size() == 1) ReadPatterns(map, rule);
    map.RefuseUnknownKeys();
  }

  void ReadTransform(MapReader& map, FieldRule& rule) {
    if (rule.action == Action::kMask) {
      if (auto as = map.Text("as", Need::kRequired, 64)) {
        rule.mask = kMaskKindNames.Find(*as);
        if (!rule.mask) {
          map.Error("as", "unknown_mask",
                    "'" + *as + "' is not a mask (postcode_district, phone, email, marker)");
        }
      }
    } else if (map.Has("as")) {
      map.Error("as", "not_applicable", "'as' only goes with mask");
      (void)map.Text("as", Need::kOptional);
    }
    if (rule.action == Action::kGeneralise) {
      if (auto to = map.Text("to", Need::kRequired, 64)) {
        rule.generalise = kGeneraliseKindNames.Find(*to);
        if (!rule.generalise) {
          map.Error("to", "unknown_generalisation",
                    "'" + *to + "' is not a generalisation (age_years, date)");
        }
      }
    } else if (map.Has("to")) {
      map.Error("to", "not_applicable", "'to' only goes with generalise");
      (void)map.Text("to", Need::kOptional);
    }
  }

  void ReadConditions(MapReader& when, Conditions& conditions) {
    if (auto consent = when.Text("consent", Need::kOptional, 64)) {
      conditions.consent = kConsentForNames.Find(*consent);
      if (!conditions.consent) {
        when.Error(
            "consent", "enum",
            "'" + *consent + "' is not a consent (police, placing_authority, health, recipient)");
      }
    }
    if (auto present = when.Bool("exploitation_indicators_present", Need::kOptional)) {
      if (!*present) {
        when.Error("exploitation_indicators_present", "enum",
                   "only 'true' is meaningful; leave the key out otherwise");
      }
      conditions.exploitation_indicators_present = *present;
    }
    if (auto level = when.Text("risk_at_least", Need::kOptional, 64)) {
      conditions.risk_at_least = model::kRiskLevelNames.Find(*level);
      if (!conditions.risk_at_least) {
        when.Error("risk_at_least", "enum", "'" + *level + "' is not a risk level");
      }
    }
    if (when.Has("recipient_role")) {
      conditions.recipient_role = ReadRoles(when, "recipient_role", Need::kRequired);
    }
    when.RefuseUnknownKeys();
    if (!when.Has("consent") && !when.Has("exploitation_indicators_present") &&
        !when.Has("risk_at_least") && !when.Has("recipient_role")) {
      errors_.Add(when.where(), when.path(), "empty", "'when' names no condition");
    }
  }

  void ReadPatterns(MapReader& map, FieldRule& rule) {
    const std::string action_key(*kActionNames.Name(rule.action));
    auto patterns = map.TextList(action_key, Need::kRequired, 200, 200);
    if (!patterns) return;
    const auto fields = CanonicalFields();
    for (const auto& text : *patterns) {
      auto pattern = FieldPattern::Parse(text.value);
      if (!pattern.ok()) {
        errors_.Add(text.mark, text.key, "field_path", pattern.error());
        continue;
      }
      bool covers_any = false;
      for (const CanonicalField& field : fields) {
        if (!pattern->Covers(field.path)) continue;
        covers_any = true;
        if (!TransformApplies(rule.action, rule.mask, rule.generalise, field.type)) {
          if ((rule.action == Action::kMask && !rule.mask) ||
              (rule.action == Action::kGeneralise && !rule.generalise)) {
            break;  // already reported as a bad 'as' or 'to'
          }
          errors_.Add(
              text.mark, text.key, "not_applicable",
              "'" + std::string(*kActionNames.Name(rule.action)) +
                  (rule.mask ? " " + std::string(*kMaskKindNames.Name(*rule.mask)) : "") +
                  (rule.generalise ? " " + std::string(*kGeneraliseKindNames.Name(*rule.generalise))
                                   : "") +
                  "' cannot apply to " + std::string(field.path) + " (" +
                  std::string(FieldTypeName(field.type)) + ")");
          break;
        }
      }
      if (!covers_any) {
        errors_.Add(text.mark, text.key, "unknown_field_path",
                    "'" + text.value + "' names no field of the canonical model");
        continue;
      }
      rule.fields.push_back(std::move(pattern).value());
    }
  }

  static std::string SelectorText(const std::vector<PartySelector>& selectors) {
    std::vector<std::string> names;
    for (const auto& s : selectors) {
      names.push_back(s.role ? std::string(*kRoleNames.Name(*s.role)) : s.agency_id);
    }
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += n + ",";
    return out;
  }

  // Two flows of one ISA with the same sender and recipient and a kind in
  // common are an authoring mistake: say so rather than merge them.
  void CheckDuplicateFlows(const InformationSharingAgreement& isa) {
    for (std::size_t i = 0; i < isa.flows.size(); ++i) {
      for (std::size_t j = i + 1; j < isa.flows.size(); ++j) {
        const Flow& a = isa.flows[i];
        const Flow& b = isa.flows[j];
        if (a.from.empty() || a.to.empty()) continue;
        if (SelectorText(a.from) != SelectorText(b.from) ||
            SelectorText(a.to) != SelectorText(b.to)) {
          continue;
        }
        const bool shared_kind = std::any_of(a.events.begin(), a.events.end(),
                                             [&](model::EventKind k) { return b.events.count(k); });
        if (shared_kind) {
          errors_.errors().push_back(
              {errors_.file(), b.where.line, 0, "flows[" + std::to_string(j) + "]",
               "duplicate_flow",
               "this flow has the same from, to and an event kind in common with the flow at "
               "line " +
                   std::to_string(a.where.line) + "; merge them"});
        }
      }
    }
  }

  YamlErrors& errors_;
  const std::set<std::string>& known_agencies_;
  ClauseIndex& clauses_;
};

// BLAKE2b-256 over each file's name, length and bytes, in name order.
std::string HashDocuments(const std::vector<PolicyDocument>& documents) {
  static const int ready = sodium_init();
  (void)ready;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  for (const PolicyDocument& doc : documents) {
    const std::string header = doc.name + '\0' + std::to_string(doc.text.size()) + '\0';
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(header.data()),
                              header.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(doc.text.data()),
                              doc.text.size());
  }
  unsigned char hash[32];
  crypto_generichash_final(&state, hash, sizeof hash);
  return "blake2b-256:" + HexOf(hash);
}

}  // namespace

Result<PolicySet, PolicyErrors> LoadPolicyDocuments(std::vector<PolicyDocument> documents,
                                                    const std::set<std::string>& known_agencies) {
  std::sort(documents.begin(), documents.end(),
            [](const PolicyDocument& a, const PolicyDocument& b) { return a.name < b.name; });
  PolicyErrors errors;
  PolicyErrors notices;
  if (documents.empty()) {
    errors.push_back({"", 0, 0, "", "empty_policy_set",
                      "no ISA files: with no ISA the gateway would refuse every disclosure"});
    return Fail(std::move(errors));
  }
  ClauseIndex clauses;
  std::vector<InformationSharingAgreement> agreements;
  std::map<std::string, std::string> ids;  // ISA id -> file
  for (const PolicyDocument& doc : documents) {
    YamlErrors file_errors(doc.name);
    if (doc.text.size() > kMaxPolicyFileBytes) {
      file_errors.Add(YAML::Mark::null_mark(), "", "too_large", "the file is larger than 1 MiB");
    } else {
      config::YamlStream stream;
      try {
        stream = config::ReadYamlStream(doc.text);
      } catch (const YAML::Exception& e) {
        // yaml-cpp's message describes the syntax, never the data.
        file_errors.Add(e.mark, "", "syntax", e.msg);
      }
      if (file_errors.errors().empty() && stream.documents != 1) {
        file_errors.Add(YAML::Mark::null_mark(), "", "syntax",
                        "a policy file holds exactly one YAML document");
      }
      if (file_errors.errors().empty()) {
        InformationSharingAgreement isa;
        MapReader root(file_errors, stream.first, stream.first.Mark(), "");
        IsaReader(file_errors, known_agencies, clauses).Read(root, isa);
        if (!isa.id.empty()) {
          auto [it, inserted] = ids.emplace(isa.id, doc.name);
          if (!inserted) {
            file_errors.Add(root.MarkOf("id"), "id", "duplicate_isa",
                            "the ISA id '" + isa.id + "' is also used by " + it->second);
          }
        }
        for (const IsaParty& party : isa.parties) {
          const bool signed_it =
              std::any_of(isa.signatories.begin(), isa.signatories.end(),
                          [&](const Signature& s) { return s.party == party.agency_id; });
          if (!signed_it) {
            notices.push_back({doc.name, 0, 0, "signatories", "unsigned",
                               "'" + party.agency_id +
                                   "' has not signed: the ISA allows nothing until every party "
                                   "has"});
          }
        }
        agreements.push_back(std::move(isa));
      }
    }
    auto& found = file_errors.errors();
    errors.insert(errors.end(), std::make_move_iterator(found.begin()),
                  std::make_move_iterator(found.end()));
  }
  if (!errors.empty()) return Fail(std::move(errors));
  std::string hash = HashDocuments(documents);
  return PolicySetBuilder::Build(std::move(agreements), std::move(hash), std::move(notices));
}

Result<PolicySet, PolicyErrors> LoadPolicySet(const std::filesystem::path& dir,
                                              const std::set<std::string>& known_agencies) {
  PolicyErrors errors;
  std::vector<PolicyDocument> documents;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back({dir.string(), 0, 0, "", "io", "the policy directory cannot be read"});
    return Fail(std::move(errors));
  }
  for (const auto& entry : it) {
    const auto& path = entry.path();
    const std::string name = path.filename().string();
    const std::string ext = path.extension().string();
    if (ext == ".key") {
      errors.push_back({name, 0, 0, "", "key_in_policy_directory",
                        "pseudonymisation keys must be kept outside the policy directory"});
      continue;
    }
    if (ext != ".yaml" && ext != ".yml") continue;
    if (!entry.is_regular_file(ec)) continue;
    if (documents.size() >= kMaxPolicyFiles) {
      errors.push_back({name, 0, 0, "", "too_large", "more than 200 policy files"});
      break;
    }
    const auto size = entry.file_size(ec);
    if (ec || size > kMaxPolicyFileBytes) {
      errors.push_back({name, 0, 0, "", "too_large", "the file is larger than 1 MiB"});
      continue;
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    std::ifstream in(path, std::ios::binary);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in || static_cast<std::uintmax_t>(in.gcount()) != size) {
      errors.push_back({name, 0, 0, "", "io", "the file cannot be read"});
      continue;
    }
    documents.push_back({name, std::move(text)});
  }
  auto loaded = LoadPolicyDocuments(std::move(documents), known_agencies);
  if (!loaded.ok()) {
    auto more = std::move(loaded).error();
    errors.insert(errors.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return std::move(loaded).value();
}

PolicyErrors CheckPolicyDirectory(const std::filesystem::path& dir,
                                  const std::set<std::string>& known_agencies) {
  auto loaded = LoadPolicySet(dir, known_agencies);
  if (loaded.ok()) return {};
  return std::move(loaded).error();
}

}  // namespace isagw::policy
