// Encoding canonical Events as council XML: what the format cannot carry
// is refused by name, the documented losses happen, and what is written
// reads back.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using testing::CouncilExamplesDir;
using testing::Describe;
using testing::EventFromCanonicalFile;

model::Event MissingEvent() {
  return EventFromCanonicalFile(CouncilExamplesDir() / "missing-notification.canonical.json");
}
model::Event RhiEvent() {
  return EventFromCanonicalFile(CouncilExamplesDir() / "rhi-summary.canonical.json");
}

std::string EncodeOk(const model::Event& event) {
  auto encoded = Encode(event);
  EXPECT_TRUE(encoded.ok()) << (encoded.ok() ? "" : Describe(encoded.error()));
  return encoded.ok() ? *encoded : std::string();
}

model::Event RoundTrip(const model::Event& event) {
  auto decoded = Decode(EncodeOk(event), DecodeOptions{});
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : Describe(decoded.error()));
  return decoded.ok() ? decoded->event : model::Event{};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The single not_representable error of an event Encode refuses.
FieldError RefusalOf(const model::Event& event) {
  auto encoded = Encode(event);
  EXPECT_FALSE(encoded.ok());
  if (encoded.ok()) return {};
  EXPECT_EQ(encoded.error().size(), 1u) << Describe(encoded.error());
  EXPECT_EQ(encoded.error().front().code, "not_representable");
  return encoded.error().front();
}

TEST(CouncilXmlEncode, RefusesAClosedEpisodeCouncilsHaveNoEventFor) {
  model::Event e = MissingEvent();
  e.kind = model::EventKind::kClosed;
  EXPECT_EQ(RefusalOf(e).pointer, "/kind");
}

TEST(CouncilXmlEncode, RefusesTheInterviewNarrativesAndCompanionNamesAllAtOnce) {
  model::Event e = RhiEvent();
  e.rhi->child_account = "account";
  e.rhi->disclosures = "disclosure";
  e.rhi->child_views = "views";
  e.rhi->with_whom[1].name = "A Person";
  auto encoded = Encode(e);
  ASSERT_FALSE(encoded.ok());
  std::set<std::string> pointers;
  for (const FieldError& err : encoded.error()) {
    EXPECT_EQ(err.code, "not_representable");
    pointers.insert(err.pointer);
  }
  EXPECT_EQ(pointers, (std::set<std::string>{"/rhi/child_account", "/rhi/disclosures",
                                             "/rhi/child_views", "/rhi/with_whom/1/name"}));
}

TEST(CouncilXmlEncode, WritesTheXmlDeclarationAndNamespace) {
  const std::string xml = EncodeOk(MissingEvent());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CouncilEvent xmlns=\"urn:isagw:council:1\" "
                      "type=\"MissingNotification\">",
                      0),
            0u)
      << xml;
  EXPECT_FALSE(Contains(xml, "<!DOCTYPE"));
}

TEST(CouncilXmlEncode, WritesEveryTimeInUtcWithZ) {
  model::Event e = MissingEvent();
  e.episode.last_seen_at = *model::ParseRfc3339("2026-07-14T22:30:00+01:00");
  const std::string xml = EncodeOk(e);
  EXPECT_TRUE(Contains(xml, "<Start>2026-07-14T21:30:00Z</Start>")) << xml;
  EXPECT_TRUE(Contains(xml, "<SentAt>2026-11-22T21:41:00Z</SentAt>")) << xml;
}

TEST(CouncilXmlEncode, SendsAPoliceEthnicityAsItsDfeCode) {
  model::Event e = MissingEvent();
  e.child.ethnicity = model::Ethnicity{model::EthnicityScheme::kPolice16Plus1, "A3"};
  EXPECT_TRUE(Contains(EncodeOk(e), "<Ethnicity>ABAN</Ethnicity>"));
  EXPECT_EQ(RoundTrip(e).child.ethnicity,
            (model::Ethnicity{model::EthnicityScheme::kDfE, "ABAN"}));
}

TEST(CouncilXmlEncode, RefusesAnEthnicityWithNoDfeCode) {
  model::Event e = MissingEvent();
  e.child.ethnicity = model::Ethnicity{model::EthnicityScheme::kDfE, "XXXX"};
  EXPECT_EQ(RefusalOf(e).pointer, "/child/ethnicity/code");
}

TEST(CouncilXmlEncode, SendsSexOtherAsNotKnown) {
  model::Event e = MissingEvent();
  e.child.sex = model::Sex::kOther;
  EXPECT_TRUE(Contains(EncodeOk(e), "<Sex>0</Sex>"));
  EXPECT_EQ(RoundTrip(e).child.sex, model::Sex::kUnknown);
}

TEST(CouncilXmlEncode, LeavesOutLookedAfterWhenUnknown) {
  model::Event e = MissingEvent();
  e.child.looked_after = model::Answer::kUnknown;
  EXPECT_FALSE(Contains(EncodeOk(e), "LookedAfter"));
  EXPECT_EQ(RoundTrip(e).child.looked_after, std::nullopt);
}

TEST(CouncilXmlEncode, ListsOnlyConcernsThatAreThere) {
  model::Event e = MissingEvent();
  e.episode.exploitation = {};
  e.episode.exploitation.cse = false;
  e.episode.exploitation.trafficking = true;
  const std::string xml = EncodeOk(e);
  EXPECT_TRUE(Contains(xml, "<Concern>Trafficking</Concern>"));
  EXPECT_FALSE(Contains(xml, "CSE"));
  model::ExploitationConcerns expected;
  expected.trafficking = true;
  EXPECT_EQ(RoundTrip(e).episode.exploitation, expected);
}

