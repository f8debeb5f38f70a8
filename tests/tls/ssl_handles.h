// Owning handles for the OpenSSL objects the TLS tests make by hand.
#pragma once

#include <openssl/ssl.h>

#include <memory>

namespace isagw::tls::testing {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

}  // namespace isagw::tls::testing
