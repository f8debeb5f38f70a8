// ServerTlsContext: a fully built, immutable TLS configuration for the
// API listener: the server's certificate and key, the CA bundle client
// certificates must chain to, and the CRLs checked on every handshake.
//
// TLS 1.3 preferred, TLS 1.2 allowed with ECDHE + AEAD suites only, no
// compression, no renegotiation, a client certificate required. Built
// whole before use and never changed afterwards: a reload builds a new
// one and the server swaps it in for new connections.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace isagw::server {

struct TlsFiles {
  std::string certificate_chain;  // PEM: the server certificate, then intermediates
  std::string private_key;        // PEM
  std::string client_ca_bundle;   // PEM: CAs that issue agency certificates
  std::vector<std::string> crls;  // PEM CRLs; checked for every leaf when any is given
  // Without CRLs a revoked certificate would be accepted: the server
  // refuses to build a context without one unless this is set (tests only).
  bool allow_no_crl = false;
};
// A CRL past its nextUpdate is loaded all the same: OpenSSL then refuses
// every certificate of that CA at the handshake (X509_V_ERR_CRL_HAS_EXPIRED,
// fail closed), and the server warns at load and counts each refusal as
// "crl_unavailable". Refusing the file instead would keep the previous,
// older CRL on a reload, or keep the gateway and its /metrics down at start.
// A CA in the bundle with no CRL at all is refused the same way
// (X509_V_ERR_UNABLE_TO_GET_CRL).

class ServerTlsContext {
 public:
  // Loads and checks every file. Errors name the file and what is wrong
  // with it (never key material).
  static Result<std::shared_ptr<const ServerTlsContext>, std::string> Load(const TlsFiles& files);

  // When the first CA's CRL falls due: the earliest, across the CAs with a
  // loaded CRL, of the nextUpdate of each CA's freshest CRL. After it that
  // CA's clients are refused until a fresh CRL is loaded. Empty when no
  // CRL was loaded or none states a nextUpdate.
  std::optional<std::chrono::system_clock::time_point> crl_next_update() const;

  ~ServerTlsContext();
  ServerTlsContext(const ServerTlsContext&) = delete;
  ServerTlsContext& operator=(const ServerTlsContext&) = delete;

  // For the server's implementation (gateway/server/*.cc) only.
  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  struct PrivateTag {};

 public:
  // Only Load() can name PrivateTag, so only Load() constructs one.
  ServerTlsContext(PrivateTag, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace isagw::server
