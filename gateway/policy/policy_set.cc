#include "gateway/policy/policy_set.h"

#include "gateway/policy/canonical_fields.h"

namespace isagw::policy {

PolicySet::PolicySet(std::vector<InformationSharingAgreement> agreements, std::string hash,
                     PolicyErrors notices)
    : agreements_(std::move(agreements)), hash_(std::move(hash)), notices_(std::move(notices)) {
  const auto fields = CanonicalFields();
  for (std::size_t i = 0; i < agreements_.size(); ++i) {
    const auto& isa = agreements_[i];
    for (std::size_t f = 0; f < isa.flows.size(); ++f) {
      CompiledFlow compiled;
      compiled.isa = i;
      compiled.flow = f;
      compiled.rules_by_field.resize(fields.size());
      const auto& rules = isa.flows[f].rules;
      for (std::size_t field = 0; field < fields.size(); ++field) {
        for (std::size_t r = 0; r < rules.size(); ++r) {
          for (const FieldPattern& pattern : rules[r].fields) {
            if (pattern.Covers(fields[field].path)) {
              compiled.rules_by_field[field].push_back(static_cast<std::uint16_t>(r));
              break;
            }
          }
        }
      }
      flows_.push_back(std::move(compiled));
    }
  }
}

}  // namespace isagw::policy
