// Decoding valid council XML: times, postcodes, person ids, the freedoms
// the format allows (element order, comments, CDATA) and lenient mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using testing::Describe;
using testing::MissingNotificationXml;
using testing::ReplaceOnce;

model::Event DecodeOk(const std::string& xml, const DecodeOptions& options = {}) {
  auto decoded = Decode(xml, options);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : Describe(decoded.error()));
  return decoded.ok() ? decoded->event : model::Event{};
}

std::string WithStart(const std::string& start) {
  return ReplaceOnce(MissingNotificationXml(), "<Start>2026-11-22T19:05:00Z</Start>",
                     "<Start>" + start + "</Start>");
}

std::string Utc(const std::optional<model::Timestamp>& t) {
  return t ? model::FormatTimestamp(*t) : "(none)";
}

TEST(CouncilXmlDecode, ReadsTheMainFieldsOfAMissingNotification) {
  const model::Event e = DecodeOk(MissingNotificationXml());
  EXPECT_EQ(e.kind, model::EventKind::kMissingReported);
  EXPECT_EQ(e.header.from_la, "860");
  EXPECT_EQ(e.child.nhs_number, "9434765919");
  EXPECT_EQ(e.child.sex, model::Sex::kMale);
  EXPECT_EQ(e.child.looked_after, model::Answer::kYes);
  EXPECT_EQ(e.episode.police_ref, "DB/21/2026/004512");
  EXPECT_EQ(e.episode.missing_type, model::MissingType::kMissing);
  ASSERT_TRUE(e.episode.risk.has_value());
  EXPECT_EQ(e.episode.risk->level, model::RiskLevel::kHigh);
  EXPECT_EQ(e.episode.exploitation.cce, true);
  EXPECT_EQ(e.episode.exploitation.cse, true);
  EXPECT_EQ(e.episode.exploitation.county_lines, std::nullopt);  // not listed: not stated
}

TEST(CouncilXmlDecode, AnEmptyEndIsAnOpenEpisode) {
  EXPECT_EQ(DecodeOk(MissingNotificationXml()).episode.found_at, std::nullopt);
}

TEST(CouncilXmlDecode, TimesWithoutAZoneAreUkLocalTime) {
  EXPECT_EQ(Utc(DecodeOk(WithStart("2026-11-22T19:05:00")).episode.last_seen_at),
            "2026-11-22T19:05:00Z");  // GMT
  EXPECT_EQ(Utc(DecodeOk(WithStart("2026-07-14T22:30:00")).episode.last_seen_at),
            "2026-07-14T21:30:00Z");  // BST
}

TEST(CouncilXmlDecode, TheRepeatedOctoberHourTakesTheEarlierInstant) {
  EXPECT_EQ(Utc(DecodeOk(WithStart("2026-10-25T01:30:00")).episode.last_seen_at),
            "2026-10-25T00:30:00Z");
}

TEST(CouncilXmlDecode, TimesWithAnOffsetAreConvertedToUtc) {
  EXPECT_EQ(Utc(DecodeOk(WithStart("2026-07-14T22:30:00+01:00")).episode.last_seen_at),
            "2026-07-14T21:30:00Z");
}

TEST(CouncilXmlDecode, PostcodesAreNormalised) {
  const model::Event e = DecodeOk(
      ReplaceOnce(MissingNotificationXml(), "<Postcode>ST4 7QB</Postcode>", "<Postcode>st47qb</Postcode>"));
  ASSERT_TRUE(e.child.placement.has_value());
  EXPECT_EQ(e.child.placement->postcode, "ST4 7QB");
}

TEST(CouncilXmlDecode, ALocationGetsThePostcodeWrittenInItsText) {
  const model::Event e = DecodeOk(MissingNotificationXml());
  ASSERT_TRUE(e.episode.last_seen_location.has_value());
  EXPECT_EQ(e.episode.last_seen_location->description, "Derby Bus Station DE1 2AY");
  EXPECT_EQ(e.episode.last_seen_location->postcode, "DE1 2AY");
}

TEST(CouncilXmlDecode, AnExplicitLocationPostcodeWinsOverTheText) {
  const model::Event e = DecodeOk(ReplaceOnce(
      MissingNotificationXml(), "<Description>Derby Bus Station DE1 2AY</Description>",
      "<Description>Derby Bus Station DE1 2AY</Description><Postcode>DE1 3AA</Postcode>"));
  ASSERT_TRUE(e.episode.last_seen_location.has_value());
  EXPECT_EQ(e.episode.last_seen_location->postcode, "DE1 3AA");
}

