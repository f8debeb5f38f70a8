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

// ---- People: console users (docs/console.md) ----

// A console user whose SAN URI is the one their entry gives.
Person Staff(std::string id, PersonRole role, std::string agency_id) {
  Person p;
  p.id = std::move(id);
  p.role = role;
  p.agency_id = std::move(agency_id);
  p.san_uri = PersonSanUri(p.agency_id, p.id);
  return p;
}

std::vector<Person> StokeStaff() {
  return {Staff("gateway-operator", PersonRole::kOperator, ""),
          Staff("stoke-coordinator", PersonRole::kCoordinator, "la-stoke"),
          Staff("staffs-auditor", PersonRole::kAuditor, "police-staffs")};
}

// Create with SmallArea() and `people`; the errors' pointers and codes.
std::vector<std::string> PeopleErrors(std::vector<Person> people) {
  auto registry = AgencyRegistry::Create(SmallArea(), std::move(people));
  if (registry.ok()) return {};
  return PointersAndCodes(registry.error());
}

const std::string kPin = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(PersonSanUri, NamesTheAgencyOrTheGatewayForAnOperator) {
  EXPECT_EQ(PersonSanUri("la-stoke", "stoke-coordinator"),
            "urn:isagw:user:la-stoke:stoke-coordinator");
  EXPECT_EQ(PersonSanUri("", "gateway-operator"), "urn:isagw:user:gateway:gateway-operator");
}

TEST(PersonRoleNames, AreTheWordsTheRegistryFileUses) {
  EXPECT_EQ(kPersonRoleNames.Name(PersonRole::kOperator), "operator");
  EXPECT_EQ(kPersonRoleNames.Name(PersonRole::kCoordinator), "coordinator");
  EXPECT_EQ(kPersonRoleNames.Name(PersonRole::kAuditor), "auditor");
}

TEST(AgencyRegistry, FindsAnOperatorACoordinatorAndAnAuditorByIdAndSanUri) {
  auto registry = AgencyRegistry::Create(SmallArea(), StokeStaff());
  ASSERT_TRUE(registry.ok()) << PointersAndCodes(registry.error()).front();
  ASSERT_EQ(registry->people().size(), 3u);
  for (const Person& p : registry->people()) {
    EXPECT_EQ(registry->FindPersonById(p.id), &p) << p.id;
    EXPECT_EQ(registry->FindPersonBySanUri(p.san_uri), &p) << p.id;
  }
  const Person* op = registry->FindPersonBySanUri("urn:isagw:user:gateway:gateway-operator");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->role, PersonRole::kOperator);
  EXPECT_TRUE(op->agency_id.empty());
  const Person* coordinator = registry->FindPersonById("stoke-coordinator");
  ASSERT_NE(coordinator, nullptr);
  EXPECT_EQ(coordinator->role, PersonRole::kCoordinator);
  EXPECT_EQ(coordinator->agency_id, "la-stoke");
  EXPECT_EQ(coordinator->san_uri, "urn:isagw:user:la-stoke:stoke-coordinator");
  EXPECT_EQ(registry->FindPersonById("staffs-auditor")->role, PersonRole::kAuditor);
  EXPECT_EQ(registry->FindPersonById("nobody"), nullptr);
  EXPECT_EQ(registry->FindPersonBySanUri("urn:isagw:user:la-stoke:nobody"), nullptr);
}

TEST(AgencyRegistry, KeepsPeopleAndAgenciesApart) {
  // An agency's URI never finds a person, nor a person's an agency, even
  // where the ids are the same.
  std::vector<Person> people = {Staff("la-stoke", PersonRole::kCoordinator, "la-stoke")};
  auto registry = AgencyRegistry::Create(SmallArea(), std::move(people));
  ASSERT_TRUE(registry.ok()) << PointersAndCodes(registry.error()).front();
  EXPECT_EQ(registry->FindPersonBySanUri("urn:isagw:agency:la:la-stoke"), nullptr);
  EXPECT_EQ(registry->FindBySanUri("urn:isagw:user:la-stoke:la-stoke"), nullptr);
  EXPECT_EQ(registry->FindById("la-stoke")->kind, AgencyKind::kLocalAuthority);
  EXPECT_EQ(registry->FindPersonById("la-stoke")->role, PersonRole::kCoordinator);
}

