#include "gateway/policy/agreement.h"

#include <algorithm>

namespace isagw::policy {

const IsaParty* InformationSharingAgreement::FindParty(std::string_view agency_id) const {
  for (const IsaParty& party : parties) {
    if (party.agency_id == agency_id) return &party;
  }
  return nullptr;
}

IsaStatus StatusOn(const InformationSharingAgreement& isa, model::Date today) {
  if (today < isa.valid_from) return IsaStatus::kNotYetValid;
  if (today > isa.valid_until) return IsaStatus::kExpired;
  for (const IsaParty& party : isa.parties) {
    const bool signed_by_now = std::any_of(
        isa.signatories.begin(), isa.signatories.end(),
        [&](const Signature& s) { return s.party == party.agency_id && s.signed_on <= today; });
    if (!signed_by_now) return IsaStatus::kUnsigned;
  }
  return IsaStatus::kInForce;
}

}  // namespace isagw::policy
