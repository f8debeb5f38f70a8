#include "gateway/registry/registry_loader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/common/temp_dir.h"

namespace isagw::registry {
namespace {

using config::ConfigError;
using config::ConfigErrors;
using isagw::testing::Replace;
using isagw::testing::ScratchDir;

// Three agencies, one of each kind. The line numbers matter: tests below
// expect errors on them.
constexpr std::string_view kBase = R"(version: 1
agencies:
  - id: police-derbys
    kind: police_force
    name: Derbyshire Constabulary
    codes: {force_code: DERBYS}
    identity: {san_uri: "urn:isagw:agency:police:derbys"}
    formats: {sends: [compact], receives: [compact]}
    delivery: {mode: mailbox}
    routing: {covers_las: ["831", "830"]}
  - id: la-derby
    kind: local_authority
    name: Derby City Council
    codes: {la_number: "831", gss_code: E06000015}
    identity: {san_uri: "urn:isagw:agency:la:derby"}
    formats: {sends: [council-xml], receives: [council-xml]}
    delivery: {mode: mailbox}
    routing: {postcode_districts: [DE1, DE22]}
  - id: provider-bf
    kind: provider
    name: Brighter Futures
    identity: {san_uri: "urn:isagw:agency:provider:bf"}
    formats: {sends: [rhi], receives: [canonical]}
    delivery: {mode: mailbox}
    routing: {commissioned_by: ["831"]}
)";

class RegistryLoader : public ::testing::Test {
 protected:
  Result<AgencyRegistry, ConfigErrors> Load(std::string_view text) {
    file_ = dir_.Write("registry.yaml", text);
    return LoadAgencyRegistry(file_);
  }

  // Loads `text` and expects exactly one error.
  ConfigError OnlyError(std::string_view text) {
    auto loaded = Load(text);
    EXPECT_FALSE(loaded.ok());
    if (loaded.ok()) return {};
    EXPECT_EQ(loaded.error().size(), 1u) << config::ToString(loaded.error());
    return loaded.error().front();
  }

  void ExpectError(const ConfigError& e, int line, std::string_view key, std::string_view code) {
    EXPECT_EQ(e.file, file_.string());
    EXPECT_EQ(e.line, line) << e.ToString();
    EXPECT_EQ(e.key, key) << e.ToString();
    EXPECT_EQ(e.code, code) << e.ToString();
  }

  ScratchDir dir_;
  std::filesystem::path file_;
};

TEST_F(RegistryLoader, LoadsAValidRegistry) {
  auto loaded = Load(kBase);
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  ASSERT_EQ(loaded->agencies().size(), 3u);
  const Agency* police = loaded->FindById("police-derbys");
  ASSERT_NE(police, nullptr);
  EXPECT_EQ(police->kind, AgencyKind::kPoliceForce);
  EXPECT_EQ(police->force_code, "DERBYS");
  EXPECT_EQ(police->san_uri, "urn:isagw:agency:police:derbys");
  EXPECT_FALSE(police->sha256_pin.has_value());
  EXPECT_TRUE(police->Sends(adapters::Format::kCompact));
  EXPECT_FALSE(police->Receives(adapters::Format::kRhi));
  EXPECT_EQ(police->delivery, DeliveryMode::kMailbox);
  EXPECT_FALSE(police->lenient);
  EXPECT_FALSE(police->rate_limit.has_value());
  EXPECT_EQ(loaded->ForceCoveringLa("830"), police);
}

TEST_F(RegistryLoader, NamesFileLineAndKeyInTheMessage) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), R"(la_number: "831")", R"(la_number: "83")"));
  EXPECT_EQ(e.ToString(),
            file_.string() + ":14: agencies[1].codes.la_number: must be three digits");
  EXPECT_EQ(e.code, "la_number");
}

TEST_F(RegistryLoader, RefusesAnLaNumberWrittenAsANumber) {
  ConfigError e = OnlyError(Replace(std::string(kBase), R"(la_number: "831")", "la_number: 831"));
  ExpectError(e, 14, "agencies[1].codes.la_number", "type");
}

TEST_F(RegistryLoader, RefusesUnknownKeysOfAnAgency) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "    name: Derby City Council\n",
                                    "    name: Derby City Council\n    colour: blue\n"));
  ExpectError(e, 14, "agencies[1].colour", "unknown_field");
}

TEST_F(RegistryLoader, RefusesUnknownKeysInsideCodes) {
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "{force_code: DERBYS}", R"({force_code: DERBYS, shoe: "9"})"));
  ExpectError(e, 6, "agencies[0].codes.shoe", "unknown_field");
}

TEST_F(RegistryLoader, RefusesUnknownTopLevelKeys) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "version: 1\n", "version: 1\nextra: true\n"));
  ExpectError(e, 2, "extra", "unknown_field");
}

