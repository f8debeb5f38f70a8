// Which agency, or which person, a client certificate belongs to. The chain
// has been verified already (client_verifier.h); this only reads the
// identity the certificate claims and matches it against the registry. No
// sockets, no I/O.
//
// The rule: the certificate carries exactly one SAN URI starting
// urn:isagw:agency: or urn:isagw:user:, that URI is some agency's (or
// console user's) identity.san_uri, and if the entry pins a fingerprint the
// certificate is that very certificate. Other SAN URIs (a SPIFFE id, say)
// are ignored; the subject CN is never used. A certificate naming both an
// agency and a person is refused: one certificate is one identity.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/code_map.h"
#include "gateway/common/result.h"
#include "gateway/registry/agency_registry.h"

namespace isagw::tls {

inline constexpr std::string_view kAgencyUriPrefix = "urn:isagw:agency:";

// Every URI in the subjectAltName extension, in order. URIs with embedded
// NULs are left out; a certificate with two SAN extensions yields none.
std::vector<std::string> SanUris(const X509& cert);

// SHA-256 of the certificate's DER: 64 lower-case hex digits.
std::string Sha256Fingerprint(const X509& cert);

enum class IdentityFailure {
  kNoAgencyUri,          // no SAN URI in urn:isagw:agency: (or urn:isagw:user:)
  kSeveralAgencyUris,    // more than one: ambiguous, refused
  kUnknownAgency,        // no agency in the registry has this SAN URI
  kUnknownPerson,        // no console user in the registry has this SAN URI
  kFingerprintMismatch,  // the entry pins a different certificate
};
// Stable names for logs and metric labels.
inline constexpr auto kIdentityFailureNames = MakeCodeMap<IdentityFailure>(
    std::pair{IdentityFailure::kNoAgencyUri, std::string_view{"no_agency_uri"}},
    std::pair{IdentityFailure::kSeveralAgencyUris, std::string_view{"several_agency_uris"}},
    std::pair{IdentityFailure::kUnknownAgency, std::string_view{"unknown_agency"}},
    std::pair{IdentityFailure::kUnknownPerson, std::string_view{"unknown_person"}},
    std::pair{IdentityFailure::kFingerprintMismatch, std::string_view{"fingerprint_mismatch"}});

struct IdentityError {
  IdentityFailure failure;
  std::string reason;  // describes; never quotes the certificate's contents
};

// Who a certificate identifies: exactly one of the two is set, and lives as
// long as the registry.
struct ClientPrincipal {
  const registry::Agency* agency = nullptr;
  const registry::Person* person = nullptr;
};

// An agency or a person, from facts already read out of a certificate
// (its SAN URIs in order, its SHA-256 fingerprint as Sha256Fingerprint
// gives it).
Result<ClientPrincipal, IdentityError> IdentifyClient(const std::vector<std::string>& san_uris,
                                                      std::string_view sha256_fingerprint,
                                                      const registry::AgencyRegistry& registry);

// The agency, which lives as long as `registry`; a person's certificate
// is refused (kNoAgencyUri).
Result<const registry::Agency*, IdentityError> IdentifyAgency(
    const X509& cert, const registry::AgencyRegistry& registry);

// The same decision from facts already read out of a certificate (its SAN
// URIs in order, its SHA-256 fingerprint as Sha256Fingerprint gives it),
// for callers that keep OpenSSL types out of their interfaces.
Result<const registry::Agency*, IdentityError> IdentifyAgency(
    const std::vector<std::string>& san_uris, std::string_view sha256_fingerprint,
    const registry::AgencyRegistry& registry);

}  // namespace isagw::tls