TEST(CouncilXmlEncode, LeavesOutPoliceBookkeeping) {
  model::Event e = MissingEvent();
  e.episode.record_version = 3;
  e.episode.previous_episodes = 4;
  const model::Event back = RoundTrip(e);
  EXPECT_EQ(back.episode.record_version, std::nullopt);
  EXPECT_EQ(back.episode.previous_episodes, std::nullopt);
  EXPECT_EQ(back, MissingEvent());
}

TEST(CouncilXmlEncode, WritesThePersonIdsCouncil) {
  model::Event e = MissingEvent();
  e.child.council_person_id->la = "831";
  EXPECT_TRUE(Contains(EncodeOk(e), "<PersonId la=\"831\">LCS-778812</PersonId>"));
  EXPECT_EQ(RoundTrip(e).child.council_person_id->la, "831");
}

TEST(CouncilXmlEncode, SendsAPostcodeMaskedToItsDistrictButDoesNotAcceptOne) {
  // An agreement may cut a placement postcode to its district before the
  // gateway encodes; councils sending to the gateway must give it whole.
  model::Event e = MissingEvent();
  e.child.placement->postcode = "DE22";
  const std::string xml = EncodeOk(e);
  EXPECT_TRUE(Contains(xml, "<Postcode>DE22</Postcode>"));
  auto decoded = Decode(xml, DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), (FieldErrors{{"/CouncilEvent/Child/Placement/Postcode", "postcode",
                                           "must be a full UK postcode, like DE22 3AB"}}));
}

TEST(CouncilXmlEncode, RefusesAPseudonymisedNhsNumber) {
  model::Event e = MissingEvent();
  e.child.nhs_number = "k7f3a9c2e1";
  const FieldError err = RefusalOf(e);
  EXPECT_EQ(err.pointer, "/child/nhs_number");
  EXPECT_NE(err.reason.find("pattern"), std::string::npos);
}

TEST(CouncilXmlEncode, RefusesTextLongerThanTheFormatAllows) {
  model::Event e = MissingEvent();
  e.episode.circumstances = std::string(4001, 'x');
  const FieldError err = RefusalOf(e);
  EXPECT_EQ(err.pointer, "/episode/circumstances");
  EXPECT_NE(err.reason.find("too_long"), std::string::npos);
}

TEST(CouncilXmlEncode, NamesTheListItemOfARefusedValue) {
  model::Event e = RhiEvent();
  e.rhi->actions[1].to = std::string(201, 'x');
  EXPECT_EQ(RefusalOf(e).pointer, "/rhi/actions/1/to");
}

TEST(CouncilXmlEncode, RefusesControlCharactersXmlCannotCarry) {
  model::Event e = MissingEvent();
  e.child.forename = std::string("Al\x01") + "ex";
  EXPECT_EQ(RefusalOf(e).pointer, "/child/forename");
}

TEST(CouncilXmlEncode, EscapesMarkupAndKeepsCarriageReturns) {
  model::Event e = MissingEvent();
  e.episode.circumstances = "Tom & Jerry <b>\"q\"</b> 'a' ]]> &amp;\r\nnext\tline";
  e.child.council_person_id->person_id = "ID \"1\" <&>\t2";
  const std::string xml = EncodeOk(e);
  EXPECT_FALSE(Contains(xml, "<b>"));
  EXPECT_TRUE(Contains(xml, "Tom &amp; Jerry &lt;b&gt;\"q\"&lt;/b&gt; 'a' ]]&gt; &amp;amp;&#13;\nnext\tline<"))
      << xml;
  EXPECT_TRUE(Contains(xml, ">ID \"1\" &lt;&amp;&gt;\t2<")) << xml;
  EXPECT_EQ(RoundTrip(e), e);
}

TEST(CouncilXmlEncode, LeavesOutSectionsWithNothingInThem) {
  model::Event e;
  e.kind = model::EventKind::kPlacementNotified;
  e.header.message_id = "M1";
  const std::string xml = EncodeOk(e);
  EXPECT_FALSE(Contains(xml, "<Child"));
  EXPECT_FALSE(Contains(xml, "<Episode"));
  EXPECT_FALSE(Contains(xml, "<Exploitation"));
  EXPECT_TRUE(Contains(xml, "<MessageId>M1</MessageId>"));
}

TEST(CouncilXmlEncode, AnEventWithFieldsWithheldStillEncodes) {
  // Redaction may withhold what an inbound council message must carry:
  // the document is valid against the XSD, though Decode (which checks
  // what a council must send) would refuse it.
  model::Event e = MissingEvent();
  e.header = {};
  e.child = {};
  const std::string xml = EncodeOk(e);
  auto decoded = Decode(xml, DecodeOptions{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error()[0], (FieldError{"/CouncilEvent/Header", "required",
                                            "is required in every council message"}));
}

TEST(CouncilXmlEncode, EncodingIsDeterministic) {
  EXPECT_EQ(EncodeOk(RhiEvent()), EncodeOk(RhiEvent()));
}

}  // namespace
}  // namespace isagw::adapters::council_xml