TEST_F(RegistryLoader, RequiresTheKindAtTheAgencysFirstLine) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "    kind: provider\n", ""));
  ExpectError(e, 19, "agencies[2].kind", "required");
}

TEST_F(RegistryLoader, RefusesAnUnknownKind) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "kind: provider", "kind: charity"));
  ExpectError(e, 20, "agencies[2].kind", "enum");
  EXPECT_EQ(e.reason, "must be one of police_force, local_authority, provider");
}

TEST_F(RegistryLoader, RefusesADuplicateId) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "id: provider-bf", "id: police-derbys"));
  ExpectError(e, 19, "agencies[2].id", "duplicate");
}

TEST_F(RegistryLoader, RefusesADuplicateSanUri) {
  std::string text = std::string(kBase) + R"(  - id: provider-copy
    kind: provider
    name: Copy
    identity: {san_uri: "urn:isagw:agency:provider:bf"}
    formats: {sends: [rhi]}
    delivery: {mode: mailbox}
    routing: {commissioned_by: ["831"]}
)";
  auto loaded = Load(text);
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], 29, "agencies[3].identity.san_uri", "duplicate");
  ExpectError(loaded.error()[1], 32, "agencies[3].routing.commissioned_by[0]", "duplicate");
}

TEST_F(RegistryLoader, RefusesASanUriOfAnotherKind) {
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "urn:isagw:agency:la:derby", "urn:isagw:agency:police:derby"));
  ExpectError(e, 15, "agencies[1].identity.san_uri", "inconsistent");
}

TEST_F(RegistryLoader, RefusesASanUriOutsideTheAgencyNamespace) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "urn:isagw:agency:la:derby", "https://derby.example/"));
  ExpectError(e, 15, "agencies[1].identity.san_uri", "pattern");
}

TEST_F(RegistryLoader, RefusesAMalformedFingerprintPin) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), R"({san_uri: "urn:isagw:agency:police:derbys"})",
                        R"({san_uri: "urn:isagw:agency:police:derbys", sha256: "ab:cd"})"));
  ExpectError(e, 7, "agencies[0].identity.sha256", "pattern");
}

TEST_F(RegistryLoader, AcceptsAPinWithColonsInEitherCase) {
  const std::string pin =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
      "67:89";
  auto loaded =
      Load(Replace(std::string(kBase), R"({san_uri: "urn:isagw:agency:police:derbys"})",
                   R"({san_uri: "urn:isagw:agency:police:derbys", sha256: ")" + pin + R"("})"));
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  EXPECT_EQ(loaded->FindById("police-derbys")->sha256_pin,
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
}

TEST_F(RegistryLoader, RefusesAnUnknownFormatNamingTheListItem) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "sends: [rhi]", "sends: [rhi, pdf]"));
  ExpectError(e, 23, "agencies[2].formats.sends[1]", "enum");
}

TEST_F(RegistryLoader, RequiresAnEndpointForPushDelivery) {
  auto loaded =
      Load(Replace(std::string(kBase), "    delivery: {mode: mailbox}\n    routing: {postcode",
                   "    delivery: {mode: push}\n    routing: {postcode"));
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], 17, "agencies[1].delivery.url", "required");
  ExpectError(loaded.error()[1], 17, "agencies[1].delivery.ca_file", "required");
}

TEST_F(RegistryLoader, RefusesAPushUrlThatIsNotHttps) {
  dir_.Write("receiver-ca.crt", "placeholder");
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "    delivery: {mode: mailbox}\n    routing: {postcode",
                        "    delivery:\n      mode: push\n      url: http://localhost:9443/in\n"
                        "      ca_file: receiver-ca.crt\n    routing: {postcode"));
  ExpectError(e, 19, "agencies[1].delivery.url", "pattern");
}

TEST_F(RegistryLoader, RefusesAPushCaFileThatDoesNotExist) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "    delivery: {mode: mailbox}\n    routing: {postcode",
                        "    delivery:\n      mode: push\n      url: https://localhost:9443/in\n"
                        "      ca_file: missing/receiver-ca.crt\n    routing: {postcode"));
  ExpectError(e, 20, "agencies[1].delivery.ca_file", "not_found");
}

TEST_F(RegistryLoader, ResolvesPushCaFilesFromTheRegistrysDirectory) {
  dir_.Write("certs/receiver-ca.crt", "placeholder");
  auto loaded =
      Load(Replace(std::string(kBase), "    delivery: {mode: mailbox}\n    routing: {postcode",
                   "    delivery:\n      mode: push\n      url: https://localhost:9443/in\n"
                   "      ca_file: certs/receiver-ca.crt\n    routing: {postcode"));
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const Agency* la = loaded->FindById("la-derby");
  ASSERT_TRUE(la->push.has_value());
  EXPECT_EQ(la->delivery, DeliveryMode::kPush);
  EXPECT_EQ(la->push->ca_file, dir_.path() / "certs/receiver-ca.crt");
  EXPECT_EQ(la->push->url, "https://localhost:9443/in");
  // server_name defaults to the URL's host.
  EXPECT_EQ(la->push->server_name, "localhost");
}

