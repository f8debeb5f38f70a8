// CouncilSchema::Accepts is the check every council XML document the
// gateway sends passes first (Encode refuses what it refuses), so it must
// refuse whatever the full check refuses, and say nothing while doing it.
#include "adapters/council_xml/council_schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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
