#include "gateway/tls/peer_identity.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>

#include "gateway/common/hex.h"
namespace isagw::tls {
namespace {

struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

}  // namespace

std::vector<std::string> SanUris(const X509& cert) {
  std::vector<std::string> uris;
  int critical = 0;
  // With two subjectAltName extensions OpenSSL returns nullptr (critical
  // -2): the certificate then has no usable identity, which fails closed.
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(&cert, NID_subject_alt_name, &critical, nullptr)));
  if (!names) return uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name == nullptr || name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    const unsigned char* data = ASN1_STRING_get0_data(uri);
    const int length = ASN1_STRING_length(uri);
    if (data == nullptr || length <= 0) continue;
    // An embedded NUL would let "a\0b" pass as "a" in C string handling.
    if (std::memchr(data, 0, static_cast<std::size_t>(length)) != nullptr) continue;
    uris.emplace_back(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
  }
  return uris;
}

std::string Sha256Fingerprint(const X509& cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(&cert, EVP_sha256(), digest, &length) != 1) return "";
  return HexOf(std::span(digest, length));
}

Result<const registry::Agency*, IdentityError> IdentifyAgency(
    const X509& cert, const registry::AgencyRegistry& registry) {
  return IdentifyAgency(SanUris(cert), Sha256Fingerprint(cert), registry);
}

Result<ClientPrincipal, IdentityError> IdentifyClient(const std::vector<std::string>& san_uris,
                                                      std::string_view sha256_fingerprint,
                                                      const registry::AgencyRegistry& registry) {
  const std::string* claimed = nullptr;
  int count = 0;
  for (const std::string& uri : san_uris) {
    if (!uri.starts_with(kAgencyUriPrefix) && !uri.starts_with(registry::kPersonUriPrefix)) {
      continue;
    }
    ++count;
    claimed = &uri;
  }
  if (count == 0) {
    return Fail(IdentityError{IdentityFailure::kNoAgencyUri,
                              "certificate has no urn:isagw:agency: or urn:isagw:user: SAN URI"});
  }
  if (count > 1) {
    return Fail(IdentityError{IdentityFailure::kSeveralAgencyUris,
                              "certificate has more than one urn:isagw: identity SAN URI"});
  }
  ClientPrincipal principal;
  const std::optional<std::string>* pin = nullptr;
  if (claimed->starts_with(kAgencyUriPrefix)) {
    principal.agency = registry.FindBySanUri(*claimed);
    if (principal.agency == nullptr) {
      return Fail(IdentityError{IdentityFailure::kUnknownAgency,
                                "certificate's agency SAN URI is not in the registry"});
    }
    pin = &principal.agency->sha256_pin;
  } else {
    principal.person = registry.FindPersonBySanUri(*claimed);
    if (principal.person == nullptr) {
      return Fail(IdentityError{IdentityFailure::kUnknownPerson,
                                "certificate's user SAN URI is not in the registry"});
    }
    pin = &principal.person->sha256_pin;
  }
  if (*pin && sha256_fingerprint != **pin) {
    return Fail(IdentityError{IdentityFailure::kFingerprintMismatch,
                              "certificate is not the one the registry entry pins"});
  }
  return principal;
}

Result<const registry::Agency*, IdentityError> IdentifyAgency(
    const std::vector<std::string>& san_uris, std::string_view sha256_fingerprint,
    const registry::AgencyRegistry& registry) {
  auto principal = IdentifyClient(san_uris, sha256_fingerprint, registry);
  if (!principal.ok()) return Fail(std::move(principal).error());
  if (principal->agency == nullptr) {
    return Fail(
        IdentityError{IdentityFailure::kNoAgencyUri, "certificate names a person, not an agency"});
  }
  return principal->agency;
}

}  // namespace isagw::tls
