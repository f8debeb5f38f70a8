#include "gateway/server/peer_identity.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "gateway/common/hex.h"
#include "gateway/server/tls_context_impl.h"
#include "gateway/tls/client_verifier.h"

namespace isagw::server {
namespace {}  // namespace

PeerCertificate ExtractPeerCertificate(X509* certificate) {
  PeerCertificate out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
      out.san_uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                                static_cast<std::size_t>(ASN1_STRING_length(uri)));
    }
    GENERAL_NAMES_free(names);
  }
  const int der_size = i2d_X509(certificate, nullptr);
  if (der_size > 0) {
    out.der.resize(static_cast<std::size_t>(der_size));
    auto* cursor = reinterpret_cast<unsigned char*>(out.der.data());
    i2d_X509(certificate, &cursor);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &digest_size) == 1) {
    out.sha256_fingerprint = HexOf(std::span(digest, digest_size));
  }
  if (BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr)) {
    if (char* hex = BN_bn2hex(serial)) {
      out.serial_hex = hex;
      OPENSSL_free(hex);
    }
    BN_free(serial);
  }
  return out;
}

Result<Ok, std::string> RecheckPeer(SSL* ssl, const ServerConfig& config,
                                    const ClientIdentity& identified) {
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) return Fail(std::string("no_certificate"));
  // As OpenSSL verifies a client at the handshake (ssl_verify_cert_chain):
  // the context's store (CA bundle, CRLs, their flags), the ssl_client
  // purpose, then the context's own parameters.
  SSL_CTX* context = config.tls->impl().context.native_handle();
  const std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> verify(
      X509_STORE_CTX_new(), &X509_STORE_CTX_free);
  if (!verify || X509_STORE_CTX_init(verify.get(), SSL_CTX_get_cert_store(context), leaf,
                                     SSL_get_peer_cert_chain(ssl)) != 1) {
    return Fail(std::string("invalid"));
  }
  X509_STORE_CTX_set_default(verify.get(), "ssl_client");
  X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(verify.get()), SSL_CTX_get0_param(context));
  if (X509_verify_cert(verify.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(verify.get());
    return Fail(std::string(*tls::kChainFailureNames.Name(tls::ClassifyVerifyError(error))));
  }
  auto identity = config.identifier->Identify(ExtractPeerCertificate(leaf));
  if (!identity.ok()) return Fail(std::move(identity.error().code));
  if (*identity != identified) return Fail(std::string("agency_changed"));
  return Ok{};
}

}  // namespace isagw::server