TEST(CouncilXmlDecode, APersonIdBelongsToTheSenderUnlessItNamesAnotherCouncil) {
  const model::Event own = DecodeOk(MissingNotificationXml());
  ASSERT_TRUE(own.child.council_person_id.has_value());
  EXPECT_EQ(own.child.council_person_id->la, "860");
  EXPECT_EQ(own.child.council_person_id->person_id, "LCS-778812");

  const model::Event other = DecodeOk(ReplaceOnce(MissingNotificationXml(), "<PersonId>",
                                                  "<PersonId la=\"831\">"));
  ASSERT_TRUE(other.child.council_person_id.has_value());
  EXPECT_EQ(other.child.council_person_id->la, "831");
}

TEST(CouncilXmlDecode, ElementsMayComeInAnyOrder) {
  const std::string reordered = ReplaceOnce(
      ReplaceOnce(MissingNotificationXml(), "<Forename>Alex</Forename>", ""),
      "<Surname>Example</Surname>", "<Surname>Example</Surname><Forename>Alex</Forename>");
  EXPECT_EQ(DecodeOk(reordered), DecodeOk(MissingNotificationXml()));
}

TEST(CouncilXmlDecode, CommentsAreIgnoredAndCdataIsText) {
  const std::string xml = ReplaceOnce(
      ReplaceOnce(MissingNotificationXml(), "<Circumstances>Left after an argument</Circumstances>",
                  "<Circumstances><![CDATA[Said \"<home> & <!ENTITY x>\" was unsafe]]></Circumstances>"),
      "<Child>", "<Child><!-- from the case system; <!DOCTYPE is just text here -->");
  EXPECT_EQ(DecodeOk(xml).episode.circumstances, "Said \"<home> & <!ENTITY x>\" was unsafe");
}

TEST(CouncilXmlDecode, PredefinedEntitiesAndCharacterReferencesAreRead) {
  const std::string xml = ReplaceOnce(MissingNotificationXml(),
                                      "<Circumstances>Left after an argument</Circumstances>",
                                      "<Circumstances>A &amp; B &lt;3 caf&#233; &#x41;</Circumstances>");
  EXPECT_EQ(DecodeOk(xml).episode.circumstances, "A & B <3 caf\u00e9 A");
}

TEST(CouncilXmlDecode, TextKeepsItsWhiteSpaceAndLineBreaks) {
  const std::string xml = ReplaceOnce(MissingNotificationXml(),
                                      "<Circumstances>Left after an argument</Circumstances>",
                                      "<Circumstances>  Line one\r\nLine two  </Circumstances>");
  // XML reads a CR LF pair as one line feed.
  EXPECT_EQ(DecodeOk(xml).episode.circumstances, "  Line one\nLine two  ");
}

TEST(CouncilXmlDecode, AUtf8ByteOrderMarkIsAccepted) {
  EXPECT_EQ(DecodeOk("\xEF\xBB\xBF" + MissingNotificationXml()), DecodeOk(MissingNotificationXml()));
}

TEST(CouncilXmlDecode, AnEncodingDeclarationOfUtf8InAnyCaseIsAccepted) {
  const std::string xml =
      ReplaceOnce(MissingNotificationXml(), "encoding=\"UTF-8\"", "encoding='utf-8'");
  EXPECT_EQ(DecodeOk(xml), DecodeOk(MissingNotificationXml()));
}

TEST(CouncilXmlDecode, CollectsEveryErrorNotJustTheFirst) {
  std::string xml = MissingNotificationXml();
  xml = ReplaceOnce(xml, "9434765919", "9434765918");
  xml = ReplaceOnce(xml, "<Sex>1</Sex>", "<Sex>M</Sex>");
  xml = ReplaceOnce(xml, "<MissingType>M</MissingType>", "<MissingType>Q</MissingType>");
  xml = ReplaceOnce(xml, "<Surname>Example</Surname>", "<Surname>Example</Surname><Alias/>");
  auto decoded = Decode(xml, DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), (FieldErrors{
                                 {"/CouncilEvent/Child/Alias", "unknown_field",
                                  "the format has no such element here"},
                                 {"/CouncilEvent/Child/Sex", "enum", "is not one of the allowed codes"},
                                 {"/CouncilEvent/Episode/MissingType", "enum",
                                  "is not one of the allowed codes"},
                                 {"/CouncilEvent/Child/NHSNumber", "nhs_checksum",
                                  "the check digit does not match (modulus 11)"},
                             }))
      << Describe(decoded.error());
}

TEST(CouncilXmlDecode, LenientModeDropsAndListsUnknownElementsAndAttributes) {
  std::string xml = MissingNotificationXml();
  xml = ReplaceOnce(xml, "<Surname>Example</Surname>",
                    "<Surname>Example</Surname><Nickname>Al</Nickname>");
  xml = ReplaceOnce(xml, "<Exploitation>", "<Exploitation source=\"police\">");
  xml = ReplaceOnce(xml, "</Episode>", "</Episode><Extra xmlns=\"urn:vendor\"><Deep/></Extra>");
  DecodeOptions lenient;
  lenient.lenient = true;
  auto decoded = Decode(xml, lenient);
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error());
  EXPECT_EQ(decoded->dropped_fields,
            (std::vector<std::string>{"/CouncilEvent/Child/Nickname",
                                      "/CouncilEvent/Episode/Exploitation/@source",
                                      "/CouncilEvent/Extra"}));
  EXPECT_EQ(decoded->event, DecodeOk(MissingNotificationXml()));
}

