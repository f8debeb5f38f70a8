// Property test of the policy engine and redactor against an independent
// oracle.
//
// The oracle re-reads the example ISAs (policies/*.yaml) straight from
// YAML, with its own code: field patterns become regular expressions,
// dates compare as text, conditions are read off the JSON directly. For
// many random canonical messages, from a plausible sender to EVERY agency
// of the examples, it checks that:
//   - the engine allows exactly when the oracle finds a flow in force;
//   - every field's fate is the one the oracle expects;
//   - every leaf of the redacted copy is a field the recipient's rules
//     disclose, and its value is the original only when the fate is
//     "sent" (otherwise exactly the oracle's mask, generalisation or
//     keyed hash of it);
//   - every disclosed field is there, and no withheld value appears
//     anywhere in the copy, even inside another field.
//
// Messages: ISAGW_POLICY_PROPERTY_MESSAGES if set; otherwise 100,000, or
// 3,000 in a sanitizer build (the release build runs the full 100,000).
#include <gtest/gtest.h>
#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gateway/policy/engine.h"
#include "gateway/policy/loader.h"
#include "gateway/policy/redactor.h"
#include "tests/policy/policy_test_util.h"

namespace isagw::policy {
namespace {

using nlohmann::json;

#if defined(ISAGW_SANITIZED)
constexpr int kDefaultMessages = 3000;
#else
constexpr int kDefaultMessages = 100000;
#endif

int MessageCount() {
  if (const char* env = std::getenv("ISAGW_POLICY_PROPERTY_MESSAGES")) return std::atoi(env);
  return kDefaultMessages;
}

// ---------------------------------------------------------------------
// The oracle: the example ISAs read directly from YAML.

struct ORule {
  std::string action;  // allow, drop, mask, generalise, pseudonymise
  std::string param;   // mask "as" or generalise "to"
  std::vector<std::regex> patterns;
  YAML::Node when;  // null when unconditional
};

struct OFlow {
  std::string isa;
  std::string clause;
  std::vector<std::string> from, to;
  std::set<std::string> events;
  std::vector<ORule> rules;
};

struct OIsa {
  std::string id;
  std::map<std::string, std::set<std::string>> parties;  // agency -> roles
  std::map<std::string, std::string> signed_on;          // agency -> date
  std::string valid_from, valid_until;
  std::vector<OFlow> flows;
};

std::vector<std::string> AsList(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(item.as<std::string>());
  } else {
    out.push_back(node.as<std::string>());
  }
  return out;
}

// A pattern as a regular expression over "." + the leaf path with "[]"
// written as its own step: "rhi.with_whom[].name" -> ".rhi.with_whom.[].name".
std::regex PatternRegex(std::string pattern) {
  std::string dotted;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 2, "[]") == 0) {
      dotted += ".[]";
      ++i;
    } else {
      dotted += pattern[i];
    }
  }
  std::string re;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    std::size_t dot = dotted.find('.', start);
    const std::string step = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
    if (step == "**") {
      re += "(\\.[^.]+)*";
    } else if (step == "*") {
      re += "\\.[a-z0-9_]+";
    } else if (step == "[]") {
      re += "\\.\\[\\]";
    } else {
      re += "\\." + step;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return std::regex(re + "(\\..*)?");
}

std::string Dotted(const std::string& path) {
  std::string out = ".";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path.compare(i, 2, "[]") == 0) {
      out += ".[]";
      ++i;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::vector<OIsa> ReadOracle(const std::string& dir) {
  std::vector<OIsa> out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const YAML::Node root = YAML::LoadFile(file.string());
    OIsa isa;
    isa.id = root["id"].as<std::string>();
    for (const auto& p : root["parties"]) {
      auto roles = AsList(p["roles"]);
      isa.parties[p["agency"].as<std::string>()] = {roles.begin(), roles.end()};
    }
    for (const auto& s : root["signatories"]) {
      isa.signed_on[s["party"].as<std::string>()] = s["signed_on"].as<std::string>();
    }
    isa.valid_from = root["valid_from"].as<std::string>();
    isa.valid_until = root["valid_until"].as<std::string>();
    for (const auto& f : root["flows"]) {
      OFlow flow;
      flow.isa = isa.id;
      flow.clause = isa.id + " " + f["clause"].as<std::string>();
      flow.from = AsList(f["from"]);
      flow.to = AsList(f["to"]);
      for (const auto& e : AsList(f["events"])) flow.events.insert(e);
      for (const auto& r : f["rules"]) {
        ORule rule;
        for (const char* action : {"allow", "drop", "mask", "generalise", "pseudonymise"}) {
          if (r[action]) {
            rule.action = action;
            for (const auto& p : AsList(r[action])) rule.patterns.push_back(PatternRegex(p));
          }
        }
        if (r["as"]) rule.param = r["as"].as<std::string>();
        if (r["to"]) rule.param = r["to"].as<std::string>();
        if (r["when"]) rule.when = r["when"];
        flow.rules.push_back(std::move(rule));
      }
      isa.flows.push_back(std::move(flow));
    }
    out.push_back(std::move(isa));
  }
  return out;
}