TEST_F(RegistryLoader, RefusesAnEndpointForMailboxDelivery) {
  ConfigError e =
      OnlyError(Replace(std::string(kBase), "delivery: {mode: mailbox}\n    routing: {covers",
                        "delivery: {mode: mailbox, url: \"https://x/\"}\n    routing: {covers"));
  ExpectError(e, 9, "agencies[0].delivery.url", "unknown_field");
}

TEST_F(RegistryLoader, RefusesADuplicateYamlKey) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "    name: Brighter Futures\n",
                                    "    name: Brighter Futures\n    name: Again\n"));
  ExpectError(e, 22, "agencies[2].name", "duplicate_key");
}

TEST_F(RegistryLoader, RefusesAnLaNumberOnAPoliceForce) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "{force_code: DERBYS}",
                                    R"({force_code: DERBYS, la_number: "830"})"));
  ExpectError(e, 6, "agencies[0].codes.la_number", "inconsistent");
}

TEST_F(RegistryLoader, RefusesAProviderCommissionedByAnLaNotInTheRegistry) {
  ConfigError e = OnlyError(Replace(std::string(kBase), R"(commissioned_by: ["831"])",
                                    R"(commissioned_by: ["831", "999"])"));
  ExpectError(e, 25, "agencies[2].routing.commissioned_by[1]", "unknown_reference");
}

TEST_F(RegistryLoader, RefusesALowerCasePostcodeDistrict) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "[DE1, DE22]", "[DE1, de22]"));
  ExpectError(e, 18, "agencies[1].routing.postcode_districts[1]", "postcode");
}

TEST_F(RegistryLoader, RequiresAPoliceForcesArea) {
  ConfigError e = OnlyError(Replace(std::string(kBase), R"({covers_las: ["831", "830"]})", "{}"));
  ExpectError(e, 10, "agencies[0].routing.covers_las", "required");
}

TEST_F(RegistryLoader, RefusesAnLaCoveredByTwoForces) {
  std::string text = std::string(kBase) + R"(  - id: police-staffs
    kind: police_force
    name: Staffordshire Police
    codes: {force_code: STAFFS}
    identity: {san_uri: "urn:isagw:agency:police:staffs"}
    formats: {sends: [compact]}
    delivery: {mode: mailbox}
    routing: {covers_las: ["860", "831"]}
)";
  ConfigError e = OnlyError(text);
  ExpectError(e, 33, "agencies[3].routing.covers_las[1]", "duplicate");
  EXPECT_EQ(e.reason, "this LA is already claimed by agencies[0]");
}

TEST_F(RegistryLoader, RefusesAnotherLayoutVersion) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "version: 1", "version: 2"));
  ExpectError(e, 1, "version", "range");
}

TEST_F(RegistryLoader, AcceptsOnlyTrueOrFalseForLenient) {
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "    delivery: {mode: mailbox}\n    routing: {commissioned",
              "    delivery: {mode: mailbox}\n    lenient: yes\n    routing: {commissioned"));
  ExpectError(e, 25, "agencies[2].lenient", "type");
}

TEST_F(RegistryLoader, ChecksRateLimitRanges) {
  ConfigError e = OnlyError(Replace(std::string(kBase),
                                    "    delivery: {mode: mailbox}\n    routing: {commissioned",
                                    "    delivery: {mode: mailbox}\n"
                                    "    rate_limit: {requests_per_second: 5, burst: 0}\n"
                                    "    routing: {commissioned"));
  ExpectError(e, 25, "agencies[2].rate_limit.burst", "range");
}

TEST_F(RegistryLoader, ReadsRateLimitsAndLenience) {
  auto loaded =
      Load(Replace(std::string(kBase), "    delivery: {mode: mailbox}\n    routing: {commissioned",
                   "    delivery: {mode: mailbox}\n    lenient: true\n"
                   "    rate_limit: {requests_per_second: 2.5, burst: 7}\n"
                   "    routing: {commissioned"));
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const Agency* provider = loaded->FindById("provider-bf");
  EXPECT_TRUE(provider->lenient);
  EXPECT_EQ(provider->rate_limit, (RateLimit{2.5, 7}));
}

TEST_F(RegistryLoader, ReportsSyntaxErrorsWithTheirLine) {
  ConfigError e = OnlyError(Replace(std::string(kBase), "[DE1, DE22]}", "[DE1, DE22}"));
  EXPECT_EQ(e.code, "syntax");
  EXPECT_GE(e.line, 18);
  EXPECT_EQ(e.file, file_.string());
}

