#include "gateway/reports/render/escape.h"

#include <gtest/gtest.h>

namespace isagw::reports {
namespace {

TEST(RenderEscape, TurnsMarkupCharactersIntoReferences) {
  EXPECT_EQ(EscapeMarkup("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(RenderEscape, KeepsValidUtf8AsItIs) {
  const std::string welsh =
      "Ysgol Gymraeg Llundain \xE2\x80\x93 \xC5\x81\xC3\xB3\x64\xC5\xBA \xF0\x9F\x9A\x8C";
  EXPECT_EQ(EscapeMarkup(welsh), welsh);
}

TEST(RenderEscape, ReplacesInvalidUtf8AndControlsXmlForbids) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(EscapeMarkup(std::string("a\xFF"
                                     "b\x01"
                                     "c\td",
                                     7)),
            "a" + fffd + "b" + fffd + "c\td");
  EXPECT_EQ(EscapeMarkup("\xC0\xAF"), fffd + fffd);             // overlong "/"
  EXPECT_EQ(EscapeMarkup("\xED\xA0\x80"), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(EscapeMarkup("\xE2\x82"), fffd + fffd);             // cut short
  EXPECT_EQ(EscapeMarkup("\xEF\xBF\xBF"), fffd);                // U+FFFF
  EXPECT_EQ(EscapeMarkup(std::string("\0", 1)), fffd);
}

TEST(RenderEscape, AbbreviateLeavesShortTextAlone) {
  EXPECT_EQ(Abbreviate("Markeaton Park", 28), "Markeaton Park");
  EXPECT_EQ(Abbreviate("", 28), "");
}

TEST(RenderEscape, AbbreviateCountsCharactersNotBytesAndEndsWithEllipsis) {
  // "Łódź Fabryczna": 5 characters kept would end in a space, so 4 and "…".
  EXPECT_EQ(Abbreviate("\xC5\x81\xC3\xB3\x64\xC5\xBA Fabryczna", 6),
            "\xC5\x81\xC3\xB3\x64\xC5\xBA\xE2\x80\xA6");
  EXPECT_EQ(Abbreviate("abcdefghij", 5), "abcd\xE2\x80\xA6");
  EXPECT_EQ(Abbreviate("abcdefghij", 0), "");
}

}  // namespace
}  // namespace isagw::reports