struct OParty {
  std::string agency;
  std::set<std::string> roles;
};

std::set<std::string> Effective(const OIsa& isa, const OParty& party) {
  std::set<std::string> out;
  auto it = isa.parties.find(party.agency);
  if (it == isa.parties.end()) return out;
  for (const auto& r : party.roles) {
    if (it->second.count(r)) out.insert(r);
  }
  return out;
}

bool Picks(const std::vector<std::string>& selectors, const OParty& party,
           const std::set<std::string>& roles) {
  for (const auto& s : selectors) {
    if (s == party.agency || roles.count(s)) return true;
  }
  return false;
}

bool InForce(const OIsa& isa, const std::string& today) {
  if (today < isa.valid_from || today > isa.valid_until) return false;
  for (const auto& [agency, roles] : isa.parties) {
    auto it = isa.signed_on.find(agency);
    if (it == isa.signed_on.end() || it->second > today) return false;
  }
  return true;
}

const json* At(const json& doc, std::initializer_list<const char*> keys) {
  const json* at = &doc;
  for (const char* k : keys) {
    if (!at->is_object() || !at->contains(k)) return nullptr;
    at = &(*at)[k];
  }
  return at;
}

bool ConditionsHold(const YAML::Node& when, const json& doc,
                    const std::set<std::string>& recipient_roles) {
  if (!when) return true;
  if (when["consent"]) {
    std::string who = when["consent"].as<std::string>();
    auto given = [&](const char* key) {
      const json* v = At(doc, {"rhi", "consent", key});
      return v && v->is_boolean() && v->get<bool>();
    };
    const json* reason = At(doc, {"rhi", "consent", "overridden_reason"});
    bool ok = reason && reason->is_string() && !reason->get<std::string>().empty();
    if (who == "recipient") {
      ok = ok || (recipient_roles.count("police_force") && given("police")) ||
           (recipient_roles.count("placing_la") && given("placing_authority"));
    } else {
      ok = ok || given(who.c_str());
    }
    if (!ok) return false;
  }
  if (when["exploitation_indicators_present"]) {
    bool present = false;
    if (const json* list = At(doc, {"rhi", "exploitation_indicators"})) {
      present = list->is_array() && !list->empty();
    }
    if (const json* flags = At(doc, {"episode", "exploitation"})) {
      for (const auto& [k, v] : flags->items())
        present = present || (v.is_boolean() && v.get<bool>());
    }
    if (!present) return false;
  }
  if (when["risk_at_least"]) {
    static const std::vector<std::string> order = {"no_apparent_risk", "absent", "very_low", "low",
                                                   "medium",           "high"};
    const json* level = At(doc, {"episode", "risk", "level"});
    if (!level) return false;
    auto have = std::find(order.begin(), order.end(), level->get<std::string>());
    auto need = std::find(order.begin(), order.end(), when["risk_at_least"].as<std::string>());
    if (have < need) return false;
  }
  if (when["recipient_role"]) {
    bool any = false;
    for (const auto& r : AsList(when["recipient_role"])) any = any || recipient_roles.count(r);
    if (!any) return false;
  }
  return true;
}

// The documented order, most restrictive first.
int Severity(const std::string& fate) {
  static const std::vector<std::string> order = {
      "dropped", "withheld_condition", "no_rule", "pseudonymised", "generalised", "masked", "sent"};
  return static_cast<int>(std::find(order.begin(), order.end(), fate) - order.begin());
}

struct OFate {
  std::string fate = "no_rule";
  std::string param;
  std::string isa;
};

class Oracle {
 public:
  explicit Oracle(std::vector<OIsa> isas) : isas_(std::move(isas)) {}

  struct Match {
    const OIsa* isa;
    const OFlow* flow;
    std::set<std::string> recipient_roles;
  };

  std::vector<Match> Flows(const std::string& kind, const OParty& from, const OParty& to,
                           const std::string& today) const {
    std::vector<Match> out;
    for (const auto& isa : isas_) {
      if (!InForce(isa, today)) continue;
      if (!isa.parties.count(from.agency) || !isa.parties.count(to.agency)) continue;
      const auto from_roles = Effective(isa, from);
      const auto to_roles = Effective(isa, to);
      for (const auto& flow : isa.flows) {
        if (flow.events.count(kind) && Picks(flow.from, from, from_roles) &&
            Picks(flow.to, to, to_roles)) {
          out.push_back({&isa, &flow, to_roles});
        }
      }
    }
    return out;
  }