TEST_F(RegistryLoader, RefusesADocumentThatIsNotAMapping) {
  ConfigError e = OnlyError("- just\n- a list\n");
  ExpectError(e, 1, "", "type");
}

TEST_F(RegistryLoader, RefusesAnEmptyAgencyList) {
  ConfigError e = OnlyError("version: 1\nagencies: []\n");
  ExpectError(e, 2, "agencies", "empty");
}

TEST_F(RegistryLoader, RefusesAMissingFile) {
  auto loaded = LoadAgencyRegistry(dir_.path() / "nowhere.yaml");
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_EQ(loaded.error()[0].code, "not_found");
  EXPECT_EQ(loaded.error()[0].line, 0);
  EXPECT_EQ(loaded.error()[0].file, (dir_.path() / "nowhere.yaml").string());
}

TEST_F(RegistryLoader, ReportsEveryErrorInLineOrder) {
  std::string text = Replace(std::string(kBase), "sends: [rhi]", "sends: [rhi, pdf]");
  text = Replace(text, R"(la_number: "831")", R"(la_number: "83")");
  text = Replace(text, "kind: police_force", "kind: police");
  auto loaded = Load(text);
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 3u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], 4, "agencies[0].kind", "enum");
  ExpectError(loaded.error()[1], 14, "agencies[1].codes.la_number", "la_number");
  ExpectError(loaded.error()[2], 23, "agencies[2].formats.sends[1]", "enum");
}

TEST_F(RegistryLoader, NeverQuotesTheValueInAnError) {
  const std::string secret = "Sensitive Name Smith";
  ConfigError e = OnlyError(
      Replace(std::string(kBase), "{force_code: DERBYS}", "{force_code: \"" + secret + "\"}"));
  ExpectError(e, 6, "agencies[0].codes.force_code", "too_long");
  EXPECT_EQ(e.ToString().find("Smith"), std::string::npos);
}

// ---- People: console users (docs/console.md) ----

// kBase and three people after it. The line numbers matter: kBase ends
// on line 25, so "people:" is line 26.
constexpr std::string_view kPeople = R"(people:
  - id: gateway-operator
    role: operator
    identity: {san_uri: "urn:isagw:user:gateway:gateway-operator"}
  - id: derby-coordinator
    role: coordinator
    agency: la-derby
    identity: {san_uri: "urn:isagw:user:la-derby:derby-coordinator"}
  - id: derby-auditor
    role: auditor
    agency: la-derby
    identity:
      san_uri: "urn:isagw:user:la-derby:derby-auditor"
      sha256: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
)";

std::string WithPeople() { return std::string(kBase) + std::string(kPeople); }

TEST_F(RegistryLoader, ReadsPeople) {
  auto loaded = Load(WithPeople());
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  ASSERT_EQ(loaded->people().size(), 3u);
  const Person& op = loaded->people()[0];
  EXPECT_EQ(op.id, "gateway-operator");
  EXPECT_EQ(op.role, PersonRole::kOperator);
  EXPECT_TRUE(op.agency_id.empty());
  EXPECT_EQ(op.san_uri, "urn:isagw:user:gateway:gateway-operator");
  EXPECT_FALSE(op.sha256_pin.has_value());
  const Person* coordinator =
      loaded->FindPersonBySanUri("urn:isagw:user:la-derby:derby-coordinator");
  ASSERT_NE(coordinator, nullptr);
  EXPECT_EQ(coordinator->id, "derby-coordinator");
  EXPECT_EQ(coordinator->role, PersonRole::kCoordinator);
  EXPECT_EQ(coordinator->agency_id, "la-derby");
  const Person* auditor = loaded->FindPersonById("derby-auditor");
  ASSERT_NE(auditor, nullptr);
  EXPECT_EQ(auditor->role, PersonRole::kAuditor);
  // Pins are kept as Sha256Fingerprint gives them, as agencies' are.
  EXPECT_EQ(auditor->sha256_pin,
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
}

TEST_F(RegistryLoader, ReadsARegistryWithoutPeopleOrWithAnEmptyList) {
  auto none = Load(kBase);
  ASSERT_TRUE(none.ok()) << config::ToString(none.error());
  EXPECT_TRUE(none->people().empty());
  auto empty = Load(std::string(kBase) + "people: []\n");
  ASSERT_TRUE(empty.ok()) << config::ToString(empty.error());
  EXPECT_TRUE(empty->people().empty());
}

TEST_F(RegistryLoader, RefusesUnknownKeysOfAPerson) {
  // A name, say: the registry holds roles, never who people are.
  const std::string secret = "Jane Smith";
  ConfigError e = OnlyError(Replace(WithPeople(), "    role: coordinator\n",
                                    "    role: coordinator\n    name: " + secret + "\n"));
  ExpectError(e, 32, "people[1].name", "unknown_field");
  EXPECT_EQ(e.ToString().find("Smith"), std::string::npos);
}

TEST_F(RegistryLoader, RefusesUnknownKeysInsideAPersonsIdentity) {
  ConfigError e =
      OnlyError(Replace(WithPeople(), R"({san_uri: "urn:isagw:user:la-derby:derby-coordinator"})",
                        R"({san_uri: "urn:isagw:user:la-derby:derby-coordinator", cn: x})"));
  ExpectError(e, 33, "people[1].identity.cn", "unknown_field");
}

TEST_F(RegistryLoader, RefusesAnUnknownRoleNamingTheAllowedOnes) {
  ConfigError e = OnlyError(Replace(WithPeople(), "role: coordinator", "role: admin"));
  ExpectError(e, 31, "people[1].role", "enum");
  EXPECT_EQ(e.reason, "must be one of operator, coordinator, auditor");
}

TEST_F(RegistryLoader, RequiresAPersonsRoleAndIdentity) {
  auto loaded =
      Load(Replace(Replace(WithPeople(), "    role: coordinator\n", ""),
                   "    identity: {san_uri: \"urn:isagw:user:gateway:gateway-operator\"}\n", ""));
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], 27, "people[0].identity", "required");
  ExpectError(loaded.error()[1], 29, "people[1].role", "required");
}

