// Where the delivery tests find their certificates: the example PKI
// (fixture example_certs: receiver.crt, receiver-ca.crt, ca.crt, and the
// gateway's own client certificate gateway-client.crt).
#pragma once

#include <filesystem>
#include <string>

namespace isagw::delivery::testing {

inline std::filesystem::path ExampleCert(const std::string& name) {
  return std::filesystem::path(ISAGW_EXAMPLE_CERTS_DIR) / name;
}

}  // namespace isagw::delivery::testing