  OFate FateOf(const std::vector<Match>& flows, const std::string& path, const json& doc) {
    OFate best;
    bool first_flow = true;
    for (const auto& m : flows) {
      OFate in_flow;  // no_rule unless a rule covers the field
      for (std::size_t r : Covering(*m.flow, path)) {
        const ORule& rule = m.flow->rules[r];
        OFate f;
        f.isa = m.isa->id;
        if (!ConditionsHold(rule.when, doc, m.recipient_roles)) {
          f.fate = "withheld_condition";
        } else {
          static const std::map<std::string, std::string> fates = {
              {"allow", "sent"},
              {"drop", "dropped"},
              {"mask", "masked"},
              {"generalise", "generalised"},
              {"pseudonymise", "pseudonymised"}};
          f.fate = fates.at(rule.action);
          f.param = rule.param;
        }
        if (in_flow.isa.empty() || Severity(f.fate) < Severity(in_flow.fate)) in_flow = f;
      }
      if (first_flow || Severity(in_flow.fate) < Severity(best.fate)) best = in_flow;
      first_flow = false;
    }
    return best;
  }

 private:
  const std::vector<std::size_t>& Covering(const OFlow& flow, const std::string& path) {
    auto key = std::make_pair(&flow, path);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    std::vector<std::size_t> rules;
    const std::string dotted = Dotted(path);
    for (std::size_t r = 0; r < flow.rules.size(); ++r) {
      for (const auto& re : flow.rules[r].patterns) {
        if (std::regex_match(dotted, re)) {
          rules.push_back(r);
          break;
        }
      }
    }
    return cache_.emplace(key, std::move(rules)).first->second;
  }

  std::vector<OIsa> isas_;
  std::map<std::pair<const OFlow*, std::string>, std::vector<std::size_t>> cache_;
};

