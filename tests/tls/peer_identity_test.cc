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

// ---- People: console users (docs/console.md) ----

// The example people, one of each role, as make-certs.sh names their
// certificates (person-<id>.crt).
constexpr const char* kExamplePeople[] = {"gateway-operator", "la-derby-coordinator",
                                          "police-met-auditor"};

// The example registry with a fingerprint pin on one person.
registry::AgencyRegistry PersonPinned(const registry::AgencyRegistry& base, const std::string& id,
                                      const std::string& pin) {
  std::vector<registry::Person> people = base.people();
  for (registry::Person& p : people) {
    if (p.id == id) p.sha256_pin = pin;
  }
  auto pinned = registry::AgencyRegistry::Create(base.agencies(), std::move(people));
  EXPECT_TRUE(pinned.ok());
  return pinned.ok() ? std::move(pinned).value() : registry::AgencyRegistry();
}

TEST_F(ExampleIdentities, IdentifiesExamplePeopleByTheirCertificates) {
  for (const char* id : kExamplePeople) {
    X509Ptr cert = ExampleCert(std::string("person-") + id + ".crt");
    ASSERT_NE(cert, nullptr);
    auto principal = IdentifyClient(SanUris(*cert), Sha256Fingerprint(*cert), registry_);
    ASSERT_TRUE(principal.ok()) << id << ": " << principal.error().reason;
    ASSERT_NE(principal->person, nullptr) << id;
    EXPECT_EQ(principal->person->id, id);
    EXPECT_EQ(principal->agency, nullptr) << id;  // exactly one is set
    EXPECT_EQ(principal->person, registry_.FindPersonById(id));
  }
}

TEST_F(ExampleIdentities, IdentifiesAnAgencyAsAClientWithNoPerson) {
  X509Ptr cert = ExampleCert("la-derby.crt");
  ASSERT_NE(cert, nullptr);
  auto principal = IdentifyClient(SanUris(*cert), Sha256Fingerprint(*cert), registry_);
  ASSERT_TRUE(principal.ok()) << principal.error().reason;
  ASSERT_NE(principal->agency, nullptr);
  EXPECT_EQ(principal->agency->id, "la-derby");
  EXPECT_EQ(principal->person, nullptr);
}

TEST_F(ExampleIdentities, NeverTakesAPersonsCertificateForTheirAgency) {
  // A coordinator's certificate opens the console, never the message API.
  for (const char* id : kExamplePeople) {
    X509Ptr cert = ExampleCert(std::string("person-") + id + ".crt");
    ASSERT_NE(cert, nullptr);
    auto agency = IdentifyAgency(*cert, registry_);
    ASSERT_FALSE(agency.ok()) << id;
    EXPECT_EQ(agency.error().failure, IdentityFailure::kNoAgencyUri) << id;
  }
  auto facts = IdentifyAgency({"urn:isagw:user:la-derby:la-derby-coordinator"}, "", registry_);
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.error().failure, IdentityFailure::kNoAgencyUri);
}

TEST_F(ExampleIdentities, IdentifiesAPersonFromCertificateFacts) {
  auto principal = IdentifyClient({"spiffe://example/x", "urn:isagw:user:gateway:gateway-operator"},
                                  "", registry_);
  ASSERT_TRUE(principal.ok()) << principal.error().reason;
  ASSERT_NE(principal->person, nullptr);
  EXPECT_EQ(principal->person->role, registry::PersonRole::kOperator);
  EXPECT_EQ(principal->agency, nullptr);
}

TEST_F(ExampleIdentities, RefusesAnUnknownPerson) {
  for (const char* uri : {"urn:isagw:user:la-derby:someone-else",
                          // The agency's id, not a person's: no agency by the back door.
                          "urn:isagw:user:gateway:la-derby",
                          // Right person, wrong agency.
                          "urn:isagw:user:la-stoke:la-derby-coordinator",
                          "urn:isagw:user:LA-DERBY:la-derby-coordinator"}) {
    auto principal = IdentifyClient({uri}, "", registry_);
    ASSERT_FALSE(principal.ok()) << uri;
    EXPECT_EQ(principal.error().failure, IdentityFailure::kUnknownPerson) << uri;
    EXPECT_EQ(principal.error().reason.find("someone"), std::string::npos);
  }
}

TEST_F(ExampleIdentities, RefusesAnUnknownPersonsCertificate) {
  X509Ptr cert = MakeCertificate({"URI:urn:isagw:user:la-derby:intruder"});
  ASSERT_NE(cert, nullptr);
  auto principal = IdentifyClient(SanUris(*cert), Sha256Fingerprint(*cert), registry_);
  ASSERT_FALSE(principal.ok());
  EXPECT_EQ(principal.error().failure, IdentityFailure::kUnknownPerson);
  EXPECT_EQ(principal.error().reason.find("intruder"), std::string::npos);
}

