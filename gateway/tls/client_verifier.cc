#include "gateway/tls/client_verifier.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <vector>

#include "gateway/tls/x509.h"

namespace isagw::tls {
namespace {

struct CrlFree {
  void operator()(X509_CRL* crl) const { X509_CRL_free(crl); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
struct InfoStackFree {
  void operator()(STACK_OF(X509_INFO) * infos) const {
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
  }
};
using CrlPtr = std::unique_ptr<X509_CRL, CrlFree>;

// Every certificate and CRL in a PEM file, owned.
struct PemContents {
  std::vector<X509Ptr> certs;
  std::vector<CrlPtr> crls;
};

std::optional<PemContents> ReadPem(const std::filesystem::path& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
  if (!bio) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::unique_ptr<STACK_OF(X509_INFO), InfoStackFree> infos(
      PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!infos) return std::nullopt;
  PemContents out;
  for (int i = 0; i < sk_X509_INFO_num(infos.get()); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos.get(), i);
    // Take ownership out of the INFO so freeing the stack leaves them be.
    if (info->x509 != nullptr) {
      out.certs.emplace_back(info->x509);
      info->x509 = nullptr;
    }
    if (info->crl != nullptr) {
      out.crls.emplace_back(info->crl);
      info->crl = nullptr;
    }
  }
  return out;
}

}  // namespace

struct TrustAnchors::State {
  // Declared here, not in the anonymous namespace: State is the header's
  // type, and its members' types must not be file-local.
  struct StoreFree {
    void operator()(X509_STORE* anchors) const { X509_STORE_free(anchors); }
  };
  std::unique_ptr<X509_STORE, StoreFree> store;
  std::vector<X509Ptr> cas;
};

ChainFailure ClassifyVerifyError(int x509_error) {
  switch (x509_error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return ChainFailure::kExpired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return ChainFailure::kNotYetValid;
    case X509_V_ERR_CERT_REVOKED:
      return ChainFailure::kRevoked;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
      return ChainFailure::kUntrustedIssuer;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
      return ChainFailure::kCrlUnavailable;
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
      return ChainFailure::kNotClientCertificate;
    default:
      return ChainFailure::kInvalid;
  }
}

Result<TrustAnchors, std::string> TrustAnchors::Load(const std::filesystem::path& ca_file,
                                                     const std::filesystem::path& crl_file) {
  auto cas = ReadPem(ca_file);
  if (!cas) return Fail(std::string("ca_file cannot be read as PEM"));
  if (cas->certs.empty()) return Fail(std::string("ca_file holds no certificate"));
  auto crls = ReadPem(crl_file);
  if (!crls) return Fail(std::string("crl_file cannot be read as PEM"));
  if (crls->crls.empty()) return Fail(std::string("crl_file holds no CRL"));

  auto state = std::make_shared<State>();
  state->store.reset(X509_STORE_new());
  if (!state->store) return Fail(std::string("out of memory"));
  X509_STORE* store = state->store.get();

  for (X509Ptr& ca : cas->certs) {
    if (X509_check_ca(ca.get()) < 1) {
      return Fail(std::string("ca_file holds a certificate that is not a CA"));
    }
    if (X509_STORE_add_cert(store, ca.get()) != 1) {
      ERR_clear_error();
      return Fail(std::string("ca_file holds the same CA twice"));
    }
  }
  for (const CrlPtr& crl : crls->crls) {
    bool signed_by_bundle = false;
    for (const X509Ptr& ca : cas->certs) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca.get())) == 0 &&
          X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())) == 1) {
        signed_by_bundle = true;
        break;
      }
    }
    ERR_clear_error();
    if (!signed_by_bundle) return Fail(std::string("crl_file holds a CRL no CA in ca_file signed"));
    if (X509_cmp_current_time(X509_CRL_get0_lastUpdate(crl.get())) >= 0) {
      return Fail(std::string("crl_file holds a CRL issued in the future"));
    }
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
    if (next != nullptr && X509_cmp_current_time(next) <= 0) {
      return Fail(std::string("crl_file holds a CRL past its next update: publish a fresh one"));
    }
    if (X509_STORE_add_crl(store, crl.get()) != 1) {
      ERR_clear_error();
      return Fail(std::string("crl_file holds the same CRL twice"));
    }
  }

  // Revocation is checked for the leaf (agencies' certificates), against
  // the CRL of the CA that issued it; no CRL means no connection.
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  X509_STORE_set_purpose(store, X509_PURPOSE_SSL_CLIENT);
  X509_STORE_set_depth(store, kMaxChainDepth);
  state->cas = std::move(cas->certs);
  return TrustAnchors(std::move(state));
}

X509_STORE* TrustAnchors::store() const { return state_->store.get(); }

Result<Ok, std::string> TrustAnchors::ConfigureServerContext(SSL_CTX* ctx) const {
  SSL_CTX_set1_cert_store(ctx, state_->store.get());
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  if (X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK) != 1 ||
      SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT) != 1) {
    ERR_clear_error();
    return Fail(std::string("cannot set the client certificate checks"));
  }
  X509_VERIFY_PARAM_set_depth(param, kMaxChainDepth);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     SSL_CTX_get_verify_callback(ctx));

  // Tell clients which CAs are acceptable, so one holding several
  // certificates picks the right one.
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
  if (names == nullptr) return Fail(std::string("out of memory"));
  for (const X509Ptr& ca : state_->cas) {
    X509_NAME* name = X509_NAME_dup(X509_get_subject_name(ca.get()));
    if (name == nullptr || sk_X509_NAME_push(names, name) == 0) {
      X509_NAME_free(name);
      sk_X509_NAME_pop_free(names, X509_NAME_free);
      return Fail(std::string("out of memory"));
    }
  }
  SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership

  static constexpr unsigned char kSessionContext[] = "isagw";
  if (SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1) != 1) {
    ERR_clear_error();
    return Fail(std::string("cannot set the session id context"));
  }
  return Ok{};
}

Result<Ok, ChainError> VerifyClientCertificate(const X509& leaf, const TrustAnchors& anchors,
                                               const VerifyOptions& options) {
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx) return Fail(ChainError{ChainFailure::kInvalid, X509_V_ERR_OUT_OF_MEM, "out of memory"});
  // X509_STORE_CTX_init wants a mutable pointer but only reads the
  // certificate (caching its decoded extensions is internally locked).
  if (X509_STORE_CTX_init(ctx.get(), anchors.store(), const_cast<X509*>(&leaf),
                          options.untrusted) != 1) {
    ERR_clear_error();
    return Fail(
        ChainError{ChainFailure::kInvalid, X509_V_ERR_UNSPECIFIED, "cannot start verification"});
  }
  // What libssl does for a server checking a client's certificate.
  X509_STORE_CTX_set_default(ctx.get(), "ssl_client");
  if (options.at) X509_STORE_CTX_set_time(ctx.get(), 0, *options.at);
  const int verified = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (verified == 1) return Ok{};
  const int error = X509_STORE_CTX_get_error(ctx.get());
  return Fail(ChainError{ClassifyVerifyError(error), error, X509_verify_cert_error_string(error)});
}

}  // namespace isagw::tls
