// The XML attacks a gateway must shrug off. Every one is refused before
// libxml2 could expand an entity or open a file or URL: the refusals are
// the same whether the file exists or not, and no test needs a network.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "adapters/canonical/canonical.h"
#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using namespace std::string_literals;

using testing::Describe;
using testing::MissingNotificationXml;
using testing::ReplaceOnce;

const std::string kBody = R"(<CouncilEvent xmlns="urn:isagw:council:1" type="MissingNotification">
  <Header><MessageId>M1</MessageId><SentAt>2026-11-22T21:41:00Z</SentAt><FromLA>860</FromLA></Header>
  <Child><PersonId>P1</PersonId><Forename>&x;</Forename></Child>
  <Episode><PoliceRef>DB/21/2026/004512</PoliceRef></Episode>
</CouncilEvent>)";

// The single error of a refused document.
FieldError RefusalOf(const std::string& xml, const DecodeOptions& options = {}) {
  auto decoded = Decode(xml, options);
  EXPECT_FALSE(decoded.ok());
  if (decoded.ok()) return {};
  EXPECT_EQ(decoded.error().size(), 1u) << Describe(decoded.error());
  return decoded.error().front();
}

TEST(CouncilXmlSecurity, RefusesTheBillionLaughs) {
  const std::string xml = R"(<?xml version="1.0"?>
<!DOCTYPE CouncilEvent [
  <!ENTITY a "lol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
  <!ENTITY x "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
)" + kBody;
  const FieldError e = RefusalOf(xml);
  EXPECT_EQ(e.code, "forbidden_markup");
  EXPECT_EQ(e.pointer, "");
}

TEST(CouncilXmlSecurity, RefusesAnExternalEntityTheSameWhetherTheFileExistsOrNot) {
  const FieldError existing = RefusalOf(
      "<!DOCTYPE CouncilEvent [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n" + kBody);
  const FieldError missing = RefusalOf(
      "<!DOCTYPE CouncilEvent [<!ENTITY x SYSTEM \"file:///nonexistent/isagw/secret\">]>\n" +
      kBody);
  EXPECT_EQ(existing.code, "forbidden_markup");
  EXPECT_EQ(existing, missing);
  EXPECT_EQ(existing.reason.find("root"), std::string::npos);
}

TEST(CouncilXmlSecurity, RefusesAnExternalDtdWithoutFetchingIt) {
  // 192.0.2.0/24 is TEST-NET-1: nothing answers there.
  const FieldError e = RefusalOf(
      "<!DOCTYPE CouncilEvent SYSTEM \"http://192.0.2.1/council.dtd\">\n" +
      ReplaceOnce(kBody, "&x;", "Alex"));
  EXPECT_EQ(e.code, "forbidden_markup");
  EXPECT_NE(e.reason.find("DOCTYPE"), std::string::npos);
}

TEST(CouncilXmlSecurity, RefusesParameterEntities) {
  const FieldError e = RefusalOf(
      "<!DOCTYPE CouncilEvent [<!ENTITY % p SYSTEM \"http://192.0.2.1/p.dtd\"> %p;]>\n" + kBody);
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesADoctypeEvenWithNothingInIt) {
  const FieldError e =
      RefusalOf("<!DOCTYPE CouncilEvent>\n" + ReplaceOnce(kBody, "&x;", "Alex"));
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesAReferenceToAnUndeclaredEntity) {
  const FieldError e = RefusalOf(ReplaceOnce(kBody, "&x;", "&nbsp;"));
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesAnEntityReferenceInAnAttribute) {
  const FieldError e = RefusalOf(
      ReplaceOnce(ReplaceOnce(kBody, "&x;", "Alex"), "type=\"MissingNotification\"",
                  "type=\"&t;\""));
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesAStylesheetProcessingInstruction) {
  const FieldError e = RefusalOf(
      "<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"http://192.0.2.1/x.xsl\"?>\n" +
      ReplaceOnce(kBody, "&x;", "Alex"));
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesAProcessingInstructionInsideTheDocument) {
  const FieldError e = RefusalOf(ReplaceOnce(kBody, "&x;", "Al<?php system('id'); ?>ex"));
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesAnXmlDeclarationThatIsNotAtTheStart) {
  const FieldError e =
      RefusalOf("\n<?xml version=\"1.0\"?>" + ReplaceOnce(kBody, "&x;", "Alex"));
  EXPECT_EQ(e.code, "forbidden_markup");
}

TEST(CouncilXmlSecurity, RefusesAnEncodingOtherThanUtf8) {
  for (const char* encoding : {"ISO-8859-1", "UTF-16", "windows-1252", "US-ASCII"}) {
    SCOPED_TRACE(encoding);
    const FieldError e = RefusalOf("<?xml version=\"1.0\" encoding=\"" + std::string(encoding) +
                                   "\"?>\n" + ReplaceOnce(kBody, "&x;", "Alex"));
    EXPECT_EQ(e.code, "encoding");
    EXPECT_EQ(e.pointer, "");
  }
}

TEST(CouncilXmlSecurity, RefusesInvalidUtf8AndUtf16) {
  EXPECT_EQ(RefusalOf(ReplaceOnce(kBody, "&x;", "Al\xC3\x28x")).code, "invalid_utf8");
  EXPECT_EQ(RefusalOf("\xFF\xFE<\0C\0"s).code, "invalid_utf8");
}