// ---------------------------------------------------------------------
// Random canonical messages. Every text value is unique within a message,
// so a withheld value found anywhere in a copy is a leak, not chance.

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  json Message(int index) {
    serial_ = 0;
    index_ = index;
    static const std::vector<std::string> kinds = {
        "missing_reported",   "risk_reviewed", "found",        "closed",
        "placement_notified", "rhi_referred",  "rhi_recorded", "escalation"};
    json m = {{"model", "isagw.canonical/1"}, {"kind", Pick(kinds)}};
    day_ = Date(2025, 2028);
    if (Chance(0.8)) m["header"] = Header();
    if (Chance(0.8)) m["child"] = Child();
    if (Chance(0.8)) m["episode"] = Episode();
    if (Chance(0.6)) m["rhi"] = Rhi();
    if (Chance(0.3)) m["escalation"] = Escalation();
    if (Chance(0.05)) m["unexpected"] = Text("unexpected");
    if (Chance(0.05) && m.contains("child")) m["child"]["favourite_colour"] = Text("colour");
    Prune(m);
    return m;
  }

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }
  std::string PickS(std::initializer_list<const char*> v) {
    return *(v.begin() + Int(0, static_cast<int>(v.size()) - 1));
  }

 private:
  int Next() { return ++serial_; }
  std::string Tag() { return std::to_string(index_) + "x" + std::to_string(Next()); }
  std::string Text(const std::string& what) { return what + " " + Tag() + " words"; }
  std::string Name() { return "Name" + Tag() + " Person"; }
  std::string Id(const std::string& prefix) { return prefix + "-" + Tag(); }
  static std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
  std::string Date(int from_year, int to_year) {
    return std::to_string(Int(from_year, to_year)) + "-" + Two(Int(1, 12)) + "-" + Two(Int(1, 28));
  }
  // Between 10:00 and 19:59 UTC, so the UK date is the UTC date all year.
  std::string Timestamp() {
    const int n = Next();
    return day_ + "T" + Two(10 + (n / 60) % 10) + ":" + Two(n % 60) + ":" + Two(Int(0, 59)) + "Z";
  }
  std::string Postcode() {
    const int n = Next();
    static const std::vector<std::string> districts = {"ST1", "ST16", "DE22", "DE1",
                                                       "NG7", "CR0",  "BD1",  "WS11"};
    return Pick(districts) + " " + std::to_string(n % 10) + static_cast<char>('A' + (n / 10) % 26) +
           static_cast<char>('A' + (index_ + n / 260) % 26);
  }
  std::string Phone() {
    std::string digits = std::to_string(1000000 + (index_ % 1000) * 1000 + Next());
    return "01785 " + digits.substr(digits.size() - 6);
  }
  std::string La() { return PickS({"860", "861", "831", "892", "306", "380"}); }

  json Header() {
    json h;
    if (Chance(0.7)) h["message_id"] = Id("MSG");
    if (Chance(0.7)) h["sent_at"] = Timestamp();
    if (Chance(0.5)) h["from_la"] = La();
    if (Chance(0.5)) h["to_la"] = La();
    return h;
  }

  json Child() {
    json c;
    if (Chance(0.7)) c["forename"] = Name();
    if (Chance(0.7)) c["surname"] = Name();
    if (Chance(0.7)) c["date_of_birth"] = Date(2005, 2020);
    if (Chance(0.5)) c["sex"] = PickS({"male", "female", "other", "unknown", "not_stated"});
    if (Chance(0.4))
      c["ethnicity"] = {{"scheme", "dfe"}, {"code", PickS({"WBRI", "AIND", "BAFR"})}};
    if (Chance(0.5)) c["nhs_number"] = std::to_string(9000000000LL + index_ * 100LL + Next());
    if (Chance(0.4)) c["council_person_id"] = {{"la", La()}, {"person_id", Id("LCS")}};
    if (Chance(0.5)) {
      json home;
      if (Chance(0.7)) home["text"] = Text("home");
      if (Chance(0.7)) home["postcode"] = Postcode();
      c["home"] = home;
    }
    if (Chance(0.5)) c["looked_after"] = PickS({"yes", "no", "unknown"});
    if (Chance(0.4)) c["legal_status"] = PickS({"C1", "C2", "V2"});
    if (Chance(0.4)) c["responsible_la"] = La();
    if (Chance(0.5)) {
      json p;
      if (Chance(0.7)) p["type"] = PickS({"K2", "U1", "H5"});
      if (Chance(0.7)) p["postcode"] = Postcode();
      if (Chance(0.7)) p["provider"] = Name();
      c["placement"] = p;
    }
    if (Chance(0.5)) {
      json sw;
      if (Chance(0.7)) sw["name"] = Name();
      if (Chance(0.7)) sw["team"] = Text("team");
      if (Chance(0.7)) sw["phone"] = Phone();
      if (Chance(0.7))
        sw["email"] = "sw" + Tag() + "@council" + std::to_string(Int(1, 3)) + ".gov.uk";
      c["social_worker"] = sw;
    }
    return c;
  }

  json Location() {
    json l;
    if (Chance(0.7)) l["description"] = Text("place");
    if (Chance(0.7)) l["postcode"] = Postcode();
    return l;
  }

  json Episode() {
    json e;
    if (Chance(0.7))
      e["police_ref"] = "ST/21/2026/" + std::to_string(100000 + Next() + index_ % 800000);
    if (Chance(0.5)) e["force_code"] = PickS({"STAFFS", "DERBYS"});
    if (Chance(0.5)) e["record_version"] = Int(1, 9);
    if (Chance(0.5)) e["missing_type"] = PickS({"missing", "away"});
    if (Chance(0.5)) e["missing_from"] = PickS({"home", "foster", "residential", "other"});
    for (const char* t : {"reported_at", "last_seen_at", "found_at", "safe_and_well_at"}) {
      if (Chance(0.5)) e[t] = Timestamp();
    }
    if (Chance(0.5)) e["last_seen_location"] = Location();
    if (Chance(0.4)) e["found_location"] = Location();
    if (Chance(0.4)) e["found_by"] = PickS({"police", "self_return", "carer"});
    if (Chance(0.4)) e["safe_and_well_completed"] = Chance(0.5);
    if (Chance(0.7)) {
      json risk = {
          {"level", PickS({"no_apparent_risk", "absent", "very_low", "low", "medium", "high"})}};
      if (Chance(0.6)) risk["rationale"] = Text("rationale");
      e["risk"] = risk;
    }
    if (Chance(0.6)) {
      json x;
      for (const char* f : {"cse", "cce", "county_lines", "trafficking", "radicalisation"}) {
        if (Chance(0.4)) x[f] = Chance(0.3);
      }
      e["exploitation"] = x;
    }
    if (Chance(0.5)) e["circumstances"] = Text("circumstances");
    if (Chance(0.4)) e["officer_in_case"] = Name();
    if (Chance(0.4)) e["previous_episodes"] = Int(0, 12);
    return e;
  }

  json Rhi() {
    json r;
    if (Chance(0.6)) r["provider_id"] = Id("PRV");
    if (Chance(0.6)) r["interview_id"] = Id("RHI");
    for (int i = Int(0, 3); i > 0; --i)
      r["police_refs"].push_back("ST/21/2026/" + std::to_string(200000 + Next()));
    for (const char* t : {"returned_at", "offered_at", "completed_at"}) {
      if (Chance(0.5)) r[t] = Timestamp();
    }
    if (Chance(0.6)) r["outcome"] = PickS({"completed", "declined", "no_contact"});
    if (Chance(0.4)) r["outcome_reason"] = Text("reason");
    if (Chance(0.4)) {
      json c;
      if (Chance(0.7)) c["name"] = Name();
      if (Chance(0.7)) c["role"] = Text("role");
      if (Chance(0.7)) c["independent_of_care"] = Chance(0.8);
      r["conducted_by"] = c;
    }
    for (int i = Int(0, 3); i > 0; --i) {
      json w;
      if (Chance(0.7)) w["description"] = Text("stayed");
      if (Chance(0.7)) w["town"] = Text("town");
      if (Chance(0.7)) w["postcode"] = Postcode();
      r["where_stayed"].push_back(w);
    }
    for (int i = Int(0, 3); i > 0; --i) {
      json w;
      if (Chance(0.7)) w["name"] = Name();
      if (Chance(0.6)) w["relationship"] = Text("relationship");
      if (Chance(0.6)) w["approx_age"] = Int(10, 60);
      if (Chance(0.6)) w["adult_of_concern"] = Chance(0.4);
      r["with_whom"].push_back(w);
    }
    for (int i = Int(0, 3); i > 0; --i) {
      r["push_factors"].push_back(PickS({"conflict_at_home", "abuse_at_home", "boredom"}));
    }
    for (int i = Int(0, 3); i > 0; --i) {
      r["pull_factors"].push_back(PickS({"friends", "older_adults", "substances"}));
    }
    if (Chance(0.5)) {
      json h;
      for (const char* f : {"physical", "sexual", "emotional", "substance_misuse",
                            "criminal_activity", "self_harm"}) {
        if (Chance(0.5)) h[f] = Chance(0.3);
      }
      r["harm"] = h;
    }
    for (int i = Int(0, 2); i > 0; --i) {
      r["exploitation_indicators"].push_back(PickS({"cse", "cce", "county_lines"}));
    }
    for (const char* t : {"child_account", "disclosures", "child_views"}) {
      if (Chance(0.5)) r[t] = Text(t);
    }
    for (int i = Int(0, 3); i > 0; --i) r["risks_identified"].push_back(Text("risk"));
    for (int i = Int(0, 3); i > 0; --i) {
      json a = {{"type", PickS({"referral", "safety_plan", "signpost"})}};
      if (Chance(0.6)) a["to"] = Text("to");
      if (Chance(0.6)) a["detail"] = Text("detail");
      r["actions"].push_back(a);
    }
    if (Chance(0.7)) {
      json c;
      for (const char* f : {"police", "placing_authority", "health"}) {
        if (Chance(0.6)) c[f] = Chance(0.5);
      }
      if (Chance(0.2)) c["overridden_reason"] = Text("override");
      r["consent"] = c;
    }
    return r;
  }

  json Escalation() {
    json e = {{"reason", PickS({"missing_72_hours", "repeat_episodes", "other"})}};
    if (Chance(0.6)) e["raised_at"] = Timestamp();
    if (Chance(0.5)) e["episode_count"] = Int(3, 9);
    if (Chance(0.5)) e["window_days"] = 90;
    if (Chance(0.5)) e["detail"] = Text("escalation detail");
    return e;
  }

  // Canonical JSON omits empty objects and arrays (an object nothing was
  // put into is still null here).
  static void Prune(json& v) {
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end();) {
        Prune(*it);
        if (it->is_null() || ((it->is_object() || it->is_array()) && it->empty())) {
          it = v.erase(it);
        } else {
          ++it;
        }
      }
    } else if (v.is_array()) {
      json kept = json::array();
      for (auto& item : v) {
        Prune(item);
        if (!item.is_null() && !((item.is_object() || item.is_array()) && item.empty())) {
          kept.push_back(std::move(item));
        }
      }
      v = std::move(kept);
    }
  }

  std::mt19937_64 rng_;
  int serial_ = 0;
  int index_ = 0;
  std::string day_;
};

