#include "gateway/config/yaml_stream.h"

#include <gtest/gtest.h>

namespace isagw::config {
namespace {

TEST(YamlStream, CountsDocumentsUpToTwo) {
  EXPECT_EQ(ReadYamlStream("").documents, 0);
  EXPECT_TRUE(ReadYamlStream("").first.IsNull());

  const YamlStream one = ReadYamlStream("a: 1\n");
  EXPECT_EQ(one.documents, 1);
  EXPECT_EQ(one.first["a"].as<int>(), 1);

  const YamlStream two = ReadYamlStream("a: 1\n---\nb: 2\n");
  EXPECT_EQ(two.documents, 2);
  EXPECT_EQ(two.first["a"].as<int>(), 1);
  EXPECT_EQ(ReadYamlStream("a: 1\n---\nb: 2\n---\nc: 3\n").documents, 2);
}

// yaml-cpp 0.7's LoadAll never returns on these (issue #1040): each
// parser call reports another empty document without moving on. Before
// ReadYamlStream, each of the gateway's loaders hung here, allocating.
TEST(YamlStream, ALoneCommaIsNotReadForEver) {
  for (const char* text : {",", ",\n", "# a comment\n, x\n"}) {
    const YamlStream stream = ReadYamlStream(text);
    EXPECT_EQ(stream.documents, 2) << text;  // refused as more than one document
  }
}

TEST(YamlStream, ASyntaxErrorThrowsAsYamlCppDoes) {
  EXPECT_THROW(ReadYamlStream("a: [1, 2\n"), YAML::Exception);
}

}  // namespace
}  // namespace isagw::config
