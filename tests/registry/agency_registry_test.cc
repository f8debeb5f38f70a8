#include "gateway/registry/agency_registry.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "gateway/registry/registry_loader.h"
#include "tests/common/temp_dir.h"

namespace isagw::registry {
namespace {

using isagw::testing::ReadText;
using isagw::testing::ScratchDir;

Agency Police(std::string id, std::string force_code, std::vector<std::string> las) {
  Agency a;
  a.id = std::move(id);
  a.kind = AgencyKind::kPoliceForce;
  a.name = "A police force";
  a.force_code = std::move(force_code);
  a.san_uri = "urn:isagw:agency:police:" + a.id;
  a.sends = {adapters::Format::kCompact};
  a.covers_las = std::move(las);
  return a;
}

Agency Council(std::string id, std::string la_number, std::string gss,
               std::vector<std::string> districts) {
  Agency a;
  a.id = std::move(id);
  a.kind = AgencyKind::kLocalAuthority;
  a.name = "A council";
  a.la_number = std::move(la_number);
  a.gss_code = std::move(gss);
  a.san_uri = "urn:isagw:agency:la:" + a.id;
  a.receives = {adapters::Format::kCouncilXml};
  a.postcode_districts = std::move(districts);
  return a;
}

Agency Provider(std::string id, std::vector<std::string> commissioned_by) {
  Agency a;
  a.id = std::move(id);
  a.kind = AgencyKind::kProvider;
  a.name = "A provider";
  a.san_uri = "urn:isagw:agency:provider:" + a.id;
  a.sends = {adapters::Format::kRhi};
  a.commissioned_by = std::move(commissioned_by);
  return a;
}

std::vector<Agency> SmallArea() {
  return {Police("police-staffs", "STAFFS", {"860", "861"}),
          Council("la-staffordshire", "860", "E10000028", {"ST5", "WS", "DE13"}),
          Council("la-stoke", "861", "E06000021", {"ST1", "ST4", "WS7"}),
          Provider("provider-catch22", {"860", "861"})};
}

TEST(AgencyRegistry, FindsAgenciesByEachIdentifier) {
  auto registry = AgencyRegistry::Create(SmallArea());
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->FindById("la-stoke")->la_number, "861");
  EXPECT_EQ(registry->FindBySanUri("urn:isagw:agency:police:police-staffs")->id, "police-staffs");
  EXPECT_EQ(registry->FindByForceCode("STAFFS")->id, "police-staffs");
  EXPECT_EQ(registry->FindByLaNumber("860")->id, "la-staffordshire");
  EXPECT_EQ(registry->FindById("nobody"), nullptr);
  EXPECT_EQ(registry->FindByLaNumber("999"), nullptr);
}

TEST(AgencyRegistry, AnswersRoutingQuestions) {
  auto registry = AgencyRegistry::Create(SmallArea());
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->ForceCoveringLa("861")->id, "police-staffs");
  EXPECT_EQ(registry->ForceCoveringLa("831"), nullptr);
  EXPECT_EQ(registry->ProviderCommissionedBy("861")->id, "provider-catch22");
  EXPECT_EQ(registry->ProviderCommissionedBy("831"), nullptr);
}

TEST(AgencyRegistry, PrefersAListedDistrictOverItsWholeArea) {
  auto registry = AgencyRegistry::Create(SmallArea());
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->LaOwningPostcodeDistrict("WS7")->id, "la-stoke");
  EXPECT_EQ(registry->LaOwningPostcodeDistrict("WS11")->id, "la-staffordshire");
  EXPECT_EQ(registry->LaOwningPostcodeDistrict("ST4 7QB")->id, "la-stoke");
  EXPECT_EQ(registry->LaOwningPostcodeDistrict("st5")->id, "la-staffordshire");
  EXPECT_EQ(registry->LaOwningPostcodeDistrict("ST2"), nullptr);
  EXPECT_EQ(registry->LaOwningPostcodeDistrict(""), nullptr);
}

