#include "gateway/server/static_agency_identifier.h"

namespace isagw::server {

StaticAgencyIdentifier::StaticAgencyIdentifier(std::vector<Entry> entries)
    : entries_(std::move(entries)) {}

Result<ClientIdentity, IdentityRefusal> StaticAgencyIdentifier::Identify(
    const PeerCertificate& certificate) const {
  const Entry* found = nullptr;
  for (const auto& uri : certificate.san_uris) {
    for (const auto& entry : entries_) {
      if (entry.san_uri != uri) continue;
      if (found != nullptr && found->agency_id != entry.agency_id) {
        return Fail(
            IdentityRefusal{"ambiguous_identity", "the certificate names more than one agency"});
      }
      found = &entry;
    }
  }
  if (found == nullptr) {
    return Fail(
        IdentityRefusal{"unknown_agency", "no registered agency has this certificate's identity"});
  }
  if (!found->sha256_fingerprint.empty() &&
      found->sha256_fingerprint != certificate.sha256_fingerprint) {
    return Fail(IdentityRefusal{"fingerprint_mismatch",
                                "the certificate is not the one pinned for its agency"});
  }
  return ClientIdentity{found->agency_id, "", ""};
}

std::string AgencySanUri(const std::string& agency_id) {
  const auto dash = agency_id.find('-');
  if (dash == std::string::npos) return "urn:isagw:agency:" + agency_id;
  return "urn:isagw:agency:" + agency_id.substr(0, dash) + ":" + agency_id.substr(dash + 1);
}

}  // namespace isagw::server