TEST(AgencyRegistry, HasNoPeopleUnlessGivenThem) {
  auto registry = AgencyRegistry::Create(SmallArea());
  ASSERT_TRUE(registry.ok());
  EXPECT_TRUE(registry->people().empty());
  EXPECT_EQ(registry->FindPersonBySanUri("urn:isagw:user:gateway:gateway-operator"), nullptr);
  AgencyRegistry empty;
  EXPECT_EQ(empty.FindPersonById("gateway-operator"), nullptr);
  EXPECT_EQ(empty.FindPersonBySanUri("urn:isagw:user:gateway:gateway-operator"), nullptr);
}

TEST(AgencyRegistry, CopiesKeepWorkingPersonLookups) {
  std::optional<AgencyRegistry> copy;
  {
    auto registry = AgencyRegistry::Create(SmallArea(), StokeStaff());
    ASSERT_TRUE(registry.ok());
    copy = registry.value();
  }
  const Person* coordinator = copy->FindPersonBySanUri("urn:isagw:user:la-stoke:stoke-coordinator");
  ASSERT_NE(coordinator, nullptr);
  EXPECT_EQ(coordinator, &copy->people()[1]);
}

TEST(AgencyRegistry, RefusesAnOperatorOfAnAgency) {
  // Operators see the gateway's queues, never an agency's: an agency on one
  // is a mistake, whatever SAN URI it has.
  Person op = Staff("gateway-operator", PersonRole::kOperator, "la-stoke");
  EXPECT_EQ(PeopleErrors({op}), (std::vector<std::string>{"/people/0/agency inconsistent"}));
  op.san_uri = "urn:isagw:user:gateway:gateway-operator";
  EXPECT_EQ(PeopleErrors({op}), (std::vector<std::string>{
                                    "/people/0/agency inconsistent",
                                    "/people/0/identity/san_uri inconsistent",
                                }));
}

TEST(AgencyRegistry, RefusesACoordinatorOrAnAuditorOfNoAgency) {
  // Without an agency nothing bounds what they see.
  for (PersonRole role : {PersonRole::kCoordinator, PersonRole::kAuditor}) {
    EXPECT_EQ(PeopleErrors({Staff("someone", role, "")}),
              (std::vector<std::string>{"/people/0/agency required"}))
        << *kPersonRoleNames.Name(role);
  }
}

TEST(AgencyRegistry, RefusesStaffOfAnAgencyNotInTheRegistry) {
  std::vector<Person> people = StokeStaff();
  people.push_back(Staff("derby-auditor", PersonRole::kAuditor, "la-derby"));
  auto registry = AgencyRegistry::Create(SmallArea(), std::move(people));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error(), (FieldErrors{{"/people/3/agency", "unknown_reference",
                                            "no agency in the registry has this id"}}));
}

TEST(AgencyRegistry, RefusesStaffOfADutyEndpoint) {
  // A duty endpoint stands in for Stoke: Stoke's staff belong to Stoke.
  std::vector<Agency> agencies = SmallArea();
  agencies[2].duty_contacts = {"stoke-edt"};
  agencies.push_back(DutyEndpoint("stoke-edt", agencies[2]));
  auto registry = AgencyRegistry::Create(
      std::move(agencies), {Staff("edt-coordinator", PersonRole::kCoordinator, "stoke-edt")});
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(PointersAndCodes(registry.error()),
            (std::vector<std::string>{"/people/0/agency inconsistent"}));
}

