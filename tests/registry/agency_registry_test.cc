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

// Duty endpoints (urgent alerts, issue 11), made in code.
Agency DutyEndpoint(std::string id, const Agency& principal) {
  Agency a;
  a.id = std::move(id);
  a.kind = principal.kind;
  a.name = "A duty team";
  a.san_uri = "urn:isagw:agency:" + std::string(SanUriKindWord(a.kind)) + ":" + a.id;
  a.receives = {principal.receives.empty() ? adapters::Format::kCanonical
                                           : principal.receives.front()};
  a.duty_for = principal.id;
  return a;
}

std::vector<std::string> PointersAndCodes(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.pointer + " " + e.code);
  return out;
}

TEST(AgencyRegistry, AnswersDutyContactsInOrder) {
  std::vector<Agency> agencies = SmallArea();
  agencies[2].duty_contacts = {"stoke-edt", "stoke-hos"};
  agencies.push_back(DutyEndpoint("stoke-hos", agencies[2]));
  agencies.push_back(DutyEndpoint("stoke-edt", agencies[2]));
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_TRUE(registry.ok()) << PointersAndCodes(registry.error()).front();
  const Agency* stoke = registry->FindById("la-stoke");
  EXPECT_EQ(registry->DutyContact(*stoke, 0)->id, "stoke-edt");
  EXPECT_EQ(registry->DutyContact(*stoke, 1)->id, "stoke-hos");
  EXPECT_EQ(registry->DutyContact(*stoke, 2), nullptr);
  EXPECT_EQ(registry->DutyContact(*registry->FindById("la-staffordshire"), 0), nullptr);
  EXPECT_EQ(registry->DutyContact(*registry->FindById("stoke-edt"), 0), nullptr);
}

TEST(AgencyRegistry, NeedsNoCodesForADutyEndpointOfAnyKind) {
  std::vector<Agency> agencies = SmallArea();
  agencies[0].receives = {adapters::Format::kCompact};
  agencies[0].duty_contacts = {"police-staffs-duty"};
  agencies[3].receives = {adapters::Format::kCanonical};
  agencies[3].duty_contacts = {"provider-catch22-duty"};
  agencies.push_back(DutyEndpoint("police-staffs-duty", agencies[0]));
  agencies.push_back(DutyEndpoint("provider-catch22-duty", agencies[3]));
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_TRUE(registry.ok()) << PointersAndCodes(registry.error()).front();
  EXPECT_EQ(registry->FindByForceCode("STAFFS")->id, "police-staffs");
  EXPECT_EQ(registry->FindBySanUri("urn:isagw:agency:police:police-staffs-duty")->id,
            "police-staffs-duty");
}

TEST(AgencyRegistry, RefusesCodesAndRoutingOnADutyEndpoint) {
  std::vector<Agency> agencies = SmallArea();
  agencies[2].duty_contacts = {"stoke-edt"};
  Agency edt = DutyEndpoint("stoke-edt", agencies[2]);
  edt.la_number = "861";  // Stoke's own: it would shadow Stoke in routing
  edt.gss_code = "E06000021";
  edt.postcode_districts = {"ST1"};
  edt.sends = {adapters::Format::kCouncilXml};
  agencies.push_back(edt);
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_FALSE(registry.ok());
  // Reported once each as not belonging here, never as clashing with Stoke.
  EXPECT_EQ(PointersAndCodes(registry.error()), (std::vector<std::string>{
                                                    "/agencies/4/codes/la_number inconsistent",
                                                    "/agencies/4/codes/gss_code inconsistent",
                                                    "/agencies/4/formats/sends inconsistent",
                                                    "/agencies/4/routing/postcode_districts "
                                                    "inconsistent",
                                                }));
}

TEST(AgencyRegistry, RefusesADutyEndpointForAnAgencyThatReceivesNothing) {
  std::vector<Agency> agencies = SmallArea();
  agencies[0].duty_contacts = {"police-staffs-duty"};
  Agency duty = DutyEndpoint("police-staffs-duty", agencies[0]);  // police-staffs only sends
  agencies.push_back(duty);
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(PointersAndCodes(registry.error()),
            (std::vector<std::string>{"/agencies/4/formats/receives inconsistent"}));
}

