#include "gateway/tls/client_verifier.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <optional>
#include <string>

#include "gateway/tls/peer_identity.h"
#include "tests/common/temp_dir.h"
#include "tests/tls/example_certs.h"
#include "tests/tls/ssl_handles.h"

namespace isagw::tls {
namespace {

using isagw::testing::ExampleCert;
using isagw::testing::ExampleCertFile;
using isagw::testing::ScratchDir;

TrustAnchors ExampleAnchors() {
  auto anchors = TrustAnchors::Load(ExampleCertFile("ca.crt"), ExampleCertFile("ca.crl"));
  EXPECT_TRUE(anchors.ok()) << (anchors.ok() ? "" : anchors.error());
  return std::move(anchors).value();
}

std::optional<ChainFailure> ChainFailureOf(const std::string& cert_name) {
  X509Ptr cert = ExampleCert(cert_name);
  if (!cert) return ChainFailure::kInvalid;
  auto verified = VerifyClientCertificate(*cert, ExampleAnchors());
  if (verified.ok()) return std::nullopt;
  return verified.error().failure;
}

TEST(VerifyClientCertificate, AcceptsEveryExampleAgency) {
  const TrustAnchors anchors = ExampleAnchors();
  for (const char* id : isagw::testing::kExampleAgencyIds) {
    X509Ptr cert = ExampleCert(std::string(id) + ".crt");
    ASSERT_NE(cert, nullptr);
    auto verified = VerifyClientCertificate(*cert, anchors);
    EXPECT_TRUE(verified.ok()) << id << ": " << verified.error().reason;
  }
}

TEST(VerifyClientCertificate, TellsEachBrokenCertificateApart) {
  EXPECT_EQ(ChainFailureOf("revoked.crt"), ChainFailure::kRevoked);
  EXPECT_EQ(ChainFailureOf("expired.crt"), ChainFailure::kExpired);
  EXPECT_EQ(ChainFailureOf("future.crt"), ChainFailure::kNotYetValid);
  EXPECT_EQ(ChainFailureOf("wrong-ca.crt"), ChainFailure::kUntrustedIssuer);
  EXPECT_EQ(ChainFailureOf("receiver.crt"), ChainFailure::kUntrustedIssuer);
}

TEST(VerifyClientCertificate, RefusesAServerOnlyCertificate) {
  // server.crt is from the right CA but its extended key usage is
  // serverAuth only.
  EXPECT_EQ(ChainFailureOf("server.crt"), ChainFailure::kNotClientCertificate);
}

TEST(VerifyClientCertificate, ChecksValidityAtTheTimeAsked) {
  X509Ptr cert = ExampleCert("la-derby.crt");
  ASSERT_NE(cert, nullptr);
  VerifyOptions options;
  options.at = std::time(nullptr) + 20L * 365 * 24 * 3600;  // long after expiry
  auto verified = VerifyClientCertificate(*cert, ExampleAnchors(), options);
  ASSERT_FALSE(verified.ok());
  // Certificates and CRL are all out of date by then; whichever OpenSSL
  // reports first, the certificate is refused for its dates.
  const ChainFailure failure = verified.error().failure;
  EXPECT_TRUE(failure == ChainFailure::kExpired || failure == ChainFailure::kCrlUnavailable)
      << kChainFailureNames.Name(failure).value_or("?");
}

TEST(VerifyClientCertificate, FailsClosedWithoutACrlForTheIssuer) {
  ScratchDir dir;
  // A bundle with a second CA that has no CRL: its certificates cannot be
  // checked for revocation, so they are refused.
  const std::string bundle = isagw::testing::ReadText(ExampleCertFile("ca.crt")) +
                             isagw::testing::ReadText(ExampleCertFile("wrong-ca-ca.crt"));
  auto anchors = TrustAnchors::Load(dir.Write("bundle.crt", bundle), ExampleCertFile("ca.crl"));
  ASSERT_TRUE(anchors.ok()) << anchors.error();
  X509Ptr cert = ExampleCert("wrong-ca.crt");
  ASSERT_NE(cert, nullptr);
  auto verified = VerifyClientCertificate(*cert, *anchors);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().failure, ChainFailure::kCrlUnavailable);
}

TEST(TrustAnchors, RefusesACaFileWithoutCertificates) {
  auto anchors = TrustAnchors::Load(ExampleCertFile("ca.crl"), ExampleCertFile("ca.crl"));
  ASSERT_FALSE(anchors.ok());
  EXPECT_EQ(anchors.error(), "ca_file holds no certificate");
}

TEST(TrustAnchors, RefusesALeafCertificateAsCa) {
  auto anchors = TrustAnchors::Load(ExampleCertFile("la-derby.crt"), ExampleCertFile("ca.crl"));
  ASSERT_FALSE(anchors.ok());
  EXPECT_EQ(anchors.error(), "ca_file holds a certificate that is not a CA");
}

TEST(TrustAnchors, RefusesACrlFileWithoutCrls) {
  auto anchors = TrustAnchors::Load(ExampleCertFile("ca.crt"), ExampleCertFile("ca.crt"));
  ASSERT_FALSE(anchors.ok());
  EXPECT_EQ(anchors.error(), "crl_file holds no CRL");
}

TEST(TrustAnchors, RefusesACrlFromAnotherCa) {
  auto anchors = TrustAnchors::Load(ExampleCertFile("wrong-ca-ca.crt"), ExampleCertFile("ca.crl"));
  ASSERT_FALSE(anchors.ok());
  EXPECT_EQ(anchors.error(), "crl_file holds a CRL no CA in ca_file signed");
}

TEST(TrustAnchors, RefusesMissingFiles) {
  EXPECT_FALSE(TrustAnchors::Load("/nonexistent/ca.crt", ExampleCertFile("ca.crl")).ok());
  EXPECT_FALSE(TrustAnchors::Load(ExampleCertFile("ca.crt"), "/nonexistent/ca.crl").ok());
}

TEST(ClassifyVerifyError, NamesTheCommonRefusals) {
  EXPECT_EQ(ClassifyVerifyError(X509_V_ERR_CERT_REVOKED), ChainFailure::kRevoked);
  EXPECT_EQ(ClassifyVerifyError(X509_V_ERR_CERT_HAS_EXPIRED), ChainFailure::kExpired);
  EXPECT_EQ(ClassifyVerifyError(X509_V_ERR_UNABLE_TO_GET_CRL), ChainFailure::kCrlUnavailable);
  EXPECT_EQ(ClassifyVerifyError(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
            ChainFailure::kUntrustedIssuer);
  EXPECT_EQ(ClassifyVerifyError(X509_V_ERR_CERT_SIGNATURE_FAILURE), ChainFailure::kInvalid);
  EXPECT_EQ(kChainFailureNames.Name(ChainFailure::kNotYetValid), "not_yet_valid");
}

// Handshakes over an in-memory BIO pair: the SSL_CTX that
// ConfigureServerContext sets up refuses exactly what the offline check
// refuses, before any request could reach a handler.
using testing::SslCtxPtr;
using testing::SslPtr;

SslCtxPtr ServerContext(const TrustAnchors& anchors) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx.get(), ExampleCertFile("server.crt").c_str()),
            1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx.get(), ExampleCertFile("server.key").c_str(),
                                        SSL_FILETYPE_PEM),
            1);
  auto configured = anchors.ConfigureServerContext(ctx.get());
  EXPECT_TRUE(configured.ok());
  return ctx;
}

