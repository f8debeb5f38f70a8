// StaticAgencyIdentifier: an AgencyIdentifier over a fixed list of
// (agency id, SAN URI, optional fingerprint pin). The agency registry
// provides the real one; this serves tests, benchmarks and small setups.
#pragma once

#include <string>
#include <vector>

#include "gateway/server/agency_identifier.h"

namespace isagw::server {

class StaticAgencyIdentifier final : public AgencyIdentifier {
 public:
  struct Entry {
    std::string agency_id;           // "police-derbys"
    std::string san_uri;             // "urn:isagw:agency:police:derbys"
    std::string sha256_fingerprint;  // lower-case hex; empty: not pinned
  };
  explicit StaticAgencyIdentifier(std::vector<Entry> entries);

  // Exactly one of the certificate's SAN URIs must name a listed agency
  // (and match its pin, if any): "unknown_agency", "ambiguous_identity" or
  // "fingerprint_mismatch" otherwise.
  Result<ClientIdentity, IdentityRefusal> Identify(
      const PeerCertificate& certificate) const override;

 private:
  std::vector<Entry> entries_;
};

// The SAN URI convention of certs-example/: the agency id's first '-'
// becomes ':' under urn:isagw:agency: (police-derbys ->
// urn:isagw:agency:police:derbys).
std::string AgencySanUri(const std::string& agency_id);

}  // namespace isagw::server
