#include "test_documents.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/canonical/canonical.h"

namespace isagw::adapters::council_xml::testing {

std::filesystem::path SourceDir() { return ISAGW_SOURCE_DIR; }

std::filesystem::path CouncilExamplesDir() {
  return SourceDir() / "docs" / "examples" / "council-xml";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> CouncilExamples() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(CouncilExamplesDir())) {
    if (entry.path().extension() == ".xml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

model::Event EventFromCanonical(const nlohmann::json& document) {
  auto decoded = canonical::FromJson(document, DecodeOptions{});
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : Describe(decoded.error()));
  return decoded.ok() ? decoded->event : model::Event{};
}

model::Event EventFromCanonicalFile(const std::filesystem::path& path) {
  return EventFromCanonical(nlohmann::json::parse(ReadFile(path)));
}

nlohmann::json CanonicalJson(const model::Event& event) { return canonical::ToJson(event); }

namespace {
void CollectLeaves(const nlohmann::json& value, const std::string& pointer,
                   std::map<std::string, nlohmann::json>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items())
      CollectLeaves(child, JoinPointer(pointer, key), out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      CollectLeaves(value[i], JoinPointer(pointer, std::to_string(i)), out);
    }
  } else {
    out[pointer] = value;
  }
}
}  // namespace

std::map<std::string, nlohmann::json> Leaves(const nlohmann::json& document) {
  std::map<std::string, nlohmann::json> out;
  CollectLeaves(document, "", out);
  return out;
}

std::string ReplaceOnce(const std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "not found: " << from;
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "found twice: " << from;
  std::string out = text;
  out.replace(at, from.size(), to);
  return out;
}

std::string MissingNotificationXml() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<CouncilEvent xmlns="urn:isagw:council:1" type="MissingNotification">
  <Header>
    <MessageId>LCS-860-1</MessageId>
    <SentAt>2026-11-22T21:41:00Z</SentAt>
    <FromLA>860</FromLA>
    <ToLA>831</ToLA>
  </Header>
  <Child>
    <PersonId>LCS-778812</PersonId>
    <NHSNumber>9434765919</NHSNumber>
    <Forename>Alex</Forename>
    <Surname>Example</Surname>
    <DateOfBirth>2010-05-04</DateOfBirth>
    <Sex>1</Sex>
    <Ethnicity>WBRI</Ethnicity>
    <Home><Address>12 Example Road, Derby</Address><Postcode>DE22 3AB</Postcode></Home>
    <LookedAfter>true</LookedAfter>
    <LegalStatus>C2</LegalStatus>
    <ResponsibleLA>860</ResponsibleLA>
    <Placement><Type>K2</Type><Postcode>ST4 7QB</Postcode><Provider>Example House</Provider></Placement>
    <SocialWorker><Name>Jo Sample</Name><Team>North</Team><Phone>01785 000000</Phone><Email>jo@example.org</Email></SocialWorker>
  </Child>
  <Episode>
    <PoliceRef>DB/21/2026/004512</PoliceRef>
    <ForceCode>DERBYS</ForceCode>
    <MissingType>M</MissingType>
    <MissingFrom>Residential</MissingFrom>
    <ReportedAt>2026-11-22T21:40:00Z</ReportedAt>
    <Start>2026-11-22T19:05:00Z</Start>
    <End/>
    <LastSeenLocation><Description>Derby Bus Station DE1 2AY</Description></LastSeenLocation>
    <FoundBy>Police</FoundBy>
    <RiskLevel>High</RiskLevel>
    <RiskRationale>Previous exploitation concerns</RiskRationale>
    <Exploitation><Concern>CCE</Concern><Concern>CSE</Concern></Exploitation>
    <Circumstances>Left after an argument</Circumstances>
  </Episode>
</CouncilEvent>
)";
}

std::string RhiSummaryXml() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<CouncilEvent xmlns="urn:isagw:council:1" type="RhiSummary">
  <Header><MessageId>CRO-1</MessageId><SentAt>2026-10-29T15:30:00Z</SentAt><FromLA>306</FromLA></Header>
  <Child><PersonId la="860">LCS-661200</PersonId></Child>
  <Rhi>
    <ProviderId>CATCH22</ProviderId>
    <PoliceRefs><PoliceRef>MP/01/2026/123456</PoliceRef><PoliceRef>MP/01/2026/123457</PoliceRef></PoliceRefs>
    <ReturnedAt>2026-10-26T23:40:00Z</ReturnedAt>
    <OfferedAt>2026-10-27T10:00:00Z</OfferedAt>
    <CompletedAt>2026-10-28T16:00:00Z</CompletedAt>
    <Outcome>completed</Outcome>
    <WithWhom><Person><Relationship>friend</Relationship><ApproxAge>15</ApproxAge></Person></WithWhom>
    <PushFactors><Factor>boredom</Factor></PushFactors>
    <PullFactors><Factor>friends</Factor></PullFactors>
    <Harm><Physical>false</Physical></Harm>
    <ExploitationIndicators><Indicator>CSE</Indicator></ExploitationIndicators>
    <RisksIdentified><Risk>Adult of concern</Risk></RisksIdentified>
    <Actions>
      <Action><Type>referral</Type><To>MASH</To></Action>
      <Action><Type>safety_plan</Type><To>Carers</To></Action>
    </Actions>
  </Rhi>
</CouncilEvent>
)";
}

std::string EscalationXml() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<CouncilEvent xmlns="urn:isagw:council:1" type="Escalation">
  <Header><MessageId>DBY-1</MessageId><SentAt>2026-12-01T12:00:00Z</SentAt><FromLA>831</FromLA></Header>
  <Child><PersonId>NCC-4471</PersonId></Child>
  <Escalation>
    <Reason>repeat_episodes</Reason>
    <EpisodeCount>3</EpisodeCount>
    <WindowDays>90</WindowDays>
  </Escalation>
</CouncilEvent>
)";
}

}  // namespace isagw::adapters::council_xml::testing
