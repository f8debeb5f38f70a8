// The gateway's TLS policy, in one place for both ends it speaks from: the
// server agencies connect to, and the push client that connects to them.
//   - TLS 1.2 or 1.3 only;
//   - TLS 1.2 suites forward secret (ECDHE) with an AEAD cipher; TLS 1.3's
//     suites are all AEAD, OpenSSL's defaults stand;
//   - key exchange on X25519, P-256 or P-384 only: OpenSSL 3 would also
//     offer the finite-field groups ffdhe2048-8192 in TLS 1.3, slower and no
//     stronger, and a group nobody needs is one more thing to get wrong;
//   - no compression (CRIME), no renegotiation.
// What each end adds (server preference, no tickets; the peer's CA) stays
// with that end.
#pragma once

#include <openssl/types.h>

#include <string>

#include "gateway/common/result.h"

namespace isagw::tls {

inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kKeyExchangeGroups = "X25519:P-256:P-384";

// Applies the policy above to `context`; why not, when OpenSSL refuses a
// part of it (a build without one of the groups, say).
Result<Ok, std::string> ApplyTlsPolicy(SSL_CTX* context);

}  // namespace isagw::tls