TEST(AgencyRegistry, RefusesAPersonSanUriOtherThanTheOneTheirEntryGives) {
  // The SAN URI names the agency: a certificate for Stoke's coordinator
  // must not read as another agency's, nor as the gateway's.
  for (const char* uri :
       {"urn:isagw:user:la-staffordshire:stoke-coordinator",
        "urn:isagw:user:gateway:stoke-coordinator", "urn:isagw:user:la-stoke:stoke-auditor",
        "urn:isagw:agency:la:stoke-coordinator", "urn:isagw:user:LA-STOKE:stoke-coordinator",
        "urn:isagw:user:la-stoke:stoke-coordinator:x",
        "urn:isagw:user:la-stoke:stoke-coordinator "}) {
    Person p = Staff("stoke-coordinator", PersonRole::kCoordinator, "la-stoke");
    p.san_uri = uri;
    EXPECT_EQ(PeopleErrors({p}),
              (std::vector<std::string>{"/people/0/identity/san_uri inconsistent"}))
        << uri;
  }
  Person missing = Staff("stoke-coordinator", PersonRole::kCoordinator, "la-stoke");
  missing.san_uri.clear();
  EXPECT_EQ(PeopleErrors({missing}),
            (std::vector<std::string>{"/people/0/identity/san_uri required"}));
}

TEST(AgencyRegistry, RefusesABadPersonId) {
  // Ids go in the audit and in SAN URIs: the agency id rule, so no ':'
  // can split a SAN URI another way.
  for (const std::string& id :
       std::vector<std::string>{"", "x", "Stoke-coordinator", "1stoke", "-stoke", "stoke_coord",
                                "stoke:coordinator", std::string(64, 'a')}) {
    EXPECT_EQ(PeopleErrors({Staff(id, PersonRole::kCoordinator, "la-stoke")}),
              (std::vector<std::string>{"/people/0/id pattern"}))
        << '"' << id << '"';
  }
  EXPECT_EQ(PeopleErrors({Staff(std::string(63, 'a'), PersonRole::kCoordinator, "la-stoke")}),
            std::vector<std::string>{});
}

TEST(AgencyRegistry, RefusesADuplicatePersonId) {
  // Ids are who the audit says did it: two people, one id, is no record.
  std::vector<Person> people = StokeStaff();
  people.push_back(Staff("stoke-coordinator", PersonRole::kAuditor, "police-staffs"));
  auto registry = AgencyRegistry::Create(SmallArea(), std::move(people));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(
      registry.error(),
      (FieldErrors{{"/people/3/id", "duplicate", "this id is already claimed by people[1]"}}));
}

TEST(AgencyRegistry, RefusesADuplicatePersonSanUri) {
  // One certificate, two entries: which role it has would depend on order.
  std::vector<Person> people = StokeStaff();
  Person copy = Staff("stoke-auditor", PersonRole::kAuditor, "la-stoke");
  copy.san_uri = people[1].san_uri;
  people.push_back(copy);
  auto registry = AgencyRegistry::Create(SmallArea(), std::move(people));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error(),
            (FieldErrors{{"/people/3/identity/san_uri", "inconsistent",
                          "must be urn:isagw:user:<agency>:<id> with this entry's agency (gateway "
                          "for an operator) and id"},
                         {"/people/3/identity/san_uri", "duplicate",
                          "this SAN URI is already claimed by people[1]"}}));
}

TEST(AgencyRegistry, RefusesAPersonPinningAnAgencysCertificate) {
  // One certificate is one identity: an agency's certificate must never
  // also open the console.
  std::vector<Agency> agencies = SmallArea();
  agencies[2].sha256_pin = kPin;
  Person p = Staff("stoke-coordinator", PersonRole::kCoordinator, "la-stoke");
  p.sha256_pin = kPin;
  auto registry = AgencyRegistry::Create(std::move(agencies), {p});
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error(),
            (FieldErrors{{"/people/0/identity/sha256", "duplicate",
                          "this fingerprint is already claimed by agencies[2]"}}));
}

TEST(AgencyRegistry, AcceptsPeoplePinningCertificatesOfTheirOwn) {
  std::vector<Person> people = StokeStaff();
  people[1].sha256_pin = kPin;
  people[2].sha256_pin = std::string(64, 'f');
  auto registry = AgencyRegistry::Create(SmallArea(), std::move(people));
  ASSERT_TRUE(registry.ok()) << PointersAndCodes(registry.error()).front();
  EXPECT_EQ(registry->FindPersonById("stoke-coordinator")->sha256_pin, kPin);
}