TEST_F(ExampleIdentities, RefusesACertificateNamingAnAgencyAndAPerson) {
  // One certificate is one identity, whichever comes first: an agency's
  // certificate that also names its coordinator is neither.
  const std::string agency = "urn:isagw:agency:la:derby";
  const std::string person = "urn:isagw:user:la-derby:la-derby-coordinator";
  for (const std::vector<std::string>& uris :
       {std::vector<std::string>{agency, person}, std::vector<std::string>{person, agency}}) {
    auto principal = IdentifyClient(uris, "", registry_);
    ASSERT_FALSE(principal.ok());
    EXPECT_EQ(principal.error().failure, IdentityFailure::kSeveralAgencyUris);
    auto as_agency = IdentifyAgency(uris, "", registry_);
    ASSERT_FALSE(as_agency.ok());
    EXPECT_EQ(as_agency.error().failure, IdentityFailure::kSeveralAgencyUris);
  }
  X509Ptr cert = MakeCertificate({"URI:" + agency, "URI:" + person});
  ASSERT_NE(cert, nullptr);
  auto from_cert = IdentifyAgency(*cert, registry_);
  ASSERT_FALSE(from_cert.ok());
  EXPECT_EQ(from_cert.error().failure, IdentityFailure::kSeveralAgencyUris);
}

TEST_F(ExampleIdentities, RefusesACertificateNamingTwoPeople) {
  auto principal = IdentifyClient(
      {"urn:isagw:user:la-derby:la-derby-coordinator", "urn:isagw:user:la-derby:la-derby-auditor"},
      "", registry_);
  ASSERT_FALSE(principal.ok());
  EXPECT_EQ(principal.error().failure, IdentityFailure::kSeveralAgencyUris);
}

TEST_F(ExampleIdentities, AcceptsThePinnedCertificateOfAPerson) {
  X509Ptr cert = ExampleCert("person-la-derby-auditor.crt");
  ASSERT_NE(cert, nullptr);
  registry::AgencyRegistry pinned =
      PersonPinned(registry_, "la-derby-auditor", Sha256Fingerprint(*cert));
  auto principal = IdentifyClient(SanUris(*cert), Sha256Fingerprint(*cert), pinned);
  ASSERT_TRUE(principal.ok()) << principal.error().reason;
  ASSERT_NE(principal->person, nullptr);
  EXPECT_EQ(principal->person->id, "la-derby-auditor");
}

TEST_F(ExampleIdentities, RefusesAnotherCertificateWithThePinnedPersonsUri) {
  X509Ptr real = ExampleCert("person-la-derby-auditor.crt");
  ASSERT_NE(real, nullptr);
  X509Ptr other = MakeCertificate({"URI:urn:isagw:user:la-derby:la-derby-auditor"});
  ASSERT_NE(other, nullptr);
  registry::AgencyRegistry pinned =
      PersonPinned(registry_, "la-derby-auditor", Sha256Fingerprint(*real));
  auto principal = IdentifyClient(SanUris(*other), Sha256Fingerprint(*other), pinned);
  ASSERT_FALSE(principal.ok());
  EXPECT_EQ(principal.error().failure, IdentityFailure::kFingerprintMismatch);
  // The pin is the person's own: their colleague's certificate is unpinned.
  X509Ptr colleague = ExampleCert("person-la-derby-coordinator.crt");
  ASSERT_NE(colleague, nullptr);
  EXPECT_TRUE(IdentifyClient(SanUris(*colleague), Sha256Fingerprint(*colleague), pinned).ok());
}

TEST_F(ExampleIdentities, RefusesAPersonsPinMismatchFromFacts) {
  registry::AgencyRegistry pinned =
      PersonPinned(registry_, "gateway-operator", std::string(64, 'a'));
  const std::vector<std::string> uris = {"urn:isagw:user:gateway:gateway-operator"};
  auto wrong = IdentifyClient(uris, std::string(64, 'b'), pinned);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().failure, IdentityFailure::kFingerprintMismatch);
  auto none = IdentifyClient(uris, "", pinned);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().failure, IdentityFailure::kFingerprintMismatch);
  EXPECT_TRUE(IdentifyClient(uris, std::string(64, 'a'), pinned).ok());
}

TEST_F(ExampleIdentities, IgnoresUrisThatOnlyResembleAPersons) {
  // Only urn:isagw:user: counts; the agency's own URI still decides.
  auto principal = IdentifyClient(
      {"urn:isagw:users:la-derby:x", "urn:isagw:user", "urn:isagw:agency:la:derby"}, "", registry_);
  ASSERT_TRUE(principal.ok()) << principal.error().reason;
  ASSERT_NE(principal->agency, nullptr);
  EXPECT_EQ(principal->agency->id, "la-derby");
  auto none = IdentifyClient({"URN:ISAGW:USER:gateway:gateway-operator"}, "", registry_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().failure, IdentityFailure::kNoAgencyUri);
}

TEST(IdentityFailureNames, AreStableForMetrics) {
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kFingerprintMismatch),
            "fingerprint_mismatch");
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kUnknownAgency), "unknown_agency");
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kUnknownPerson), "unknown_person");
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kSeveralAgencyUris), "several_agency_uris");
  EXPECT_EQ(kIdentityFailureNames.Name(IdentityFailure::kNoAgencyUri), "no_agency_uri");
}

}  // namespace
}  // namespace isagw::tls