TEST_F(RegistryLoader, RefusesAnOperatorOfAnAgencyOnItsLines) {
  auto loaded = Load(
      Replace(WithPeople(), "    role: operator\n", "    role: operator\n    agency: la-derby\n"));
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], 29, "people[0].agency", "inconsistent");
  ExpectError(loaded.error()[1], 30, "people[0].identity.san_uri", "inconsistent");
}

TEST_F(RegistryLoader, RefusesACoordinatorOfNoAgency) {
  std::string text = Replace(WithPeople(), "    role: coordinator\n    agency: la-derby\n",
                             "    role: coordinator\n");
  text = Replace(text, "urn:isagw:user:la-derby:derby-coordinator",
                 "urn:isagw:user:gateway:derby-coordinator");
  ConfigError e = OnlyError(text);
  ExpectError(e, 30, "people[1].agency", "required");
}

TEST_F(RegistryLoader, RefusesStaffOfAnAgencyNotInTheRegistry) {
  std::string text = Replace(WithPeople(),
                             "    agency: la-derby\n    identity: {san_uri: "
                             "\"urn:isagw:user:la-derby:derby-coordinator\"}",
                             "    agency: la-derbi\n    identity: {san_uri: "
                             "\"urn:isagw:user:la-derbi:derby-coordinator\"}");
  ConfigError e = OnlyError(text);
  ExpectError(e, 32, "people[1].agency", "unknown_reference");
}

TEST_F(RegistryLoader, RefusesAPersonSanUriNamingAnotherAgency) {
  ConfigError e = OnlyError(Replace(WithPeople(), "urn:isagw:user:la-derby:derby-coordinator",
                                    "urn:isagw:user:police-derbys:derby-coordinator"));
  ExpectError(e, 33, "people[1].identity.san_uri", "inconsistent");
}

TEST_F(RegistryLoader, RefusesADuplicatePersonId) {
  std::string text = Replace(WithPeople(), "id: derby-auditor", "id: derby-coordinator");
  text = Replace(text, "urn:isagw:user:la-derby:derby-auditor",
                 "urn:isagw:user:la-derby:derby-coordinator");
  auto loaded = Load(text);
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), 2u) << config::ToString(loaded.error());
  ExpectError(loaded.error()[0], 34, "people[2].id", "duplicate");
  ExpectError(loaded.error()[1], 38, "people[2].identity.san_uri", "duplicate");
}

TEST_F(RegistryLoader, RefusesABadPersonId) {
  std::string text = Replace(WithPeople(), "id: derby-auditor", "id: Derby_Auditor");
  text = Replace(text, "urn:isagw:user:la-derby:derby-auditor",
                 "urn:isagw:user:la-derby:Derby_Auditor");
  ConfigError e = OnlyError(text);
  ExpectError(e, 34, "people[2].id", "pattern");
}

TEST_F(RegistryLoader, RefusesAMalformedPersonPin) {
  ConfigError e =
      OnlyError(Replace(WithPeople(), "sha256: \"AB:CD:EF:01:23", "sha256: \"AB:CD:EF:01:2X"));
  ExpectError(e, 39, "people[2].identity.sha256", "pattern");
}