// ---------------------------------------------------------------------

struct Leaf {
  std::string pointer;
  std::string path;  // "rhi.with_whom[].name"
  const json* value;
  // The arrays above the leaf: (array pointer, element index).
  std::vector<std::pair<std::string, std::size_t>> arrays;
};

void Leaves(const json& v, const std::string& pointer, const std::string& path,
            std::vector<std::pair<std::string, std::size_t>>& arrays, std::vector<Leaf>& out) {
  if (v.is_object()) {
    for (const auto& [k, m] : v.items()) {
      if (pointer.empty() && (k == "model" || k == "kind")) continue;
      Leaves(m, pointer + "/" + k, path.empty() ? k : path + "." + k, arrays, out);
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      arrays.emplace_back(pointer, i);
      Leaves(v[i], pointer + "/" + std::to_string(i), path + "[]", arrays, out);
      arrays.pop_back();
    }
  } else {
    out.push_back({pointer, path, &v, arrays});
  }
}

std::vector<Leaf> Leaves(const json& v) {
  std::vector<Leaf> out;
  std::vector<std::pair<std::string, std::size_t>> arrays;
  Leaves(v, "", "", arrays, out);
  return out;
}

// The oracle's own list of canonical leaves: the generator's vocabulary.
bool IsCanonical(const std::string& path) {
  return path.find("unexpected") == std::string::npos &&
         path.find("favourite_colour") == std::string::npos;
}