// A client presenting out/<name>.crt (none when `name` is empty).
SslCtxPtr ClientContext(const std::string& name) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  EXPECT_EQ(SSL_CTX_load_verify_locations(ctx.get(), ExampleCertFile("ca.crt").c_str(), nullptr),
            1);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!name.empty()) {
    EXPECT_EQ(SSL_CTX_use_certificate_file(ctx.get(), ExampleCertFile(name + ".crt").c_str(),
                                           SSL_FILETYPE_PEM),
              1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx.get(), ExampleCertFile(name + ".key").c_str(),
                                          SSL_FILETYPE_PEM),
              1);
  }
  return ctx;
}

struct ServerView {
  bool handshake_done = false;
  long verify_result = X509_V_OK;
  X509Ptr peer;
};

ServerView Handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
  SslPtr server(SSL_new(server_ctx));
  SslPtr client(SSL_new(client_ctx));
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  EXPECT_EQ(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0), 1);
  SSL_set_bio(server.get(), server_bio, server_bio);  // each SSL owns its end
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());

  // Step both sides until the server finishes or either fails. (With TLS
  // 1.3 the client finishes first; the server's verdict is what counts.)
  bool server_done = false;
  bool client_done = false;
  bool failed = false;
  auto step = [&failed](SSL* ssl, bool& done) {
    if (done || failed) return;
    const int rc = SSL_do_handshake(ssl);
    if (rc == 1) {
      done = true;
      return;
    }
    const int error = SSL_get_error(ssl, rc);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) failed = true;
  };
  for (int round = 0; round < 50 && !server_done && !failed; ++round) {
    step(client.get(), client_done);
    step(server.get(), server_done);
  }
  ERR_clear_error();
  ServerView view;
  view.handshake_done = server_done;
  view.verify_result = SSL_get_verify_result(server.get());
  view.peer.reset(SSL_get1_peer_certificate(server.get()));
  return view;
}

class ServerHandshake : public ::testing::Test {
 protected:
  ServerView Connect(const std::string& client_cert) {
    SslCtxPtr client = ClientContext(client_cert);
    return Handshake(server_.get(), client.get());
  }

  TrustAnchors anchors_ = ExampleAnchors();
  SslCtxPtr server_ = ServerContext(anchors_);
};

TEST_F(ServerHandshake, AcceptsAnAgencyAndShowsItsCertificate) {
  ServerView view = Connect("la-stoke");
  ASSERT_TRUE(view.handshake_done);
  EXPECT_EQ(view.verify_result, X509_V_OK);
  ASSERT_NE(view.peer, nullptr);
  EXPECT_EQ(SanUris(*view.peer), std::vector<std::string>{"urn:isagw:agency:la:stoke"});
}

TEST_F(ServerHandshake, RefusesAClientWithoutCertificate) {
  ServerView view = Connect("");
  EXPECT_FALSE(view.handshake_done);
  EXPECT_EQ(view.peer, nullptr);
}

TEST_F(ServerHandshake, RefusesEachBrokenCertificateForItsReason) {
  const std::pair<const char*, ChainFailure> cases[] = {
      {"revoked", ChainFailure::kRevoked},
      {"expired", ChainFailure::kExpired},
      {"future", ChainFailure::kNotYetValid},
      {"wrong-ca", ChainFailure::kUntrustedIssuer},
      {"server", ChainFailure::kNotClientCertificate},
  };
  for (const auto& [name, failure] : cases) {
    ServerView view = Connect(name);
    EXPECT_FALSE(view.handshake_done) << name;
    EXPECT_EQ(ClassifyVerifyError(static_cast<int>(view.verify_result)), failure) << name;
  }
}

}  // namespace
}  // namespace isagw::tls
