// BodyWriter must give exactly DumpBody's bytes: the audit chain hashes
// them, and entries written before BodyWriter existed were DumpBody's.
#include "gateway/audit/body_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "gateway/audit/body_json.h"

namespace isagw::audit {
namespace {

std::string Written(const std::string& value) {
  BodyWriter writer;
  writer.BeginObject().Member("k", value).EndObject();
  return writer.Take();
}

std::string Dumped(const std::string& value) { return DumpBody(nlohmann::json{{"k", value}}); }

TEST(BodyWriter, EscapesEachByteAsDumpBodyDoes) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string value = "a" + std::string(1, static_cast<char>(byte)) + "b";
    EXPECT_EQ(Written(value), Dumped(value)) << "byte " << byte;
  }
}

TEST(BodyWriter, WritesValidUtf8AsItIsAndInvalidAsDumpBodyReplacesIt) {
  for (const std::string value :
       {"§2 é ü",
        "Ł\xc3\xb3"
        "dź",
        "\xf0\x9f\x98\x80", "\xef\xbf\xbf", "\xed\x9f\xbf",
        // Invalid: overlong, a surrogate, above U+10FFFF, cut short, a lone
        // continuation byte.
        "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ab\xe2\x82", "\x80x"}) {
    EXPECT_EQ(Written(value), Dumped(value)) << value;
  }
}

// Random strings from an alphabet weighted towards what needs care:
// controls, quotes, backslashes, lead and continuation bytes.
TEST(BodyWriter, MatchesDumpBodyOnRandomStrings) {
  std::mt19937 random(20261207);
  const std::string alphabet =
      std::string("ab\"\\/\x01\x1f\x7f\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x80\xff\xc0") + '\0';
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  int differing = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string value;
    for (int n = length(random); n > 0; --n) value += alphabet[pick(random)];
    if (Written(value) != Dumped(value)) ++differing;
  }
  EXPECT_EQ(differing, 0);
}

}  // namespace
}  // namespace isagw::audit
