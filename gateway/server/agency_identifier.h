// AgencyIdentifier: which agency a verified client certificate belongs to.
//
// The TLS handshake has already checked the chain against the CA bundle,
// the validity dates and the CRL before this is asked; an identifier only
// maps the certificate's identity (SAN URI such as
// urn:isagw:agency:police:derbys, optionally pinned by fingerprint) to an
// agency id. The agency registry implements it.
#pragma once

#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace isagw::server {

// The facts about a peer's leaf certificate an identifier needs, taken out
// of OpenSSL so no OpenSSL type crosses this interface.
struct PeerCertificate {
  std::vector<std::string> san_uris;  // subjectAltName URIs, in order
  std::string sha256_fingerprint;     // lower-case hex of the DER's SHA-256, no colons
  std::string serial_hex;             // upper-case hex serial, for logs
  std::string der;                    // the DER encoding itself
};

// Why a verified certificate was not accepted as any agency's. `code` is a
// stable metrics label ("unknown_agency", "fingerprint_mismatch",
// "agency_disabled"...); `reason` a sentence without personal data.
struct IdentityRefusal {
  std::string code;
  std::string reason;
};

class AgencyIdentifier {
 public:
  virtual ~AgencyIdentifier() = default;
  // The agency id the certificate identifies. Thread-safe.
  virtual Result<std::string, IdentityRefusal> Identify(
      const PeerCertificate& certificate) const = 0;
};

}  // namespace isagw::server
