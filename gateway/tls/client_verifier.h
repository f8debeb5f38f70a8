// Checking an agency's client certificate chain: trusted CA, validity
// dates, revocation (CRL), and that it is meant for client authentication.
//
// TrustAnchors holds the CA bundle and CRLs, loaded and checked once (a
// reload builds new ones). The TLS server installs them in its SSL_CTX with
// ConfigureServerContext, so handshakes apply exactly the checks
// VerifyClientCertificate applies offline; its verify callback can name a
// refusal with ClassifyVerifyError for logs and metrics.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/code_map.h"
#include "gateway/common/result.h"

namespace isagw::tls {

enum class ChainFailure {
  kExpired,
  kNotYetValid,
  kRevoked,
  kUntrustedIssuer,       // not issued by a CA in the bundle (or self-signed)
  kCrlUnavailable,        // no current, valid CRL for the issuer: fail closed
  kNotClientCertificate,  // key usage / extended key usage forbid client auth
  kInvalid,               // anything else (bad signature, malformed, ...)
};
// Stable names for logs and metric labels.
inline constexpr auto kChainFailureNames = MakeCodeMap<ChainFailure>(
    std::pair{ChainFailure::kExpired, std::string_view{"expired"}},
    std::pair{ChainFailure::kNotYetValid, std::string_view{"not_yet_valid"}},
    std::pair{ChainFailure::kRevoked, std::string_view{"revoked"}},
    std::pair{ChainFailure::kUntrustedIssuer, std::string_view{"untrusted_issuer"}},
    std::pair{ChainFailure::kCrlUnavailable, std::string_view{"crl_unavailable"}},
    std::pair{ChainFailure::kNotClientCertificate, std::string_view{"not_client_certificate"}},
    std::pair{ChainFailure::kInvalid, std::string_view{"invalid"}});

// Maps an X509_V_ERR_* code (X509_STORE_CTX_get_error, or
// SSL_get_verify_result after a failed handshake) to a ChainFailure.
ChainFailure ClassifyVerifyError(int x509_error);

struct ChainError {
  ChainFailure failure;
  int x509_error;      // the X509_V_ERR_* code
  std::string reason;  // OpenSSL's description of the code; no certificate data
};

class TrustAnchors {
 public:
  // Reads the CA bundle and the CRLs. Refuses a bundle with no certificate
  // or a non-CA certificate, a CRL file with no CRL, and any CRL that no CA
  // in the bundle signed or that is out of date: a CRL that cannot be used
  // would refuse every client at handshake time instead.
  static Result<TrustAnchors, std::string> Load(const std::filesystem::path& ca_file,
                                                const std::filesystem::path& crl_file);

  // Makes `ctx` require and verify client certificates against these
  // anchors: SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT (keeping any
  // verify callback already set), CRL check on the leaf, purpose
  // sslclient, chain depth limit, the CA names sent to clients, and a
  // session id context (needed for resumption with client certificates).
  Result<Ok, std::string> ConfigureServerContext(SSL_CTX* ctx) const;

  // Shared, immutable once loaded; safe to use from several threads.
  X509_STORE* store() const;

 private:
  struct State;
  explicit TrustAnchors(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

inline constexpr int kMaxChainDepth = 4;

struct VerifyOptions {
  std::optional<std::time_t> at;         // check validity at this time instead of now
  STACK_OF(X509) * untrusted = nullptr;  // intermediates the peer sent
};

Result<Ok, ChainError> VerifyClientCertificate(const X509& leaf, const TrustAnchors& anchors,
                                               const VerifyOptions& options = {});

}  // namespace isagw::tls