TEST(AgencyRegistry, CopiesKeepWorkingLookups) {
  std::optional<AgencyRegistry> copy;
  {
    auto registry = AgencyRegistry::Create(SmallArea());
    ASSERT_TRUE(registry.ok());
    copy = registry.value();
  }
  const Agency* stoke = copy->FindById("la-stoke");
  ASSERT_NE(stoke, nullptr);
  EXPECT_EQ(stoke, &copy->agencies()[2]);
}

TEST(AgencyRegistry, EmptyRegistryFindsNobody) {
  AgencyRegistry registry;
  EXPECT_EQ(registry.FindBySanUri("urn:isagw:agency:police:derbys"), nullptr);
  EXPECT_EQ(registry.LaOwningPostcodeDistrict("DE22"), nullptr);
}

TEST(AgencyRegistry, RefusesDuplicatesWithPointers) {
  std::vector<Agency> agencies = SmallArea();
  agencies.push_back(Council("la-stoke", "862", "E06000099", {"ST1"}));
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(
      registry.error(),
      (FieldErrors{{"/agencies/4/id", "duplicate", "this id is already claimed by agencies[2]"},
                   {"/agencies/4/identity/san_uri", "duplicate",
                    "this SAN URI is already claimed by agencies[2]"},
                   {"/agencies/4/routing/postcode_districts/0", "duplicate",
                    "this postcode district is already claimed by agencies[2]"}}));
}

TEST(AgencyRegistry, RefusesCodesOfAnotherKind) {
  Agency provider = Provider("provider-x", {"860"});
  provider.force_code = "XX";
  provider.covers_las = {"860"};
  std::vector<Agency> agencies = SmallArea();
  agencies.push_back(provider);
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_FALSE(registry.ok());
  std::vector<std::string> pointers;
  for (const FieldError& e : registry.error()) pointers.push_back(e.pointer + " " + e.code);
  EXPECT_EQ(pointers, (std::vector<std::string>{
                          "/agencies/4/codes/force_code inconsistent",
                          "/agencies/4/routing/covers_las inconsistent",
                          "/agencies/4/routing/covers_las/0 duplicate",
                          "/agencies/4/routing/commissioned_by/0 duplicate",
                      }));
}

TEST(AgencyRegistry, RequiresPushEndpointsToBeHttps) {
  Agency council = Council("la-derby", "831", "E06000015", {"DE1"});
  council.delivery = DeliveryMode::kPush;
  council.push = PushEndpoint{"ftp://localhost/", "/ca.crt", "localhost"};
  auto registry = AgencyRegistry::Create({council});
  ASSERT_FALSE(registry.ok());
  ASSERT_EQ(registry.error().size(), 1u);
  EXPECT_EQ(registry.error()[0].pointer, "/agencies/0/delivery/url");
}

TEST(PushUrlHost, AcceptsHttpsUrlsAndFindsTheHost) {
  EXPECT_EQ(PushUrlHost("https://localhost:9443/isagw"), "localhost");
  EXPECT_EQ(PushUrlHost("https://receiver.example.org"), "receiver.example.org");
  EXPECT_EQ(PushUrlHost("https://[::1]:8443/in"), "::1");
  EXPECT_EQ(PushUrlHost("http://localhost/"), std::nullopt);
  EXPECT_EQ(PushUrlHost("https://user@localhost/"), std::nullopt);
  EXPECT_EQ(PushUrlHost("https://localhost:0/"), std::nullopt);
  EXPECT_EQ(PushUrlHost("https://localhost:/"), std::nullopt);
  EXPECT_EQ(PushUrlHost("https:///path"), std::nullopt);
  EXPECT_EQ(PushUrlHost("https://local host/"), std::nullopt);
}

TEST(NormaliseSha256Fingerprint, AcceptsColonsAndUpperCase) {
  const std::string hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  EXPECT_EQ(NormaliseSha256Fingerprint(hex), hex);
  EXPECT_EQ(NormaliseSha256Fingerprint(
                "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
                "AA:BB:CC:DD:EE:FF"),
            hex);
  EXPECT_EQ(NormaliseSha256Fingerprint(hex.substr(2)), "");
  EXPECT_EQ(NormaliseSha256Fingerprint(hex.substr(1) + "g"), "");
}

