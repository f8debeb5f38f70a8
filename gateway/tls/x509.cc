#include "gateway/tls/x509.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <fstream>
#include <sstream>

namespace isagw::tls {

Result<X509Ptr, std::string> ParseCertificatePem(std::string_view pem) {
  if (pem.size() > INT_MAX) return Fail(std::string("certificate text is too large"));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return Fail(std::string("out of memory"));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  // Leave no queued error behind for an unrelated later caller to find.
  ERR_clear_error();
  if (!cert) return Fail(std::string("no PEM certificate found"));
  return cert;
}

Result<X509Ptr, std::string> ReadCertificateFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(std::string("certificate file cannot be opened"));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseCertificatePem(text.str());
}

}  // namespace isagw::tls
