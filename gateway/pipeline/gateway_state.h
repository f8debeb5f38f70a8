// GatewayState: everything the pipeline decides with, as one immutable
// snapshot. A reload builds a new one and swaps it in whole, so a message
// is never decided half with old policies and half with new ones.
// Clock-free: the time comes with each request.
#pragma once

#include <memory>

#include "gateway/audit/audit_key.h"
#include "gateway/pipeline/child_key.h"
#include "gateway/policy/key_provider.h"
#include "gateway/policy/policy_set.h"
#include "gateway/registry/agency_registry.h"
#include "gateway/safeguarding/rules.h"

namespace isagw::pipeline {

struct GatewayState {
  registry::AgencyRegistry registry;
  policy::PolicySet policies;
  // Pseudonymisation keys, one per ISA; never null.
  std::shared_ptr<const policy::KeyProvider> pseudonym_keys;
  // Keys the child keys (child_key.h) that link placements to later reports.
  ChildLinkKey child_link_key{};
  // Child pseudonyms and record hashes in the audit.
  audit::AuditKey audit_key;
  // Each area's safeguarding clock (policies/safeguarding/); never null.
  std::shared_ptr<const safeguarding::RuleSet> safeguarding_rules =
      std::make_shared<safeguarding::RuleSet>();
};

}  // namespace isagw::pipeline