TEST_F(RegistryLoader, RefusesAPersonPinningAnAgencysCertificate) {
  const std::string pin = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
  ConfigError e = OnlyError(
      Replace(WithPeople(), R"({san_uri: "urn:isagw:agency:police:derbys"})",
              R"({san_uri: "urn:isagw:agency:police:derbys", sha256: ")" + pin + R"("})"));
  ExpectError(e, 39, "people[2].identity.sha256", "duplicate");
}

TEST_F(RegistryLoader, DoesNotBlameAPersonThatDidNotReadAgain) {
  // An id that is not text reads as none: it is not also a bad pattern
  // or the wrong SAN URI.
  ConfigError e = OnlyError(Replace(WithPeople(), "id: derby-coordinator", "id: [derby]"));
  ExpectError(e, 30, "people[1].id", "type");
}

TEST_F(RegistryLoader, RefusesPeopleThatAreNotAList) {
  ConfigError e = OnlyError(std::string(kBase) + "people: {id: gateway-operator}\n");
  ExpectError(e, 26, "people", "type");
}

// ---- Duty contacts (urgent alerts, issue 11) ----

// Derby with two duty endpoints, as in the example registry. The line
// numbers matter: the refusals below expect errors on them.
constexpr std::string_view kDuty = R"(version: 1
agencies:
  - id: police-derbys
    kind: police_force
    name: Derbyshire Constabulary
    codes: {force_code: DERBYS}
    identity: {san_uri: "urn:isagw:agency:police:derbys"}
    formats: {sends: [compact], receives: [compact]}
    delivery: {mode: mailbox}
    routing: {covers_las: ["831", "830"]}
  - id: la-derby
    kind: local_authority
    name: Derby City Council
    codes: {la_number: "831", gss_code: E06000015}
    identity: {san_uri: "urn:isagw:agency:la:derby"}
    formats: {sends: [council-xml], receives: [council-xml]}
    delivery: {mode: mailbox}
    routing: {postcode_districts: [DE1, DE22]}
    duty_contacts: [la-derby-edt, la-derby-hos]
  - id: la-derby-edt
    kind: local_authority
    name: Derby Emergency Duty Team
    duty_for: la-derby
    identity: {san_uri: "urn:isagw:agency:la:derby-edt"}
    formats: {receives: [council-xml]}
    delivery: {mode: mailbox}
  - id: la-derby-hos
    kind: local_authority
    name: Derby Head of Service
    duty_for: la-derby
    identity: {san_uri: "urn:isagw:agency:la:derby-hos"}
    formats: {receives: [council-xml]}
    delivery: {mode: mailbox}
  - id: provider-bf
    kind: provider
    name: Brighter Futures
    identity: {san_uri: "urn:isagw:agency:provider:bf"}
    formats: {sends: [rhi], receives: [canonical]}
    delivery: {mode: mailbox}
    routing: {commissioned_by: ["831"]}
)";

// Lines of kDuty that the edits below change.
constexpr std::string_view kContacts = "duty_contacts: [la-derby-edt, la-derby-hos]";
constexpr std::string_view kHosEntry = R"(  - id: la-derby-hos
    kind: local_authority
    name: Derby Head of Service
    duty_for: la-derby
    identity: {san_uri: "urn:isagw:agency:la:derby-hos"}
    formats: {receives: [council-xml]}
    delivery: {mode: mailbox}
)";
constexpr std::string_view kEdtDutyFor =
    "    duty_for: la-derby\n    identity: {san_uri: \"urn:isagw:agency:la:derby-edt\"}\n";
constexpr std::string_view kHosDutyFor =
    "duty_for: la-derby\n    identity: {san_uri: "
    "\"urn:isagw:agency:la:derby-hos\"}";
constexpr std::string_view kEdtFormats =
    "derby-edt\"}\n    formats: {receives: [council-xml]}\n    delivery: {mode: mailbox}\n";

TEST_F(RegistryLoader, ReadsDutyContactsAndDutyEndpoints) {
  auto loaded = Load(kDuty);
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const Agency* derby = loaded->FindById("la-derby");
  ASSERT_NE(derby, nullptr);
  EXPECT_EQ(derby->duty_contacts, (std::vector<std::string>{"la-derby-edt", "la-derby-hos"}));
  EXPECT_FALSE(derby->duty_for.has_value());
  const Agency* edt = loaded->FindById("la-derby-edt");
  ASSERT_NE(edt, nullptr);
  EXPECT_EQ(edt->duty_for, "la-derby");
  EXPECT_TRUE(edt->duty_contacts.empty());
  EXPECT_TRUE(edt->la_number.empty());
  EXPECT_TRUE(edt->postcode_districts.empty());
  EXPECT_TRUE(edt->sends.empty());
  EXPECT_EQ(edt->receives, (std::vector<adapters::Format>{adapters::Format::kCouncilXml}));
  EXPECT_EQ(loaded->DutyContact(*derby, 0), edt);
  EXPECT_EQ(loaded->DutyContact(*derby, 1), loaded->FindById("la-derby-hos"));
  EXPECT_EQ(loaded->DutyContact(*derby, 2), nullptr);
  EXPECT_EQ(loaded->DutyContact(*edt, 0), nullptr);
  // Routing still finds Derby itself, never its duty endpoints.
  EXPECT_EQ(loaded->FindByLaNumber("831"), derby);
  EXPECT_EQ(loaded->LaOwningPostcodeDistrict("DE22"), derby);
  EXPECT_EQ(loaded->FindBySanUri("urn:isagw:agency:la:derby-edt"), edt);
}

