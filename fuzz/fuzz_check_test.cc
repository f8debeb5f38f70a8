// The fuzz targets' property checks must be able to fail: a decoder that
// quotes a value in its refusal is caught, one that names a code word the
// input also holds is not, and a malformed refusal is caught.
#include "fuzz/fuzz_check.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace isagw::fuzz {
namespace {

// Refuses every input, quoting the value of "name" when `quoting`.
Refuse Decoder(bool quoting) {
  return [quoting](std::string_view bytes) {
    const std::size_t start = bytes.find("\"name\":\"");
    std::string value;
    if (start != std::string_view::npos) {
      const std::size_t from = start + 8;
      value = std::string(bytes.substr(from, bytes.find('"', from) - from));
    }
    return FieldErrors{{"/name", "pattern",
                        quoting ? "the name " + value + " is not allowed"
                                : "an INTELLIGENCE record is not allowed here"}};
  };
}

void Check(const std::string& input, bool quoting) {
  const Refuse refuse = Decoder(quoting);
  RequireWellFormedRefusal(input, refuse(input), JsonValues(input), refuse);
}

TEST(FuzzCheckDeathTest, ARefusalQuotingAValueIsCaught) {
  EXPECT_DEATH(Check(R"({"name":"Zephyrine Quillfeather"})", true),
               "a refusal never quotes a value");
}

TEST(FuzzCheckDeathTest, ARefusalQuotingAValueInAnotherCaseIsCaught) {
  // As a media type comes back: lower-cased.
  const Refuse lowering = [](std::string_view bytes) {
    std::string reason(bytes);
    for (char& c : reason) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return FieldErrors{{"", "unsupported", "not " + reason}};
  };
  const std::string input = "application/Secret-Value";
  EXPECT_DEATH(RequireWellFormedRefusal(input, lowering(input), {input}, lowering),
               "a refusal never quotes a value");
}

TEST(FuzzCheckDeathTest, ACodeWordTheReasonNamesIsNotTakenForAQuote) {
  Check(R"({"name":"INTELLIGENCE"})", false);  // returns: no abort
  SUCCEED();
}

TEST(FuzzCheckDeathTest, ARefusalWithoutACodeOrWithABadPointerIsCaught) {
  EXPECT_DEATH(RequireWellFormedRefusal("{}", {{"/a", "", "why"}}, {}, Decoder(false)),
               "every refusal has a code");
  EXPECT_DEATH(RequireWellFormedRefusal("{}", {{"a", "code", "why"}}, {}, Decoder(false)),
               "JSON Pointer");
  EXPECT_DEATH(RequireWellFormedRefusal("{}", {}, {}, Decoder(false)), "at least one reason");
}

TEST(FuzzCheck, ValuesAreTheInputsTextNotItsKeysOrCodeWords) {
  const auto json = JsonValues(R"({"forename":"Zephyrine","risk":"high","n":"DB/21/2026/004512"})");
  EXPECT_EQ(json, (std::vector<std::string>{"Zephyrine", "DB/21/2026/004512"}));
  const auto xml = XmlValues("<a><b>Quillfeather</b><c x=\"Marigold Lantern\">low</c></a>");
  EXPECT_EQ(xml, (std::vector<std::string>{"Quillfeather", "Marigold Lantern"}));
  const auto csv = CsvValues("Forename,Risk\r\n\"Zephyrine Q\",high\r\n");
  EXPECT_EQ(csv, (std::vector<std::string>{"Zephyrine Q"}));
}

}  // namespace
}  // namespace isagw::fuzz