// Enum names ("self_return") and codes ("STAFFS", "860") come from small
// lists and may rightly appear in several fields; every other generated
// string is unique within its message.
bool IsVocabulary(const std::string& s) {
  const bool lower =
      std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  const bool upper = std::all_of(
      s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
  return lower || upper;
}

std::string Hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

struct OracleKey {
  unsigned char bytes[32];
};

std::string OraclePseudonym(const OracleKey& key, const std::string& value) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), key.bytes, sizeof key.bytes);
  return "psn:" + Hex(out, sizeof out);
}

int OracleAge(const std::string& born, const std::string& on) {
  const int years = std::stoi(on.substr(0, 4)) - std::stoi(born.substr(0, 4));
  return on.substr(5, 5) < born.substr(5, 5) ? years - 1 : years;
}

// What the recipient must receive for one input leaf, or nullopt.
std::optional<json> Expected(const OFate& fate, const json& value, const std::string& age_on,
                             const std::map<std::string, OracleKey>& keys) {
  if (fate.fate == "sent") return value;
  if (!value.is_string()) return std::nullopt;
  const std::string s = value.get<std::string>();
  if (fate.fate == "masked") {
    if (fate.param == "marker") return json("[redacted]");
    if (fate.param == "postcode_district") return json(s.substr(0, s.find(' ')));
    if (fate.param == "email") return json("***" + s.substr(s.find('@')));
    if (fate.param == "phone") {
      std::string out = s;
      int digits = 0;
      for (char c : s) digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
      int seen = 0;
      for (char& c : out) {
        if (std::isdigit(static_cast<unsigned char>(c)) && seen++ < digits - 3) c = '*';
        if (c == '+') c = '*';
      }
      return json(out);
    }
  }
  if (fate.fate == "generalised") {
    if (fate.param == "date") return json(s.substr(0, 10));
    if (fate.param == "age_years") return json(OracleAge(s, age_on));
  }
  if (fate.fate == "pseudonymised") {
    auto key = keys.find(fate.isa);
    if (key == keys.end()) return std::nullopt;  // no key: withheld, never in clear
    return json(OraclePseudonym(key->second, s));
  }
  return std::nullopt;
}

std::vector<OParty> Recipients(Generator& g) {
  std::vector<OParty> out;
  for (const std::string& agency : testing::KnownAgencies()) {
    OParty p{agency, {}};
    if (agency.rfind("police-", 0) == 0) {
      p.roles = {"police_force"};
    } else if (agency.rfind("provider-", 0) == 0) {
      p.roles = {"commissioned_provider"};
    } else {
      const int pick = g.Int(0, 3);
      if (pick == 0 || pick == 2) p.roles.insert("host_la");
      if (pick == 1 || pick == 2) p.roles.insert("placing_la");
    }
    // Now and then the router claims a role the ISAs never give the
    // agency: the engine must ignore it.
    if (g.Chance(0.05))
      p.roles.insert(g.PickS({"police_force", "host_la", "commissioned_provider"}));
    if (g.Chance(0.03)) p.roles.clear();
    out.push_back(std::move(p));
  }
  return out;
}

OParty Sender(Generator& g, const std::string& kind) {
  std::vector<std::string> agencies(testing::KnownAgencies().begin(),
                                    testing::KnownAgencies().end());
  const bool police_kind =
      kind == "missing_reported" || kind == "risk_reviewed" || kind == "found" || kind == "closed";
  std::string agency;
  if (g.Chance(0.1)) {
    agency = g.Pick(agencies);
  } else if (kind == "rhi_recorded" && g.Chance(0.6)) {
    agency = g.PickS({"provider-catch22", "provider-brighter-futures"});
  } else if (police_kind && g.Chance(0.6)) {
    agency = g.PickS({"police-staffs", "police-derbys"});
  } else {
    agency = g.PickS(
        {"la-staffordshire", "la-stoke", "la-derby", "la-croydon", "la-nottingham", "la-bradford"});
  }
  OParty p{agency, {}};
  if (agency.rfind("police-", 0) == 0) {
    p.roles = {"police_force"};
  } else if (agency.rfind("provider-", 0) == 0) {
    p.roles = {"commissioned_provider"};
  } else {
    p.roles = {g.Chance(0.5) ? "host_la" : "placing_la"};
    if (g.Chance(0.2)) p.roles = {"host_la", "placing_la"};
  }
  return p;
}

