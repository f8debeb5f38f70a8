// The example deployment's certificates (certs-example) and the server's
// TLS context made from them, for the server tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "gateway/server/tls_context.h"

namespace isagw::server::testing {

inline std::string CertPath(const std::string& name) {
  return std::string(ISAGW_TEST_CERTS_DIR) + "/" + name;
}

// The server's certificate and key, trusting the example CA, with its CRL.
// Stops the test program when they cannot be loaded: every test that asks
// for them would fail anyway.
inline std::shared_ptr<const ServerTlsContext> ExampleServerTls() {
  auto tls = ServerTlsContext::Load({CertPath("server.crt"),
                                     CertPath("server.key"),
                                     CertPath("ca.crt"),
                                     {CertPath("ca.crl")},
                                     false});
  if (!tls.ok()) {
    ADD_FAILURE() << "example TLS context: " << tls.error();
    std::abort();
  }
  return tls.value();
}

}  // namespace isagw::server::testing
