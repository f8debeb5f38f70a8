// Decisions and redactions per second with the example ISAs, on the two
// message shapes that dominate: a police missing report to the host
// council, and a return home interview record to the police.
//
//   build/bench/policy/policy_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "gateway/policy/engine.h"
#include "gateway/policy/loader.h"
#include "gateway/policy/redactor.h"

namespace isagw::policy {
namespace {

using nlohmann::json;

const std::set<std::string> kAgencies = {
    "police-staffs",   "police-derbys",    "police-notts", "police-met",
    "police-wyp",      "la-staffordshire", "la-stoke",     "la-derby",
    "la-nottingham",   "la-croydon",       "la-bradford",  "provider-brighter-futures",
    "provider-catch22"};

const PolicySet& Policies() {
  static const PolicySet policies = [] {
    auto loaded = LoadPolicySet(std::string(ISAGW_SOURCE_DIR) + "/policies", kAgencies);
    if (!loaded.ok()) {
      for (const auto& e : loaded.error()) std::cerr << Describe(e) << "\n";
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return policies;
}

const json& MissingReport() {
  static const json event = json::parse(R"({
    "model": "isagw.canonical/1", "kind": "missing_reported",
    "header": {"message_id": "ST-2026-004512-1", "sent_at": "2026-11-22T21:41:00Z",
               "from_la": "860", "to_la": "860"},
    "child": {
      "forename": "Alex", "surname": "Example", "date_of_birth": "2010-05-04", "sex": "male",
      "ethnicity": {"scheme": "police_16plus1", "code": "W1"}, "nhs_number": "9434765919",
      "home": {"text": "1 Example Street, Stafford", "postcode": "ST16 2AB"},
      "looked_after": "yes", "legal_status": "C2", "responsible_la": "306",
      "placement": {"type": "K2", "postcode": "ST16 3CD", "provider": "Example House"}
    },
    "episode": {
      "police_ref": "ST/21/2026/004512", "force_code": "STAFFS", "record_version": 1,
      "missing_type": "missing", "missing_from": "residential",
      "reported_at": "2026-11-22T21:40:00Z", "last_seen_at": "2026-11-22T19:05:00Z",
      "last_seen_location": {"description": "Stafford bus station ST16 2AA", "postcode": "ST16 2AA"},
      "risk": {"level": "high", "rationale": "Previous CCE concerns"},
      "exploitation": {"cse": false, "cce": true},
      "circumstances": "Left the home after an argument", "officer_in_case": "PC 1234",
      "previous_episodes": 4
    }
  })");
  return event;
}

const json& RhiRecord() {
  static const json event = json::parse(R"({
    "model": "isagw.canonical/1", "kind": "rhi_recorded",
    "header": {"message_id": "RHI-2026-0099", "sent_at": "2026-11-25T10:00:00Z"},
    "child": {"forename": "Alex", "surname": "Example", "date_of_birth": "2010-05-04"},
    "episode": {"police_ref": "DB/21/2026/004512"},
    "rhi": {
      "provider_id": "BF", "interview_id": "BF-2026-0099", "police_refs": ["DB/21/2026/004512"],
      "returned_at": "2026-11-23T08:00:00Z", "offered_at": "2026-11-23T12:00:00Z",
      "completed_at": "2026-11-24T16:00:00Z", "outcome": "completed",
      "conducted_by": {"name": "Robin Interviewer", "role": "RHI worker", "independent_of_care": true},
      "where_stayed": [{"description": "A flat above the shops", "town": "Derby", "postcode": "DE1 2AY"},
                       {"description": "A friend's house", "town": "Derby", "postcode": "DE22 3AB"}],
      "with_whom": [{"name": "Jo Adult", "relationship": "met online", "approx_age": 24,
                     "adult_of_concern": true},
                    {"name": "Kim Friend", "relationship": "friend", "approx_age": 15}],
      "push_factors": ["conflict_with_carers"], "pull_factors": ["older_adults", "substances"],
      "harm": {"physical": false, "sexual": false, "emotional": true, "criminal_activity": true},
      "exploitation_indicators": ["cce", "county_lines"],
      "child_account": "What the child said, at some length.",
      "disclosures": "What the child disclosed.", "child_views": "Wants to stay in the placement.",
      "risks_identified": ["Older adult contact", "Carrying for others"],
      "actions": [{"type": "referral", "to": "MASH", "detail": "Referred for an assessment"}],
      "consent": {"police": true, "placing_authority": true}
    }
  })");
  return event;
}

const model::Timestamp kNow = *model::ParseRfc3339("2026-11-25T12:00:00Z");

const KeyRing& Keys() {
  static const KeyRing keys = [] {
    KeyRing ring;
    unsigned char bytes[PseudonymKey::kBytes] = {42};
    for (const char* id : {"ISA-STAFFS-2026", "ISA-DERBY-2026", "ISA-OOA-2026"}) {
      ring.Add(id, PseudonymKey(bytes));
    }
    return ring;
  }();
  return keys;
}

struct Case {
  const json& (*event)();
  Party from;
  Party to;
};

Case MissingToHost() {
  return {MissingReport,
          {"police-staffs", {Role::kPoliceForce}},
          {"la-staffordshire", {Role::kHostLa}}};
}
Case RhiToPolice() {
  return {RhiRecord,
          {"provider-brighter-futures", {Role::kCommissionedProvider}},
          {"police-derbys", {Role::kPoliceForce}}};
}
Case Refused() {
  return {
      MissingReport, {"police-staffs", {Role::kPoliceForce}}, {"la-croydon", {Role::kPlacingLa}}};
}

void Decisions(benchmark::State& state, Case c) {
  const PolicySet& policies = Policies();
  const json& event = c.event();
  for (auto _ : state) {
    Decision d = Decide(policies, event, c.from, c.to, kNow);
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void DecisionsAndRedaction(benchmark::State& state, Case c) {
  const PolicySet& policies = Policies();
  const json& event = c.event();
  for (auto _ : state) {
    Decision d = Decide(policies, event, c.from, c.to, kNow);
    auto copy = Redact(event, d, Keys());
    benchmark::DoNotOptimize(copy);
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// A missing report to every agency of the examples, as the router would
// fan it out: 13 decisions, 1 or 2 of them allowed and redacted.
void FanOut(benchmark::State& state) {
  const PolicySet& policies = Policies();
  const json& event = MissingReport();
  const Party from{"police-staffs", {Role::kPoliceForce}};
  std::vector<Party> recipients;
  for (const auto& agency : kAgencies) {
    Party p{agency, {}};
    if (agency.rfind("police-", 0) == 0) p.roles = {Role::kPoliceForce};
    if (agency.rfind("la-", 0) == 0) p.roles = {Role::kHostLa};
    if (agency.rfind("provider-", 0) == 0) p.roles = {Role::kCommissionedProvider};
    recipients.push_back(std::move(p));
  }
  for (auto _ : state) {
    for (const Party& to : recipients) {
      Decision d = Decide(policies, event, from, to, kNow);
      if (d.allowed) {
        auto copy = Redact(event, d, Keys());
        benchmark::DoNotOptimize(copy);
      }
    }
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void LoadExamplePolicies(benchmark::State& state) {
  for (auto _ : state) {
    auto loaded = LoadPolicySet(std::string(ISAGW_SOURCE_DIR) + "/policies", kAgencies);
    benchmark::DoNotOptimize(loaded);
  }
}

BENCHMARK_CAPTURE(Decisions, missing_report_to_host, MissingToHost());
BENCHMARK_CAPTURE(Decisions, rhi_record_to_police, RhiToPolice());
BENCHMARK_CAPTURE(Decisions, refused, Refused());
BENCHMARK_CAPTURE(DecisionsAndRedaction, missing_report_to_host, MissingToHost());
BENCHMARK_CAPTURE(DecisionsAndRedaction, rhi_record_to_police, RhiToPolice());
BENCHMARK(FanOut);
BENCHMARK(LoadExamplePolicies)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace isagw::policy

BENCHMARK_MAIN();
