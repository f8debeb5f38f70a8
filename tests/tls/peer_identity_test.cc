#include "gateway/tls/peer_identity.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/registry/registry_loader.h"
#include "tests/common/temp_dir.h"
#include "tests/tls/example_certs.h"

namespace isagw::tls {
namespace {

using isagw::testing::ExampleCert;
using isagw::testing::ExampleCertsDir;
using isagw::testing::ReadText;
using isagw::testing::ScratchDir;

// A self-signed certificate with the given SAN entries ("URI:...",
// "DNS:..."), for shapes make-certs.sh does not make.
X509Ptr MakeCertificate(const std::vector<std::string>& san) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  X509Ptr cert(X509_new());
  if (!key || !cert) return nullptr;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!san.empty()) {
    std::string value;
    for (const std::string& entry : san) value += (value.empty() ? "" : ",") + entry;
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str());
    if (ext == nullptr) return nullptr;
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return nullptr;
  return cert;
}

// "name sha256hex" lines written by make-certs.sh.
std::map<std::string, std::string> ExampleFingerprints() {
  std::map<std::string, std::string> out;
  std::istringstream lines(ReadText(ExampleCertsDir() / "fingerprints.txt"));
  std::string name;
  std::string hex;
  while (lines >> name >> hex) out[name] = hex;
  return out;
}

// The example registry, loaded beside the fixture's certificates.
class ExampleIdentities : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("registry.yaml",
               ReadText(std::string(ISAGW_SOURCE_DIR) + "/certs-example/registry.yaml"));
    std::filesystem::create_directory_symlink(ExampleCertsDir(), dir_.path() / "out");
    auto loaded = registry::LoadAgencyRegistry(dir_.path() / "registry.yaml");
    ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
    registry_ = std::move(loaded).value();
  }

  // The registry with a fingerprint pin on one agency.
  registry::AgencyRegistry PinnedRegistry(const std::string& id, const std::string& pin) {
    std::vector<registry::Agency> agencies = registry_.agencies();
    for (registry::Agency& a : agencies) {
      if (a.id == id) a.sha256_pin = pin;
    }
    auto pinned = registry::AgencyRegistry::Create(std::move(agencies));
    EXPECT_TRUE(pinned.ok());
    return pinned.ok() ? std::move(pinned).value() : registry::AgencyRegistry();
  }

  ScratchDir dir_;
  registry::AgencyRegistry registry_;
};

TEST_F(ExampleIdentities, IdentifiesEveryExampleAgencyByItsCertificate) {
  for (const char* id : isagw::testing::kExampleAgencyIds) {
    X509Ptr cert = ExampleCert(std::string(id) + ".crt");
    ASSERT_NE(cert, nullptr);
    auto agency = IdentifyAgency(*cert, registry_);
    ASSERT_TRUE(agency.ok()) << id << ": " << agency.error().reason;
    EXPECT_EQ((*agency)->id, id);
  }
}

