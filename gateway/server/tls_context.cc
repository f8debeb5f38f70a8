#include "gateway/server/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "gateway/server/tls_context_impl.h"
#include "gateway/tls/tls_policy.h"

namespace isagw::server {

namespace {

// OpenSSL's last queued error as text, emptied from the queue. OpenSSL
// error strings name files and reasons, never key material.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int)
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct CrlFree {
  void operator()(X509_CRL* crl) const { X509_CRL_free(crl); }
};

using TimePoint = std::chrono::system_clock::time_point;

// An ASN1_TIME as a time point; empty when OpenSSL cannot read it.
std::optional<TimePoint> ToTimePoint(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

// The freshest nextUpdate seen for each CRL issuer (by DER-encoded name):
// OpenSSL checks a certificate against the most current CRL of its CA. A
// CRL without nextUpdate never falls due (TimePoint::max()).
using NextUpdates = std::map<std::string, TimePoint>;

void NoteNextUpdate(const X509_CRL& crl, NextUpdates& next_updates) {
  unsigned char* der = nullptr;
  const int size = i2d_X509_NAME(X509_CRL_get_issuer(&crl), &der);
  if (size <= 0) return;
  std::string issuer(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(&crl);
  const TimePoint due =
      next == nullptr ? TimePoint::max() : ToTimePoint(next).value_or(TimePoint{});
  auto [it, added] = next_updates.emplace(std::move(issuer), due);
  if (!added && due > it->second) it->second = due;
}

// Adds every CRL in the PEM file `path` to `store` and notes its
// nextUpdate; returns how many.
Result<int, std::string> AddCrls(X509_STORE* store, const std::string& path,
                                 NextUpdates& next_updates) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Fail("cannot open CRL file " + path);
  int added = 0;
  for (;;) {
    std::unique_ptr<X509_CRL, CrlFree> crl(
        PEM_read_X509_CRL(file.get(), nullptr, nullptr, nullptr));
    if (!crl) break;
    if (X509_STORE_add_crl(store, crl.get()) != 1) {
      return Fail("CRL file " + path + " could not be added: " + OpenSslError());
    }
    NoteNextUpdate(*crl, next_updates);
    ++added;
  }
  ERR_clear_error();  // the read that ended the loop leaves "no start line"
  if (added == 0) return Fail("CRL file " + path + " holds no PEM CRL");
  return added;
}

}  // namespace

ServerTlsContext::ServerTlsContext(PrivateTag /*tag*/, std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
ServerTlsContext::~ServerTlsContext() = default;

std::optional<std::chrono::system_clock::time_point> ServerTlsContext::crl_next_update() const {
  return impl_->crl_next_update;
}

Result<std::shared_ptr<const ServerTlsContext>, std::string> ServerTlsContext::Load(
    const TlsFiles& files) {
  namespace ssl = boost::asio::ssl;
  auto impl = std::make_unique<Impl>();
  ssl::context& context = impl->context;
  SSL_CTX* native = context.native_handle();
  ERR_clear_error();

  if (auto applied = tls::ApplyTlsPolicy(native); !applied.ok()) return Fail(applied.error());
  context.set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  // No session resumption: every connection gets a full handshake, so a
  // certificate revoked by a reloaded CRL cannot ride on an old session.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);

  boost::system::error_code ec;
  context.use_certificate_chain_file(files.certificate_chain, ec);
  if (ec) return Fail("server certificate chain " + files.certificate_chain + ": " + ec.message());
  context.use_private_key_file(files.private_key, ssl::context::pem, ec);
  if (ec) return Fail("server private key " + files.private_key + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return Fail("server private key " + files.private_key + " does not match the certificate in " +
                files.certificate_chain);
  }

  context.load_verify_file(files.client_ca_bundle, ec);
  if (ec) return Fail("client CA bundle " + files.client_ca_bundle + ": " + ec.message());
  // Tell clients which CAs we accept, so one with several certificates picks right.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca_bundle.c_str())) {
    SSL_CTX_set_client_CA_list(native, names);
  }
  ERR_clear_error();

  if (files.crls.empty() && !files.allow_no_crl) {
    return Fail("no CRL configured: revoked agency certificates would be accepted");
  }
  X509_STORE* store = SSL_CTX_get_cert_store(native);
  NextUpdates next_updates;
  for (const auto& path : files.crls) {
    auto added = AddCrls(store, path, next_updates);
    if (!added) return Fail(added.error());
  }
  for (const auto& [issuer, due] : next_updates) {
    if (due == TimePoint::max()) continue;
    if (!impl->crl_next_update || due < *impl->crl_next_update) impl->crl_next_update = due;
  }
  if (!files.crls.empty()) X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);

  context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert |
                          ssl::verify_client_once);
  return std::shared_ptr<const ServerTlsContext>(
      std::make_shared<ServerTlsContext>(PrivateTag{}, std::move(impl)));
}

}  // namespace isagw::server