TEST(CouncilXmlSecurity, RefusesADocumentOverTheSizeLimit) {
  DecodeOptions small;
  small.limits.max_bytes = 100;
  const FieldError e = RefusalOf(MissingNotificationXml(), small);
  EXPECT_EQ(e.code, "too_large");
}

TEST(CouncilXmlSecurity, RefusesNestingDeeperThanTheLimit) {
  DecodeOptions shallow;
  shallow.limits.max_depth = 3;  // CouncilEvent/Episode/Exploitation is as deep as it may go
  const FieldError e = RefusalOf(MissingNotificationXml(), shallow);
  EXPECT_EQ(e.code, "too_deep");
  EXPECT_EQ(e.pointer, "/CouncilEvent/Child/Home/Address");
}

TEST(CouncilXmlSecurity, RefusesNestingDeeperThanTheParserAllows) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  for (int i = 0; i < 300; ++i) deep += "</a>";
  DecodeOptions unlimited;
  unlimited.limits.max_depth = 1000;
  const FieldError e =
      RefusalOf(ReplaceOnce(ReplaceOnce(kBody, "&x;", "Alex"), "</Child>", deep + "</Child>"),
                unlimited);
  EXPECT_EQ(e.code, "too_deep");
}

TEST(CouncilXmlSecurity, NeverProcessesXInclude) {
  const std::string xml = ReplaceOnce(
      ReplaceOnce(kBody, "&x;", "Alex"), "</Child>",
      "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\" "
      "parse=\"text\"/></Child>");
  const FieldError e = RefusalOf(xml);
  EXPECT_EQ(e.pointer, "/CouncilEvent/Child/xi:include");
  EXPECT_EQ(e.code, "unknown_field");

  DecodeOptions lenient;
  lenient.lenient = true;
  auto decoded = Decode(xml, lenient);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->event.child.forename, "Alex");
  EXPECT_EQ(decoded->dropped_fields, std::vector<std::string>{"/CouncilEvent/Child/xi:include"});
}

TEST(CouncilXmlSecurity, NeverFollowsASchemaLocation) {
  const std::string xml = ReplaceOnce(
      ReplaceOnce(kBody, "&x;", "Alex"), "type=\"MissingNotification\"",
      "type=\"MissingNotification\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"urn:isagw:council:1 http://192.0.2.1/evil.xsd\"");
  const FieldError e = RefusalOf(xml);
  EXPECT_EQ(e.pointer, "/CouncilEvent/@schemaLocation");
  EXPECT_EQ(e.code, "unknown_field");
}

TEST(CouncilXmlSecurity, XsiTypeCannotSwitchAnElementsType) {
  const std::string xml = ReplaceOnce(
      ReplaceOnce(kBody, "&x;", "Alex"), "<Forename>Alex</Forename>",
      "<Forename xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:type=\"Narrative\">Alex</Forename>");
  const FieldError e = RefusalOf(xml);
  EXPECT_EQ(e.pointer, "/CouncilEvent/Child/Forename/@type");
  EXPECT_EQ(e.code, "unknown_field");
}

TEST(CouncilXmlSecurity, EveryTruncationOfADocumentIsRefusedCleanly) {
  const std::string xml = testing::ReadFile(testing::CouncilExamplesDir() / "escalation.xml");
  const std::string end_tag = "</CouncilEvent>";
  const std::size_t complete = xml.rfind(end_tag) + end_tag.size();
  for (std::size_t n = 0; n < complete; ++n) {
    auto decoded = Decode(xml.substr(0, n), DecodeOptions{});
    ASSERT_FALSE(decoded.ok()) << "accepted the first " << n << " bytes";
    ASSERT_FALSE(decoded.error().empty());
    EXPECT_FALSE(decoded.error().front().code.empty());
  }
}

TEST(CouncilXmlSecurity, WhateverDecodesFromMangledInputEncodesAndReadsBack) {
  // Deterministic mutations (a fixed linear congruential sequence): each
  // overwrites one byte with a character that matters to XML. Whatever
  // Decode accepts must pass the canonical checks, and be something Encode
  // can write and Decode read back.
  const std::string interesting = "<>&\"'/=;![]-? \t\nA0\xC3\x80";
  std::uint64_t state = 20261122;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  int accepted = 0;
  for (const auto& example : testing::CouncilExamples()) {
    SCOPED_TRACE(example.filename().string());
    const std::string original = testing::ReadFile(example);
    for (int i = 0; i < 200; ++i) {
      std::string xml = original;
      xml[next() % xml.size()] = interesting[next() % interesting.size()];
      auto decoded = Decode(xml, DecodeOptions{});
      if (!decoded.ok()) {
        ASSERT_FALSE(decoded.error().empty());
        continue;
      }
      ++accepted;
      // What council XML accepts, the canonical model accepts too.
      auto canonical_view =
          canonical::FromJson(canonical::ToJson(decoded->event), DecodeOptions{});
      ASSERT_TRUE(canonical_view.ok()) << Describe(canonical_view.error()) << "\n" << xml;
      auto encoded = Encode(decoded->event);
      ASSERT_TRUE(encoded.ok()) << Describe(encoded.error()) << "\n" << xml;
      auto again = Decode(*encoded, DecodeOptions{});
      ASSERT_TRUE(again.ok()) << Describe(again.error()) << "\n" << *encoded;
      EXPECT_EQ(again->event, decoded->event);
    }
  }
  // Many mutations land in text or comments and change nothing structural.
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace isagw::adapters::council_xml