TEST_F(ExampleIdentities, ReadsTheSanUriMakeCertsWrites) {
  X509Ptr cert = ExampleCert("provider-brighter-futures.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(SanUris(*cert), std::vector<std::string>{"urn:isagw:agency:provider:brighter-futures"});
}

TEST_F(ExampleIdentities, RefusesTheServerCertificateWhichHasNoAgencyUri) {
  X509Ptr cert = ExampleCert("server.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_TRUE(SanUris(*cert).empty());
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_FALSE(agency.ok());
  EXPECT_EQ(agency.error().failure, IdentityFailure::kNoAgencyUri);
}

TEST_F(ExampleIdentities, ComputesTheFingerprintOpenSslPrints) {
  const auto fingerprints = ExampleFingerprints();
  ASSERT_EQ(fingerprints.count("la-derby"), 1u);
  X509Ptr cert = ExampleCert("la-derby.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(Sha256Fingerprint(*cert), fingerprints.at("la-derby"));
  EXPECT_EQ(Sha256Fingerprint(*cert).size(), 64u);
}

TEST_F(ExampleIdentities, AcceptsThePinnedCertificate) {
  X509Ptr cert = ExampleCert("police-derbys.crt");
  ASSERT_NE(cert, nullptr);
  registry::AgencyRegistry pinned = PinnedRegistry("police-derbys", Sha256Fingerprint(*cert));
  auto agency = IdentifyAgency(*cert, pinned);
  ASSERT_TRUE(agency.ok()) << agency.error().reason;
  EXPECT_EQ((*agency)->id, "police-derbys");
}

TEST_F(ExampleIdentities, RefusesAnotherCertificateWithThePinnedAgencysUri) {
  X509Ptr pinned_cert = ExampleCert("police-derbys.crt");
  X509Ptr other = ExampleCert("revoked.crt");  // same SAN URI, another key
  ASSERT_NE(pinned_cert, nullptr);
  ASSERT_NE(other, nullptr);
  registry::AgencyRegistry pinned =
      PinnedRegistry("police-derbys", Sha256Fingerprint(*pinned_cert));
  auto agency = IdentifyAgency(*other, pinned);
  ASSERT_FALSE(agency.ok());
  EXPECT_EQ(agency.error().failure, IdentityFailure::kFingerprintMismatch);
}

TEST_F(ExampleIdentities, IdentityAloneDoesNotCheckTheIssuer) {
  // wrong-ca.crt claims police-derbys from an untrusted CA. Identity only
  // reads the claim: the chain check (client_verifier.h) is what refuses
  // it, so the server must run both.
  X509Ptr cert = ExampleCert("wrong-ca.crt");
  ASSERT_NE(cert, nullptr);
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_TRUE(agency.ok());
  EXPECT_EQ((*agency)->id, "police-derbys");
}

TEST_F(ExampleIdentities, RefusesAnUnknownAgencyUri) {
  X509Ptr cert = MakeCertificate({"URI:urn:isagw:agency:police:kent"});
  ASSERT_NE(cert, nullptr);
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_FALSE(agency.ok());
  EXPECT_EQ(agency.error().failure, IdentityFailure::kUnknownAgency);
  EXPECT_EQ(agency.error().reason.find("kent"), std::string::npos);
}

TEST_F(ExampleIdentities, RefusesACertificateNamingTwoAgencies) {
  X509Ptr cert =
      MakeCertificate({"URI:urn:isagw:agency:police:derbys", "URI:urn:isagw:agency:la:derby"});
  ASSERT_NE(cert, nullptr);
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_FALSE(agency.ok());
  EXPECT_EQ(agency.error().failure, IdentityFailure::kSeveralAgencyUris);
}

TEST_F(ExampleIdentities, IgnoresUrisOutsideTheAgencyNamespace) {
  X509Ptr cert = MakeCertificate(
      {"DNS:derby.example", "URI:spiffe://example/derby", "URI:urn:isagw:agency:la:derby"});
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(SanUris(*cert).size(), 2u);
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_TRUE(agency.ok()) << agency.error().reason;
  EXPECT_EQ((*agency)->id, "la-derby");
}

TEST_F(ExampleIdentities, RefusesACertificateWithoutSubjectAltName) {
  X509Ptr cert = MakeCertificate({});
  ASSERT_NE(cert, nullptr);
  EXPECT_TRUE(SanUris(*cert).empty());
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_FALSE(agency.ok());
  EXPECT_EQ(agency.error().failure, IdentityFailure::kNoAgencyUri);
}

TEST_F(ExampleIdentities, MatchesTheUriExactly) {
  // URN names are compared as written: a case change is another identity.
  X509Ptr cert = MakeCertificate({"URI:urn:isagw:agency:police:DERBYS"});
  ASSERT_NE(cert, nullptr);
  auto agency = IdentifyAgency(*cert, registry_);
  ASSERT_FALSE(agency.ok());
  EXPECT_EQ(agency.error().failure, IdentityFailure::kUnknownAgency);
}

TEST_F(ExampleIdentities, DecidesTheSameFromCertificateFacts) {
  X509Ptr cert = ExampleCert("police-derbys.crt");
  ASSERT_NE(cert, nullptr);
  const std::string fingerprint = Sha256Fingerprint(*cert);
  registry::AgencyRegistry pinned = PinnedRegistry("police-derbys", fingerprint);
  auto agency = IdentifyAgency(SanUris(*cert), fingerprint, pinned);
  ASSERT_TRUE(agency.ok()) << agency.error().reason;
  EXPECT_EQ((*agency)->id, "police-derbys");
  auto other = IdentifyAgency(SanUris(*cert), std::string(64, '0'), pinned);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().failure, IdentityFailure::kFingerprintMismatch);
  auto none = IdentifyAgency({}, fingerprint, pinned);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().failure, IdentityFailure::kNoAgencyUri);
}

TEST(IdentityFailureNames, AreStableForMetrics) {
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kFingerprintMismatch),
            "fingerprint_mismatch");
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kUnknownAgency), "unknown_agency");
}

}  // namespace
}  // namespace isagw::tls
