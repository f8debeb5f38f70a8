// PolicySet: every ISA in force at the gateway, validated and compiled.
// Immutable once loaded; a reload builds a new set and swaps it whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/policy/agreement.h"
#include "gateway/policy/policy_error.h"

namespace isagw::policy {

class PolicySet {
 public:
  // A flow with its rules looked up for every canonical field in advance.
  struct CompiledFlow {
    std::size_t isa = 0;   // index into agreements()
    std::size_t flow = 0;  // index into that agreement's flows
    // rules_by_field[f]: indices of the flow's rules that cover canonical
    // field f (CanonicalFields()), in the order the file gives them.
    std::vector<std::vector<std::uint16_t>> rules_by_field;
  };

  const std::vector<InformationSharingAgreement>& agreements() const { return agreements_; }
  const std::vector<CompiledFlow>& flows() const { return flows_; }
  // "blake2b-256:<64 hex>" over every policy file's name and bytes, for
  // the audit's "policy set in force".
  const std::string& hash() const { return hash_; }
  // Findings that do not stop the set loading, e.g. a party that has not
  // signed yet (its ISA allows nothing until it does).
  const PolicyErrors& notices() const { return notices_; }

  const Flow& FlowOf(const CompiledFlow& compiled) const {
    return agreements_[compiled.isa].flows[compiled.flow];
  }

 private:
  friend class PolicySetBuilder;
  PolicySet(std::vector<InformationSharingAgreement> agreements, std::string hash,
            PolicyErrors notices);

  std::vector<InformationSharingAgreement> agreements_;
  std::vector<CompiledFlow> flows_;
  std::string hash_;
  PolicyErrors notices_;
};

// Only the loader makes PolicySets: a set that has not been validated
// must never reach the engine.
class PolicySetBuilder {
 public:
  static PolicySet Build(std::vector<InformationSharingAgreement> agreements, std::string hash,
                         PolicyErrors notices) {
    return PolicySet(std::move(agreements), std::move(hash), std::move(notices));
  }
};

}  // namespace isagw::policy