// DISABLED: fails today. Create's comment promises people's pins are
// unique, but only a person-agency clash is checked
// (agency_registry.cc, the claim_person loop). Enable once fixed.
TEST(AgencyRegistry, RefusesTwoPeoplePinningOneCertificate) {
  std::vector<Person> people = StokeStaff();
  people[1].sha256_pin = kPin;
  people[2].sha256_pin = kPin;
  EXPECT_EQ(PeopleErrors(std::move(people)),
            (std::vector<std::string>{"/people/2/identity/sha256 duplicate"}));
}

// DISABLED: fails today. An agency's pin in another form than
// NormaliseSha256Fingerprint's is refused ("pattern"); a person's is
// accepted by Create and then never equals a certificate's fingerprint
// (agency_registry.cc CheckPeople has no pin check). Enable once fixed.
TEST(AgencyRegistry, RefusesAPersonPinNotInNormalForm) {
  Person p = Staff("stoke-coordinator", PersonRole::kCoordinator, "la-stoke");
  p.sha256_pin = "AB:CD";
  EXPECT_EQ(PeopleErrors({p}), (std::vector<std::string>{"/people/0/identity/sha256 pattern"}));
}

TEST(AgencyRegistry, ReportsAgencyErrorsBeforePeoplesAndEveryPersonsOwn) {
  std::vector<Agency> agencies = SmallArea();
  agencies[1].name.clear();
  std::vector<Person> people = StokeStaff();
  people[0].agency_id = "la-stoke";
  people[0].san_uri = PersonSanUri("la-stoke", people[0].id);
  people[2].agency_id = "police-nowhere";
  people[2].san_uri = PersonSanUri("police-nowhere", people[2].id);
  auto registry = AgencyRegistry::Create(std::move(agencies), std::move(people));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(PointersAndCodes(registry.error()), (std::vector<std::string>{
                                                    "/agencies/1/name empty",
                                                    "/people/0/agency inconsistent",
                                                    "/people/2/agency unknown_reference",
                                                }));
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

TEST_F(ExampleRegistry, HoldsTheExampleConsoleUsers) {
  ASSERT_EQ(registry_.people().size(), 23u);
  const Person* op = registry_.FindPersonById("gateway-operator");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->role, PersonRole::kOperator);
  EXPECT_TRUE(op->agency_id.empty());
  EXPECT_EQ(registry_.FindPersonBySanUri("urn:isagw:user:gateway:gateway-operator"), op);
  const Person* coordinator = registry_.FindPersonById("la-derby-coordinator");
  ASSERT_NE(coordinator, nullptr);
  EXPECT_EQ(coordinator->role, PersonRole::kCoordinator);
  EXPECT_EQ(coordinator->agency_id, "la-derby");
  EXPECT_EQ(registry_.FindPersonBySanUri("urn:isagw:user:la-derby:la-derby-coordinator"),
            coordinator);
  EXPECT_EQ(registry_.FindPersonById("la-derby-auditor")->role, PersonRole::kAuditor);
  // make-certs.sh makes person-<id>.crt with the SAN URI PersonSanUri
  // gives; a coordinator and an auditor of each council and police force,
  // none for providers or duty endpoints.
  for (const Person& p : registry_.people()) {
    EXPECT_EQ(p.san_uri, PersonSanUri(p.agency_id, p.id)) << p.id;
    EXPECT_FALSE(p.sha256_pin.has_value()) << p.id;
  }
  for (const Agency& a : registry_.agencies()) {
    const bool staffed = !a.duty_for && a.kind != AgencyKind::kProvider;
    for (const char* role : {"coordinator", "auditor"}) {
      const Person* p = registry_.FindPersonById(a.id + "-" + role);
      if (!staffed) {
        EXPECT_EQ(p, nullptr) << a.id << " " << role;
        continue;
      }
      ASSERT_NE(p, nullptr) << a.id << " " << role;
      EXPECT_EQ(p->agency_id, a.id);
      EXPECT_EQ(kPersonRoleNames.Name(p->role), role);
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
