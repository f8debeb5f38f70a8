// The TLS policy both ends apply (gateway/tls/tls_policy.h), in real
// handshakes over memory: the push client's end as much as the server's,
// which tests/server/tls_scan_test.py also scans from outside.
#include "gateway/tls/tls_policy.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/tls/ssl_handles.h"

namespace isagw::tls {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using testing::SslPtr;

// A context for one end; the server's with the example server certificate.
std::unique_ptr<SSL_CTX, CtxFree> Context(bool server) {
  std::unique_ptr<SSL_CTX, CtxFree> ctx(
      SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  if (server) {
    const std::string dir = ISAGW_EXAMPLE_CERTS_DIR;
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx.get(), (dir + "/server.crt").c_str()), 1);
    EXPECT_EQ(
        SSL_CTX_use_PrivateKey_file(ctx.get(), (dir + "/server.key").c_str(), SSL_FILETYPE_PEM), 1);
  }
  return ctx;
}

// A whole handshake between the two contexts over a memory BIO pair; the
// group the key exchange used, or 0 when the handshake failed.
int HandshakeGroup(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  SslPtr client(SSL_new(client_ctx));
  SslPtr server(SSL_new(server_ctx));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) return 0;
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  const auto still_going = [](SSL* ssl, int rc) {
    if (rc == 1) return true;
    const int error = SSL_get_error(ssl, rc);
    return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
  };
  for (int round = 0; round < 20; ++round) {
    const int c = SSL_do_handshake(client.get());
    const int s = SSL_do_handshake(server.get());
    if (c == 1 && s == 1) return SSL_get_negotiated_group(client.get());
    if (!still_going(client.get(), c) || !still_going(server.get(), s)) break;
  }
  ERR_clear_error();
  return 0;
}

// The end under the policy meets a peer that offers only `peer_groups`.
int GroupAgainst(bool policy_on_server, const char* peer_groups) {
  auto client = Context(false);
  auto server = Context(true);
  SSL_CTX* ours = policy_on_server ? server.get() : client.get();
  SSL_CTX* theirs = policy_on_server ? client.get() : server.get();
  EXPECT_TRUE(ApplyTlsPolicy(ours).ok());
  EXPECT_EQ(SSL_CTX_set1_groups_list(theirs, peer_groups), 1);
  return HandshakeGroup(client.get(), server.get());
}

class TlsPolicy : public ::testing::TestWithParam<bool> {};  // true: the server end

TEST_P(TlsPolicy, KeyExchangeIsX25519P256OrP384Only) {
  EXPECT_EQ(GroupAgainst(GetParam(), "ffdhe2048"), 0) << "a finite-field group was accepted";
  EXPECT_EQ(GroupAgainst(GetParam(), "ffdhe3072:ffdhe8192"), 0);
  EXPECT_EQ(GroupAgainst(GetParam(), "P-384"), NID_secp384r1);
  EXPECT_EQ(GroupAgainst(GetParam(), "P-256"), NID_X9_62_prime256v1);
  EXPECT_EQ(GroupAgainst(GetParam(), "ffdhe2048:X25519"), NID_X25519);
}

TEST_P(TlsPolicy, Tls12OffersOnlyForwardSecretAeadSuitesAndNothingOlder) {
  auto ctx = Context(GetParam());
  ASSERT_TRUE(ApplyTlsPolicy(ctx.get()).ok());
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options(ctx.get()) & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_NE(SSL_CTX_get_options(ctx.get()) & SSL_OP_NO_COMPRESSION, 0u);
  SslPtr ssl(SSL_new(ctx.get()));
  STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl.get());
  ASSERT_NE(ciphers, nullptr);
  int tls12 = 0;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    const std::string name = SSL_CIPHER_get_name(cipher);
    EXPECT_TRUE(SSL_CIPHER_is_aead(cipher) == 1) << name;
    if (std::string(SSL_CIPHER_get_version(cipher)) == "TLSv1.2") {
      ++tls12;
      EXPECT_EQ(name.rfind("ECDHE-", 0), 0u) << name << " is not forward secret";
    }
  }
  EXPECT_EQ(tls12, 6);
}

INSTANTIATE_TEST_SUITE_P(Ends, TlsPolicy, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& end) {
                           return end.param ? "Server" : "Client";
                         });

}  // namespace
}  // namespace isagw::tls