// The example deployment's registry, loaded where it can find a receiver
// CA file (its push endpoint's ca_file must exist).
class ExampleRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("registry.yaml",
               ReadText(std::string(ISAGW_SOURCE_DIR) + "/certs-example/registry.yaml"));
    dir_.Write("out/receiver-ca.crt", "placeholder: only its existence is checked here");
    auto loaded = LoadAgencyRegistry(dir_.path() / "registry.yaml");
    ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
    registry_ = std::move(loaded).value();
  }

  ScratchDir dir_;
  AgencyRegistry registry_;
};

TEST_F(ExampleRegistry, HoldsEveryExampleAgency) {
  std::vector<std::string> ids;
  for (const Agency& a : registry_.agencies()) ids.push_back(a.id);
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "police-staffs", "police-derbys", "police-notts", "police-met", "police-wyp",
                     "la-staffordshire", "la-stoke", "la-derby", "la-nottingham", "la-croydon",
                     "la-bradford", "provider-brighter-futures", "provider-catch22"}));
  for (const Agency& a : registry_.agencies()) {
    // Certificates from make-certs.sh: the id's first '-' becomes ':'.
    std::string expected = "urn:isagw:agency:" + a.id;
    expected[expected.find('-')] = ':';
    EXPECT_EQ(a.san_uri, expected);
    EXPECT_FALSE(a.lenient) << a.id;
  }
}

TEST_F(ExampleRegistry, CarriesTheRealCodes) {
  EXPECT_EQ(registry_.FindByForceCode("DERBYS")->id, "police-derbys");
  EXPECT_EQ(registry_.FindByForceCode("WYP")->id, "police-wyp");
  const std::vector<std::pair<std::string, std::string>> councils = {
      {"831", "E06000015"}, {"860", "E10000028"}, {"861", "E06000021"},
      {"892", "E06000018"}, {"306", "E09000008"}, {"380", "E08000032"}};
  for (const auto& [la, gss] : councils) {
    const Agency* a = registry_.FindByLaNumber(la);
    ASSERT_NE(a, nullptr) << la;
    EXPECT_EQ(a->gss_code, gss) << la;
  }
}

TEST_F(ExampleRegistry, RoutesTheSeedsAreas) {
  EXPECT_EQ(registry_.ForceCoveringLa("830")->id, "police-derbys");
  EXPECT_EQ(registry_.ForceCoveringLa("861")->id, "police-staffs");
  EXPECT_EQ(registry_.ForceCoveringLa("306")->id, "police-met");
  EXPECT_EQ(registry_.ForceCoveringLa("380")->id, "police-wyp");
  EXPECT_EQ(registry_.ForceCoveringLa("892")->id, "police-notts");
  EXPECT_EQ(registry_.LaOwningPostcodeDistrict("DE22 3AB")->id, "la-derby");
  EXPECT_EQ(registry_.LaOwningPostcodeDistrict("DE1")->id, "la-derby");
  EXPECT_EQ(registry_.LaOwningPostcodeDistrict("ST4")->id, "la-stoke");
  EXPECT_EQ(registry_.LaOwningPostcodeDistrict("ST16")->id, "la-staffordshire");
  EXPECT_EQ(registry_.LaOwningPostcodeDistrict("DE14")->id, "la-staffordshire");
  EXPECT_EQ(registry_.LaOwningPostcodeDistrict("BD7")->id, "la-bradford");
  EXPECT_EQ(registry_.ProviderCommissionedBy("831")->id, "provider-brighter-futures");
  EXPECT_EQ(registry_.ProviderCommissionedBy("861")->id, "provider-catch22");
}

TEST_F(ExampleRegistry, PushesToBradfordAndKeepsMailboxesForTheRest) {
  const Agency* bradford = registry_.FindById("la-bradford");
  ASSERT_TRUE(bradford->push.has_value());
  EXPECT_EQ(bradford->push->ca_file, dir_.path() / "out/receiver-ca.crt");
  EXPECT_EQ(bradford->push->server_name, "localhost");
  EXPECT_TRUE(bradford->Receives(adapters::Format::kCanonical));
  EXPECT_EQ(registry_.FindById("la-derby")->delivery, DeliveryMode::kMailbox);
}

}  // namespace
}  // namespace isagw::registry
