// CouncilSchema::Accepts is the check every council XML document the
// gateway sends passes first (Encode refuses what it refuses), so it must
// refuse whatever the full check refuses, and say nothing while doing it.
#include "adapters/council_xml/council_schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/council_xml/council_xml.h"
#include "test_documents.h"

namespace isagw::adapters::council_xml {
namespace {

using testing::MissingNotificationXml;
using testing::ReplaceOnce;

const CouncilSchema& Schema() {
  static const CouncilSchema schema;
  return schema;
}

TEST(CouncilSchemaAccepts, EveryExample) {
  const auto examples = testing::CouncilExamples();
  ASSERT_FALSE(examples.empty());
  for (const auto& path : examples) {
    EXPECT_TRUE(Schema().Accepts(testing::ReadFile(path))) << path;
  }
}

TEST(CouncilSchemaAccepts, TheBaseDocumentTheOtherTestsChange) {
  EXPECT_TRUE(Schema().Accepts(MissingNotificationXml()));
}

// The writer writes children in the order the XSD declares them, so what
// the gateway sends takes the quicker check alone.
TEST(CouncilSchemaAccepts, EveryExampleInTheDeclaredOrder) {
  for (const auto& path : testing::CouncilExamples()) {
    EXPECT_TRUE(Schema().AcceptsInDeclaredOrder(testing::ReadFile(path))) << path;
  }
}

// xs:all allows any order: a document in another one is still accepted,
// by the XSD itself once the quicker check has refused it.
TEST(CouncilSchemaAccepts, ChildrenInAnotherOrder) {
  const std::string xml = MissingNotificationXml();
  const auto forename = xml.find("<Forename>");
  const auto surname = xml.find("<Surname>");
  ASSERT_NE(forename, std::string::npos);
  ASSERT_NE(surname, std::string::npos);
  ASSERT_LT(forename, surname);
  // Surname's element moved before Forename's.
  const auto surname_end = xml.find("</Surname>", surname) + std::string("</Surname>").size();
  std::string swapped = xml;
  swapped.erase(surname, surname_end - surname);
  swapped.insert(forename, xml.substr(surname, surname_end - surname));
  ASSERT_NE(swapped, xml);
  EXPECT_FALSE(Schema().AcceptsInDeclaredOrder(swapped));
  EXPECT_TRUE(Schema().Accepts(swapped));
}

// The declared-order XSD is the XSD with each xs:all made a sequence and
// nothing else changed, so it accepts only what the XSD accepts.
TEST(CouncilSchemaDeclaredOrder, KeepsAnXsdWithAnAllGroupItCannotRewrite) {
  const std::string xsd =
      "<xs:complexType name=\"A\"><xs:all minOccurs=\"0\"><xs:element name=\"X\"/>"
      "</xs:all></xs:complexType><xs:complexType name=\"B\"><xs:all>"
      "<xs:element name=\"Y\"/></xs:all></xs:complexType>";
  EXPECT_EQ(CouncilSchema::InDeclaredOrder(xsd), xsd);
}

TEST(CouncilSchemaDeclaredOrder, ChangesOnlyTheAllGroups) {
  const std::string xsd(SchemaText());
  const std::string ordered = CouncilSchema::InDeclaredOrder(xsd);
  const auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  ASSERT_GT(count(xsd, "<xs:all>"), 10U);
  EXPECT_EQ(count(ordered, "<xs:all"), 0U);
  EXPECT_EQ(count(ordered, "</xs:all>"), 0U);
  EXPECT_EQ(count(ordered, "<xs:sequence>"), count(xsd, "<xs:sequence>") + count(xsd, "<xs:all>"));
  // With the group tags taken out, the two are the same text.
  const auto without_groups = [](std::string text) {
    for (const std::string tag : {"<xs:all>", "</xs:all>", "<xs:sequence>", "</xs:sequence>"}) {
      for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at)) {
        text.erase(at, tag.size());
      }
    }
    return text;
  };
  EXPECT_EQ(without_groups(ordered), without_groups(xsd));
}

// Each change below makes the base document one the full check refuses.
struct Broken {
  const char* what;
  const char* from;
  const char* to;
};

class CouncilSchemaRefuses : public ::testing::TestWithParam<Broken> {};

TEST_P(CouncilSchemaRefuses, TheBrokenDocument) {
  const Broken& b = GetParam();
  const std::string xml = ReplaceOnce(MissingNotificationXml(), b.from, b.to);
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  const bool accepted = Schema().Accepts(xml);
  // libxml2's messages quote the document (a child's name, an address):
  // nothing may reach the process's output.
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_FALSE(accepted) << b.what;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CouncilSchemaRefuses,
    ::testing::Values(
        Broken{"truncated", "</CouncilEvent>", "</Council"},
        Broken{"a second root", "</CouncilEvent>", "</CouncilEvent><CouncilEvent/>"},
        Broken{"text after the root", "</CouncilEvent>", "</CouncilEvent>Alex"},
        Broken{"a mismatched end tag", "<Forename>Alex</Forename>", "<Forename>Alex</Surname>"},
        Broken{"a value outside its pattern", "<FromLA>860</FromLA>", "<FromLA>86</FromLA>"},
        Broken{"a code outside its list", "<Sex>1</Sex>", "<Sex>7</Sex>"},
        Broken{"a date outside its pattern", "<DateOfBirth>2010-05-04</DateOfBirth>",
               "<DateOfBirth>2010-5-4</DateOfBirth>"},
        Broken{"the required attribute missing", R"( type="MissingNotification")", ""},
        Broken{"an unknown element", "<Forename>Alex</Forename>",
               "<Forename>Alex</Forename><Nickname>Al</Nickname>"},
        Broken{"an element twice", "<Forename>Alex</Forename>",
               "<Forename>Alex</Forename><Forename>Al</Forename>"},
        Broken{"an unknown attribute", R"(type="MissingNotification")",
               R"(type="MissingNotification" urgent="yes")"},
        Broken{"an undeclared prefix", "<Forename>Alex</Forename>",
               "<x:Forename>Alex</x:Forename>"},
        Broken{"another namespace", "urn:isagw:council:1", "urn:isagw:council:2"},
        Broken{"text where elements go", "<Header>", "<Header>Alex"},
        Broken{"a byte that is not UTF-8", "<Forename>Alex</Forename>",
               "<Forename>Al\xff"
               "ex</Forename>"}));

// A document naming an external entity is never completed from it: here
// the file holds a name that would make the document valid, and the
// document is still refused, without a word on stderr.
TEST(CouncilSchemaAccepts, NeverExpandsAnExternalEntity) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("council-schema-test-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << "Alex";
  std::string xml =
      ReplaceOnce(MissingNotificationXml(), R"(<?xml version="1.0" encoding="UTF-8"?>)",
                  R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE CouncilEvent [<!ENTITY name SYSTEM "file://)" +
                      file.string() + R"(">]>)");
  xml = ReplaceOnce(xml, "<Forename>Alex</Forename>", "<Forename>&name;</Forename>");
  ::testing::internal::CaptureStderr();
  const bool accepted = Schema().Accepts(xml);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_FALSE(accepted);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace isagw::adapters::council_xml