Party ToParty(const OParty& p) {
  Party out{p.agency, {}};
  for (const auto& r : p.roles) out.roles.insert(*kRoleNames.Find(r));
  return out;
}

TEST(PolicyProperty, NoRecipientEverReceivesAFieldItsRulesDoNotAllow) {
  ASSERT_GE(sodium_init(), 0);
  auto loaded = LoadPolicySet(testing::ExamplePolicyDir(), testing::KnownAgencies());
  ASSERT_TRUE(loaded.ok()) << testing::DescribeAll(loaded.error());
  const PolicySet& policies = *loaded;
  Oracle oracle(ReadOracle(testing::ExamplePolicyDir()));

  // Keys for two ISAs always, for the out-of-area one on even messages
  // only: a missing key must withhold, never send in clear.
  std::map<std::string, OracleKey> all_keys;
  KeyRing ring_all, ring_some;
  for (const char* id : {"ISA-STAFFS-2026", "ISA-DERBY-2026", "ISA-OOA-2026"}) {
    OracleKey k;
    for (std::size_t i = 0; i < sizeof k.bytes; ++i) {
      k.bytes[i] = static_cast<unsigned char>(i * 7 + std::string(id).size());
    }
    all_keys[id] = k;
    ring_all.Add(id, PseudonymKey(k.bytes));
    if (std::string(id) != "ISA-OOA-2026") ring_some.Add(id, PseudonymKey(k.bytes));
  }
  std::map<std::string, OracleKey> some_keys = all_keys;
  some_keys.erase("ISA-OOA-2026");

  Generator g(20261122);
  const int messages = MessageCount();
  long long decisions = 0, allowed = 0, leaves_checked = 0, pseudonyms = 0, withheld_no_key = 0;
  std::map<std::string, long long> fates_seen;
  int failures = 0;
  for (int n = 0; n < messages && failures < 5; ++n) {
    const json message = g.Message(n);
    const std::string kind = message["kind"];
    const OParty sender = Sender(g, kind);
    // Mostly while the example ISAs are in force, sometimes before or after.
    const std::string today =
        std::to_string(g.Chance(0.8) ? g.Int(2026, 2027) : g.Int(2025, 2028)) + "-" +
        (g.Chance(0.5) ? "03" : "11") + "-" + (g.Chance(0.5) ? "15" : "01");
    const model::Timestamp now = testing::At(today + "T12:00:00Z");
    const bool even = n % 2 == 0;
    const KeyRing& ring = even ? ring_all : ring_some;
    const auto& keys = even ? all_keys : some_keys;

    const std::vector<Leaf> leaves = Leaves(message);
    std::string age_on = today;
    if (const json* seen = At(message, {"episode", "last_seen_at"})) {
      age_on = seen->get<std::string>().substr(0, 10);
    } else if (const json* sent = At(message, {"header", "sent_at"})) {
      age_on = sent->get<std::string>().substr(0, 10);
    }

    for (const OParty& recipient : Recipients(g)) {
      ++decisions;
      const auto flows = oracle.Flows(kind, sender, recipient, today);
      const Decision decision = Decide(policies, message, ToParty(sender), ToParty(recipient), now);
      SCOPED_TRACE("message " + std::to_string(n) + " " + kind + " from " + sender.agency + " to " +
                   recipient.agency + " on " + today);
      EXPECT_EQ(decision.allowed, !flows.empty()) << decision.refusal_reason;
      if (decision.allowed == flows.empty()) {
        ++failures;
        continue;
      }
      if (!decision.allowed) {
        EXPECT_FALSE(Redact(message, decision, ring).ok());
        continue;
      }
      ++allowed;
      ASSERT_EQ(decision.flows.size(), flows.size());
      for (std::size_t i = 0; i < flows.size(); ++i) {
        EXPECT_EQ(decision.flows[i].clause, flows[i].flow->clause);
      }

      // The oracle's verdict on every input leaf.
      std::map<std::string, std::optional<json>> expected;  // pointer -> value sent
      std::map<std::string, std::string> fate_of;
      std::map<std::string, std::set<std::size_t>> kept;  // array pointer -> input indices kept
      for (const Leaf& leaf : leaves) {
        OFate fate;
        if (IsCanonical(leaf.path)) fate = oracle.FateOf(flows, leaf.path, message);
        fate_of[leaf.pointer] = fate.fate;
        ++fates_seen[fate.fate];
        std::optional<json> value = Expected(fate, *leaf.value, age_on, keys);
        if (fate.fate == "pseudonymised") {
          ++pseudonyms;
          if (!value) ++withheld_no_key;
        }
        if (value) {
          // Every array on the way keeps this element.
          for (const auto& [array, index] : leaf.arrays) kept[array].insert(index);
        }
        expected[leaf.pointer] = std::move(value);
      }

      // The engine's fates agree with the oracle's.
      std::size_t decided = 0;
      for (const FieldDecision& field : decision.fields) {
        if (field.pointer.find("<unknown>") != std::string::npos) continue;
        ++decided;
        auto it = fate_of.find(field.pointer);
        ASSERT_NE(it, fate_of.end()) << field.pointer;
        EXPECT_EQ(std::string(*kFateNames.Name(field.fate)), it->second) << field.pointer;
      }
      EXPECT_EQ(decided, leaves.size());

      auto copy = Redact(message, decision, ring);
      ASSERT_TRUE(copy.ok());
      const json& out = copy->document;
      EXPECT_EQ(out["model"], "isagw.canonical/1");
      EXPECT_EQ(out["kind"], kind);

      // Every leaf of the copy: disclosed by the rules, with the right value.
      const std::vector<Leaf> received = Leaves(out);
      std::size_t expected_count = 0;
      for (const auto& [pointer, value] : expected) expected_count += value ? 1 : 0;
      EXPECT_EQ(received.size(), expected_count);
      for (const Leaf& leaf : received) {
        ++leaves_checked;
        // Map the copy's pointer back to the message's: array indices
        // through the kept elements, age_years to date_of_birth.
        std::string source;
        std::string prefix;
        std::size_t pos = 1;
        bool mapped = true;
        while (pos <= leaf.pointer.size()) {
          const std::size_t next = leaf.pointer.find('/', pos);
          std::string token =
              leaf.pointer.substr(pos, next == std::string::npos ? next : next - pos);
          if (auto array = kept.find(prefix); array != kept.end()) {
            const auto& indices = array->second;
            const std::size_t k = std::stoul(token);
            if (k >= indices.size()) {
              mapped = false;
              break;
            }
            token = std::to_string(*std::next(indices.begin(), static_cast<long>(k)));
          } else if (prefix == "/child" && token == "age_years") {
            token = "date_of_birth";
          }
          prefix += "/" + token;
          if (next == std::string::npos) break;
          pos = next + 1;
        }
        source = prefix;
        ASSERT_TRUE(mapped) << "extra array element at " << leaf.pointer;
        auto it = expected.find(source);
        ASSERT_NE(it, expected.end()) << "copy has a field the message lacks: " << leaf.pointer;
        ASSERT_TRUE(it->second.has_value())
            << "copy has " << leaf.pointer << " whose fate is " << fate_of[source];
        EXPECT_EQ(*leaf.value, *it->second) << leaf.pointer;
        const json& original = message.at(json::json_pointer(source));
        if (fate_of[source] != "sent") {
          EXPECT_NE(*leaf.value, original)
              << leaf.pointer << " went out unchanged as " << fate_of[source];
        }
      }

      // No withheld or transformed value appears anywhere in the copy.
      const std::string dumped = out.dump();
      for (const Leaf& leaf : leaves) {
        if (fate_of[leaf.pointer] == "sent" || !leaf.value->is_string()) continue;
        const std::string& s = leaf.value->get_ref<const std::string&>();
        if (IsVocabulary(s)) continue;  // enum names and codes repeat by design
        EXPECT_EQ(dumped.find(s), std::string::npos) << leaf.pointer << " leaked inside a value";
      }
      if (::testing::Test::HasFailure()) ++failures;
    }
  }
  if (::testing::Test::HasFailure()) return;
  // The run must have exercised what it claims to.
  std::printf(
      "[ property ] %d messages, %lld decisions, %lld allowed, %lld leaves checked, "
      "%lld pseudonymised (%lld withheld for want of a key)\n",
      messages, decisions, allowed, leaves_checked, pseudonyms, withheld_no_key);
  for (const auto& [fate, count] : fates_seen)
    std::printf("[ property ]   %s: %lld\n", fate.c_str(), count);
  EXPECT_GE(decisions, static_cast<long long>(messages) * 13);
  EXPECT_GT(allowed, decisions / 40);
  for (const char* fate : {"sent", "masked", "generalised", "pseudonymised", "dropped",
                           "withheld_condition", "no_rule"}) {
    EXPECT_GT(fates_seen[fate], 0) << fate;
  }
  EXPECT_GT(withheld_no_key, 0);
}

}  // namespace
}  // namespace isagw::policy