TEST(CouncilXmlDecode, LenientModeStillRefusesBadValuesAndRepeatedElements) {
  DecodeOptions lenient;
  lenient.lenient = true;
  std::string xml = ReplaceOnce(MissingNotificationXml(), "<Sex>1</Sex>", "<Sex>1</Sex><Sex>2</Sex>");
  xml = ReplaceOnce(xml, "<RiskLevel>High</RiskLevel>", "<RiskLevel>Severe</RiskLevel>");
  auto decoded = Decode(xml, lenient);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().size(), 2u) << Describe(decoded.error());
  EXPECT_EQ(decoded.error()[0].pointer, "/CouncilEvent/Child/Sex[2]");
  EXPECT_EQ(decoded.error()[0].code, "duplicate_key");
  EXPECT_EQ(decoded.error()[1].pointer, "/CouncilEvent/Episode/RiskLevel");
  EXPECT_EQ(decoded.error()[1].code, "enum");
}

TEST(CouncilXmlDecode, ReasonsNeverQuoteTheDocument) {
  // Distinctive values in faulty fields must not come back in reasons.
  std::string xml = MissingNotificationXml();
  xml = ReplaceOnce(xml, "<Forename>Alex</Forename>", "<Forename>Zqxjkv</Forename><Forename>Zqxjkw</Forename>");
  xml = ReplaceOnce(xml, "<Sex>1</Sex>", "<Sex>Zqxjkx</Sex>");
  xml = ReplaceOnce(xml, "DB/21/2026/004512", "Zqxjky");
  xml = ReplaceOnce(xml, "2010-05-04", "Zqxjkz-01");
  xml = ReplaceOnce(xml, "jo@example.org", "Zqxjk");
  auto decoded = Decode(xml, DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_GE(decoded.error().size(), 5u);
  for (const FieldError& e : decoded.error()) {
    EXPECT_EQ(e.reason.find("Zqxjk"), std::string::npos) << e.reason;
    EXPECT_EQ(e.pointer.find("Zqxjk"), std::string::npos) << e.pointer;
  }
}

TEST(CouncilXmlDecode, ASyntaxErrorGivesTheLineButNotTheContent) {
  const std::string xml = ReplaceOnce(MissingNotificationXml(), "<Surname>Example</Surname>",
                                      "<Surname>Zqxjk</Forename>");
  auto decoded = Decode(xml, DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  ASSERT_EQ(decoded.error().size(), 1u);
  EXPECT_EQ(decoded.error()[0].code, "syntax");
  EXPECT_EQ(decoded.error()[0].pointer, "");
  EXPECT_NE(decoded.error()[0].reason.find("line 13"), std::string::npos)
      << decoded.error()[0].reason;
  EXPECT_EQ(decoded.error()[0].reason.find("Zqxjk"), std::string::npos);
  EXPECT_EQ(decoded.error()[0].reason.find("Forename"), std::string::npos);
}

TEST(CouncilXmlDecode, AnUndeclaredNamespacePrefixIsASyntaxError) {
  const std::string xml = ReplaceOnce(MissingNotificationXml(), "<Surname>Example</Surname>",
                                      "<v:Surname>Example</v:Surname>");
  auto decoded = Decode(xml, DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error()[0].code, "syntax");
}

TEST(CouncilXmlDecode, OneAdapterServesManyThreadsAtOnce) {
  const CouncilXmlAdapter adapter;
  std::vector<std::string> documents;
  for (const auto& path : testing::CouncilExamples()) documents.push_back(testing::ReadFile(path));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 5; ++round) {
        for (const std::string& xml : documents) {
          auto decoded = adapter.Decode(xml, DecodeOptions{});
          if (!decoded.ok()) {
            ++failures;
            continue;
          }
          auto encoded = adapter.Encode(decoded->event);
          if (!encoded.ok()) ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(CouncilXmlDecode, RefusesEmptyAndNonXmlInput) {
  for (const std::string& input : {std::string(), std::string("   "), std::string("{\"kind\":1}"),
                                   std::string("<CouncilEvent")}) {
    auto decoded = Decode(input, DecodeOptions{});
    ASSERT_FALSE(decoded.ok()) << input;
    EXPECT_EQ(decoded.error().front().code, "syntax") << input;
  }
}

}  // namespace
}  // namespace isagw::adapters::council_xml
