// Owning handles for the OpenSSL objects identity checks use, and reading
// certificates from PEM. OpenSSL 3.
#pragma once

#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace isagw::tls {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// The first certificate in PEM text or a PEM file. Errors describe the
// problem without quoting the input.
Result<X509Ptr, std::string> ParseCertificatePem(std::string_view pem);
Result<X509Ptr, std::string> ReadCertificateFile(const std::filesystem::path& path);

}  // namespace isagw::tls
