// Where the delivery tests find their certificates: the example PKI
// (fixture example_certs: receiver.crt, receiver-ca.crt, ca.crt...) and
// the gateway's client certificate (a second setup of the example_certs fixture).
#pragma once

#include <filesystem>
#include <string>

namespace isagw::delivery::testing {

inline std::filesystem::path ExampleCert(const std::string& name) {
  return std::filesystem::path(ISAGW_EXAMPLE_CERTS_DIR) / name;
}

inline std::filesystem::path GatewayClientCert(const std::string& name) {
  return std::filesystem::path(ISAGW_DELIVERY_CERTS_DIR) / name;
}

}  // namespace isagw::delivery::testing