TEST_F(RegistryLoader, AcceptsADutyEndpointThatPushesWithAnEmptySendsList) {
  dir_.Write("edt-ca.crt", "placeholder");
  auto loaded = Load(Replace(std::string(kDuty), kEdtFormats,
                             "derby-edt\"}\n    formats: {sends: [], receives: [council-xml]}\n"
                             "    delivery:\n      mode: push\n"
                             "      url: https://edt.example:9443/in\n"
                             "      ca_file: edt-ca.crt\n"
                             "    rate_limit: {requests_per_second: 1, burst: 2}\n"));
  ASSERT_TRUE(loaded.ok()) << config::ToString(loaded.error());
  const Agency* edt = loaded->FindById("la-derby-edt");
  EXPECT_EQ(edt->delivery, DeliveryMode::kPush);
  EXPECT_EQ(edt->rate_limit, (RateLimit{1, 2}));
}

// One way a duty contact or endpoint can be wrong: edits to kDuty, and the
// errors expected, in line order.
struct DutyRefusal {
  const char* name;
  std::vector<std::pair<std::string, std::string>> edits;
  struct Expected {
    int line;
    const char* key;
    const char* code;
  };
  std::vector<Expected> errors;
};

class RegistryLoaderDuty : public RegistryLoader,
                           public ::testing::WithParamInterface<DutyRefusal> {};

TEST_P(RegistryLoaderDuty, RefusesWithFileLineAndKey) {
  const DutyRefusal& c = GetParam();
  std::string text(kDuty);
  for (const auto& [from, to] : c.edits) text = Replace(text, from, to);
  auto loaded = Load(text);
  ASSERT_FALSE(loaded.ok());
  ASSERT_EQ(loaded.error().size(), c.errors.size()) << config::ToString(loaded.error());
  for (std::size_t i = 0; i < c.errors.size(); ++i) {
    ExpectError(loaded.error()[i], c.errors[i].line, c.errors[i].key, c.errors[i].code);
  }
}

