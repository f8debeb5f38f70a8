#include "gateway/tls/tls_policy.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace isagw::tls {

Result<Ok, std::string> ApplyTlsPolicy(SSL_CTX* context) {
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1) {
    ERR_clear_error();
    return Fail(std::string("cannot set the minimum TLS version"));
  }
  SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(context, kTls12Ciphers) != 1) {
    ERR_clear_error();
    return Fail(std::string("cannot set the TLS 1.2 cipher list"));
  }
  if (SSL_CTX_set1_groups_list(context, kKeyExchangeGroups) != 1) {
    ERR_clear_error();
    return Fail(std::string("cannot restrict key exchange to ") + kKeyExchangeGroups);
  }
  return Ok{};
}

}  // namespace isagw::tls
