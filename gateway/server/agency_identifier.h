// AgencyIdentifier: which agency (or which of its people) a verified client
// certificate belongs to.
//
// The TLS handshake has already checked the chain against the CA bundle,
// the validity dates and the CRL before this is asked; an identifier only
// maps the certificate's identity (SAN URI such as
// urn:isagw:agency:police:derbys, optionally pinned by fingerprint) to an
// agency id, or a console user's (urn:isagw:user:la-derby:...) to a person.
// The agency registry implements it.
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

// Who a certificate identifies: an agency's system (agency_id alone), or a
// person who signs in to the console (person_id and role set; agency_id
// the agency they work for, empty for the gateway's own operators).
struct ClientIdentity {
  std::string agency_id;
  std::string person_id;
  std::string role;  // "operator", "coordinator", "auditor"

  bool IsPerson() const { return !person_id.empty(); }
  // What logs and metric labels name: the agency id, or "person:<id>".
  std::string Label() const { return IsPerson() ? "person:" + person_id : agency_id; }
  friend bool operator==(const ClientIdentity&, const ClientIdentity&) = default;
};

class AgencyIdentifier {
 public:
  virtual ~AgencyIdentifier() = default;
  // Who the certificate identifies. Thread-safe.
  virtual Result<ClientIdentity, IdentityRefusal> Identify(
      const PeerCertificate& certificate) const = 0;
};

}  // namespace isagw::server
