// Helpers shared by the policy tests: the example agency registry, a
// small valid ISA to vary, and a fixed "now".
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "gateway/model/time.h"
#include "gateway/policy/loader.h"
#include "gateway/policy/role.h"

namespace isagw::policy::testing {

inline const std::set<std::string>& KnownAgencies() {
  static const std::set<std::string> agencies = {
      "police-staffs",   "police-derbys",    "police-notts", "police-met",
      "police-wyp",      "la-staffordshire", "la-stoke",     "la-derby",
      "la-nottingham",   "la-croydon",       "la-bradford",  "provider-brighter-futures",
      "provider-catch22"};
  return agencies;
}

inline model::Timestamp At(std::string_view rfc3339) {
  auto t = model::ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(model::Timestamp{});
}

inline model::Timestamp Now() { return At("2026-11-22T21:45:00Z"); }

inline std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

// A valid ISA with one flow police_force -> host_la for missing_reported
// (and risk_reviewed); `rules` is the flow's rule list, indented 6 spaces.
inline std::string TestIsa(std::string_view rules) {
  std::string text = R"(format: isagw.isa/1
id: ISA-TEST-2026
title: Test agreement
version: "1"
parties:
  - agency: police-staffs
    roles: [police_force]
  - agency: la-staffordshire
    roles: [host_la, placing_la]
  - agency: la-stoke
    roles: [host_la, placing_la]
  - agency: provider-catch22
    roles: [commissioned_provider]
purposes:
  - id: safeguarding
    description: Find missing children.
lawful_basis: UK GDPR Art 6(1)(e)
valid_from: 2026-01-01
review_by: 2026-12-31
valid_until: 2027-12-31
signatories:
  - {party: police-staffs, signatory: Head of Public Protection, signed_on: 2025-12-01}
  - {party: la-staffordshire, signatory: Director, signed_on: 2025-12-01}
  - {party: la-stoke, signatory: Director, signed_on: 2025-12-01}
  - {party: provider-catch22, signatory: Director, signed_on: 2025-12-01}
retention: {days: 365}
flows:
  - clause: "§1"
    from: police_force
    to: host_la
    events: [missing_reported, risk_reviewed]
    purpose: safeguarding
    rules:
)";
  text += rules;
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

inline Result<PolicySet, PolicyErrors> LoadOne(const std::string& yaml,
                                               std::string name = "test.yaml") {
  return LoadPolicyDocuments({{std::move(name), yaml}}, KnownAgencies());
}

inline std::string DescribeAll(const PolicyErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += Describe(e) + "\n";
  return out;
}

inline Party Police() { return {"police-staffs", {Role::kPoliceForce}}; }
inline Party HostStaffs() { return {"la-staffordshire", {Role::kHostLa}}; }

inline std::string ExamplePolicyDir() { return std::string(ISAGW_SOURCE_DIR) + "/policies"; }

}  // namespace isagw::policy::testing
