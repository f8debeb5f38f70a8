// The example PKI made by certs-example/make-certs.sh into the build tree
// (CTest fixture example_certs), for tests that need real certificates.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "gateway/tls/x509.h"

namespace isagw::testing {

inline std::filesystem::path ExampleCertsDir() { return ISAGW_EXAMPLE_CERTS_DIR; }

inline std::filesystem::path ExampleCertFile(const std::string& name) {
  return ExampleCertsDir() / name;
}

// Reads out/<name>; fails the test (with a hint) when the fixture has not run.
inline tls::X509Ptr ExampleCert(const std::string& name) {
  auto cert = tls::ReadCertificateFile(ExampleCertFile(name));
  EXPECT_TRUE(cert.ok()) << ExampleCertFile(name)
                         << " is missing: run `ctest -R make_example_certs` or "
                            "certs-example/make-certs.sh "
                         << ExampleCertsDir();
  if (!cert.ok()) return nullptr;
  return std::move(cert).value();
}

inline const char* const kExampleAgencyIds[] = {
    "police-staffs",   "police-derbys",    "police-notts", "police-met",
    "police-wyp",      "la-staffordshire", "la-stoke",     "la-derby",
    "la-nottingham",   "la-croydon",       "la-bradford",  "provider-brighter-futures",
    "provider-catch22"};

}  // namespace isagw::testing
