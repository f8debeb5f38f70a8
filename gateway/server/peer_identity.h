// A client's identity, from its certificate, at the handshake and again
// when a reload changes what is admitted. For gateway/server/*.cc only.
#pragma once

#include <openssl/types.h>

#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/server/agency_identifier.h"
#include "gateway/server/server.h"

namespace isagw::server {

// The facts an AgencyIdentifier needs, out of OpenSSL's types.
PeerCertificate ExtractPeerCertificate(X509* certificate);

// Whether the peer of an open connection would be admitted as `identified`
// if it connected now under `config`: its chain verifies against the new
// CA bundle and CRLs at the current time, and the new registry names the
// same agency (or the same person, in the same role and agency). A reload that revokes a
// certificate or removes an agency must not leave that agency's kept-alive connections serving.
// Answers the refusal's stable code ("revoked", "unknown_agency", ...).
Result<Ok, std::string> RecheckPeer(SSL* ssl, const ServerConfig& config,
                                    const ClientIdentity& identified);

}  // namespace isagw::server