INSTANTIATE_TEST_SUITE_P(
    DutyContacts, RegistryLoaderDuty,
    ::testing::Values(
        DutyRefusal{
            "ThreeContacts",
            {{std::string(kContacts), "duty_contacts: [la-derby-edt, la-derby-hos, la-derby-edt]"}},
            {{19, "agencies[1].duty_contacts", "range"}}},
        DutyRefusal{"AnEmptyContactList",
                    {{std::string(kContacts), "duty_contacts: []"}},
                    {{19, "agencies[1].duty_contacts", "empty"}}},
        DutyRefusal{"ContactsThatAreNotAList",
                    {{std::string(kContacts), "duty_contacts: la-derby-edt"}},
                    {{19, "agencies[1].duty_contacts", "type"}}},
        DutyRefusal{"AContactNotInTheRegistry",
                    {{std::string(kHosEntry), ""}},
                    {{19, "agencies[1].duty_contacts[1]", "unknown_reference"}}},
        DutyRefusal{"AContactListedTwice",
                    {{std::string(kContacts), "duty_contacts: [la-derby-edt, la-derby-edt]"},
                     {std::string(kHosEntry), ""}},
                    {{19, "agencies[1].duty_contacts[1]", "duplicate"}}},
        DutyRefusal{"TheAgencyAsItsOwnContact",
                    {{std::string(kContacts), "duty_contacts: [la-derby-edt, la-derby]"},
                     {std::string(kHosEntry), ""}},
                    {{19, "agencies[1].duty_contacts[1]", "inconsistent"}}},
        DutyRefusal{"AContactThatIsNotADutyEndpoint",
                    {{std::string(kContacts), "duty_contacts: [la-derby-edt, police-derbys]"},
                     {std::string(kHosEntry), ""}},
                    {{19, "agencies[1].duty_contacts[1]", "inconsistent"}}},
        DutyRefusal{"AnEndpointForAnAgencyNotInTheRegistry",
                    {{std::string(kHosDutyFor),
                      "duty_for: la-derbi\n    identity: {san_uri: "
                      "\"urn:isagw:agency:la:derby-hos\"}"}},
                    {{19, "agencies[1].duty_contacts[1]", "inconsistent"},
                     {30, "agencies[3].duty_for", "unknown_reference"}}},
        DutyRefusal{"AnEndpointForADutyEndpoint",
                    {{std::string(kHosDutyFor),
                      "duty_for: la-derby-edt\n    identity: {san_uri: "
                      "\"urn:isagw:agency:la:derby-hos\"}"}},
                    {{19, "agencies[1].duty_contacts[1]", "inconsistent"},
                     {30, "agencies[3].duty_for", "inconsistent"}}},
        DutyRefusal{"AnEndpointForAnAgencyOfAnotherKind",
                    {{std::string(kHosDutyFor),
                      "duty_for: police-derbys\n    identity: {san_uri: "
                      "\"urn:isagw:agency:la:derby-hos\"}"}},
                    {{19, "agencies[1].duty_contacts[1]", "inconsistent"},
                     {30, "agencies[3].duty_for", "inconsistent"}}},
        DutyRefusal{"AnEndpointForItself",
                    {{std::string(kHosDutyFor),
                      "duty_for: la-derby-hos\n    identity: {san_uri: "
                      "\"urn:isagw:agency:la:derby-hos\"}"}},
                    {{19, "agencies[1].duty_contacts[1]", "inconsistent"},
                     {30, "agencies[3].duty_for", "inconsistent"}}},
        DutyRefusal{"AnEndpointItsAgencyDoesNotList",
                    {{std::string(kContacts), "duty_contacts: [la-derby-edt]"}},
                    {{30, "agencies[3].duty_for", "inconsistent"}}},
        DutyRefusal{"AnEndpointWithDutyContactsOfItsOwn",
                    {{std::string(kEdtDutyFor),
                      std::string(kEdtDutyFor) + "    duty_contacts: [la-derby-hos]\n"}},
                    {{25, "agencies[2].duty_contacts", "inconsistent"}}},
        DutyRefusal{"AnEndpointWithCodes",
                    {{std::string(kEdtDutyFor),
                      std::string(kEdtDutyFor) + "    codes: {la_number: \"831\"}\n"}},
                    {{25, "agencies[2].codes", "unknown_field"}}},
        DutyRefusal{"AnEndpointWithRouting",
                    {{std::string(kEdtDutyFor),
                      std::string(kEdtDutyFor) + "    routing: {postcode_districts: [DE3]}\n"}},
                    {{25, "agencies[2].routing", "unknown_field"}}},
        DutyRefusal{"AnEndpointThatSends",
                    {{std::string(kEdtFormats),
                      "derby-edt\"}\n    formats: {sends: [council-xml], receives: [council-xml]}"
                      "\n    delivery: {mode: mailbox}\n"}},
                    {{25, "agencies[2].formats.sends", "inconsistent"}}},
        DutyRefusal{"AnEndpointReceivingAnotherFormat",
                    {{std::string(kEdtFormats),
                      "derby-edt\"}\n    formats: {receives: [canonical]}\n"
                      "    delivery: {mode: mailbox}\n"}},
                    {{25, "agencies[2].formats.receives", "inconsistent"}}},
        DutyRefusal{"AnEndpointReceivingMoreThanItsAgencysFormat",
                    {{std::string(kEdtFormats),
                      "derby-edt\"}\n    formats: {receives: [council-xml, canonical]}\n"
                      "    delivery: {mode: mailbox}\n"}},
                    {{25, "agencies[2].formats.receives", "inconsistent"}}},
        DutyRefusal{"AnEndpointReceivingNothing",
                    {{std::string(kEdtFormats),
                      "derby-edt\"}\n    formats: {}\n    delivery: {mode: mailbox}\n"}},
                    {{25, "agencies[2].formats.receives", "required"}}},
        DutyRefusal{"AnEndpointWithASanUriOfAnotherKind",
                    {{"urn:isagw:agency:la:derby-edt", "urn:isagw:agency:police:derby-edt"}},
                    {{24, "agencies[2].identity.san_uri", "inconsistent"}}},
        // An entry that did not read is not also blamed on what names it.
        DutyRefusal{"ADutyForThatIsNotText",
                    {{std::string(kEdtDutyFor),
                      "    duty_for: [la-derby]\n"
                      "    identity: {san_uri: \"urn:isagw:agency:la:derby-edt\"}\n"}},
                    {{23, "agencies[2].duty_for", "type"}}},
        DutyRefusal{"AnAgencyWithoutRoutingThatIsNoDutyEndpoint",
                    {{"    routing: {postcode_districts: [DE1, DE22]}\n", ""}},
                    {{11, "agencies[1].routing", "required"}}}),
    [](const ::testing::TestParamInfo<DutyRefusal>& param) {
      return std::string(param.param.name);
    });

}  // namespace
}  // namespace isagw::registry