TEST(AgencyRegistry, StillChecksCommissionersBesideACouncilsDutyEndpoint) {
  std::vector<Agency> agencies = SmallArea();
  agencies[2].duty_contacts = {"stoke-edt"};
  agencies.push_back(DutyEndpoint("stoke-edt", agencies[2]));  // no LA number of its own
  agencies[3].commissioned_by.push_back("999");
  auto registry = AgencyRegistry::Create(std::move(agencies));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(PointersAndCodes(registry.error()),
            (std::vector<std::string>{"/agencies/3/routing/commissioned_by/2 unknown_reference"}));
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
  EXPECT_EQ(ids, (std::vector<std::string>{"police-staffs", "police-derbys", "police-notts",
                                           "police-met", "police-wyp", "la-staffordshire",
                                           "la-stoke", "la-derby", "la-derby-edt", "la-derby-hos",
                                           "la-nottingham", "la-croydon", "la-bradford",
                                           "provider-brighter-futures", "provider-catch22"}));
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

TEST_F(ExampleRegistry, EscalatesDerbysAlertsToItsDutyTeamThenItsHeadOfService) {
  const Agency* derby = registry_.FindById("la-derby");
  ASSERT_NE(derby, nullptr);
  const Agency* edt = registry_.DutyContact(*derby, 0);
  const Agency* hos = registry_.DutyContact(*derby, 1);
  ASSERT_NE(edt, nullptr);
  ASSERT_NE(hos, nullptr);
  EXPECT_EQ(edt->id, "la-derby-edt");
  EXPECT_EQ(hos->id, "la-derby-hos");
  EXPECT_EQ(registry_.DutyContact(*derby, 2), nullptr);
  for (const Agency* duty : {edt, hos}) {
    EXPECT_EQ(duty->duty_for, "la-derby") << duty->id;
    EXPECT_EQ(duty->kind, AgencyKind::kLocalAuthority) << duty->id;
    EXPECT_EQ(duty->receives, std::vector<adapters::Format>{derby->receives.front()}) << duty->id;
    EXPECT_TRUE(duty->sends.empty()) << duty->id;
    EXPECT_EQ(duty->delivery, DeliveryMode::kMailbox) << duty->id;
    EXPECT_EQ(registry_.FindBySanUri(duty->san_uri), duty) << duty->id;
  }
  // Nobody else has duty contacts yet.
  for (const Agency& a : registry_.agencies()) {
    if (a.id != "la-derby") {
      EXPECT_TRUE(a.duty_contacts.empty()) << a.id;
    }
  }
}

TEST_F(ExampleRegistry, NeverRoutesToADutyEndpoint) {
  const Agency* derby = registry_.FindById("la-derby");
  EXPECT_EQ(registry_.FindByLaNumber("831"), derby);
  EXPECT_EQ(registry_.ForceCoveringLa("831")->id, "police-derbys");
  EXPECT_EQ(registry_.ProviderCommissionedBy("831")->id, "provider-brighter-futures");
  for (const char* district : {"DE1", "DE3", "DE21", "DE22", "DE23", "DE24"}) {
    EXPECT_EQ(registry_.LaOwningPostcodeDistrict(district), derby) << district;
  }
  // Whatever the question, no routing answer is a duty endpoint.
  for (const Agency& a : registry_.agencies()) {
    for (const std::string& la : a.covers_las) {
      const Agency* covering = registry_.ForceCoveringLa(la);
      ASSERT_NE(covering, nullptr) << la;
      EXPECT_FALSE(covering->duty_for.has_value()) << la;
      if (const Agency* council = registry_.FindByLaNumber(la)) {
        EXPECT_FALSE(council->duty_for.has_value()) << la;
      }
      if (const Agency* provider = registry_.ProviderCommissionedBy(la)) {
        EXPECT_FALSE(provider->duty_for.has_value()) << la;
      }
    }
    for (const std::string& district : a.postcode_districts) {
      EXPECT_FALSE(registry_.LaOwningPostcodeDistrict(district)->duty_for.has_value()) << district;
    }
  }
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
