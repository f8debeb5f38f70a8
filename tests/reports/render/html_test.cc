#include "gateway/reports/render/html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "gateway/reports/render/escape.h"
#include "tests/reports/render/sample_document.h"

namespace isagw::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

ReportDocument Hostile() {
  ReportDocument document = testing::SampleDocument();
  document.title = "<script>alert('title')</script>";
  document.agency_name = "Derby & <b>District</b>";
  document.period = "\"2026\" <img src=x onerror=alert(1)>";
  document.generated_at = "<iframe src=\"http://example.org\">";
  document.notes.push_back("<script src=\"https://evil.example/x.js\"></script>");
  document.line_charts.front().series.front().name = "<script>s</script>";
  document.tables.front().columns.front() = "<th>Measure</th>";
  return document;
}

TEST(RenderHtml, IsAnHtml5PageWithCharsetAndARestrictivePolicy) {
  const std::string html = RenderHtml(testing::SampleDocument());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                              "'none'; style-src 'unsafe-inline'; img-src data:\">"));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("</html>\n"));
}

TEST(RenderHtml, ShowsTitleAgencyPeriodGeneratedAtAndNotes) {
  const ReportDocument document = testing::SampleDocument();
  const std::string html = RenderHtml(document);
  EXPECT_THAT(html, HasSubstr("<h1>Missing from care: monthly figures</h1>"));
  EXPECT_THAT(html, HasSubstr("<dd>Derby City Council</dd>"));
  EXPECT_THAT(html, HasSubstr("<dd>2026-04-01 to 2027-03-31</dd>"));
  EXPECT_THAT(html, HasSubstr("<dd>2027-04-02T08:00:00Z</dd>"));
  EXPECT_THAT(html, HasSubstr("<li>Return home interviews offered within 72 hours (statutory "
                              "guidance).</li>"));
  EXPECT_THAT(html, HasSubstr("<li>Figures under 5 are shown as they are &amp; not suppressed "
                              "&lt;here&gt;.</li>"));
}

TEST(RenderHtml, DrawsEveryChartAsInlineSvg) {
  ReportDocument document = testing::SampleDocument();
  document.bar_charts.push_back({"Empty", {}});
  const std::string html = RenderHtml(document);
  EXPECT_EQ(Count(html, "<svg "), 3u);
  EXPECT_EQ(Count(html, "</svg>"), 3u);
  EXPECT_THAT(html, HasSubstr("Episodes and children by month"));
  EXPECT_THAT(html, HasSubstr(">Children</text>"));
  EXPECT_THAT(html, HasSubstr(">Markeaton Park</text>"));
  EXPECT_THAT(html, HasSubstr("No data"));
}

TEST(RenderHtml, ContainsEveryTableCellEscaped) {
  const ReportDocument document = testing::SampleDocument();
  const std::string html = RenderHtml(document);
  EXPECT_THAT(html, HasSubstr("<caption>Key performance indicators</caption>"));
  for (const auto& column : document.tables.front().columns) {
    EXPECT_THAT(html, HasSubstr("<th scope=\"col\">" + EscapeMarkup(column) + "</th>"));
  }
  for (const auto& row : document.tables.front().rows) {
    for (const auto& cell : row) {
      EXPECT_THAT(html, HasSubstr(">" + EscapeMarkup(cell) + "</td>")) << cell;
    }
  }
  EXPECT_THAT(html,
              HasSubstr("<td>A &amp; B &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">87.5%</td>"));
}

TEST(RenderHtml, EscapesEverythingThatComesFromData) {
  const std::string html = RenderHtml(Hostile());
  const std::string lower = Lower(html);
  EXPECT_THAT(lower, Not(HasSubstr("<script")));
  EXPECT_THAT(lower, Not(HasSubstr("<img")));
  EXPECT_THAT(lower, Not(HasSubstr("<iframe")));
  EXPECT_THAT(lower, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</h1>"));
  EXPECT_THAT(html, HasSubstr("<dd>Derby &amp; &lt;b&gt;District&lt;/b&gt;</dd>"));
  EXPECT_THAT(html, HasSubstr("&lt;th&gt;Measure&lt;/th&gt;"));
}

TEST(RenderHtml, RefersToNothingOutsideThePage) {
  const std::string lower = Lower(RenderHtml(testing::SampleDocument()));
  EXPECT_THAT(lower, Not(HasSubstr("http://")));
  EXPECT_THAT(lower, Not(HasSubstr("https://")));
  EXPECT_THAT(lower, Not(HasSubstr("<script")));
  EXPECT_THAT(lower, Not(HasSubstr("src=")));
  EXPECT_THAT(lower, Not(HasSubstr("href=")));
  EXPECT_THAT(lower, Not(HasSubstr("<link")));
  EXPECT_THAT(lower, Not(HasSubstr("@import")));
  EXPECT_THAT(lower, Not(HasSubstr("url(")));
}

TEST(RenderHtml, UrlsInDataStayText) {
  // A URL a council typed is shown, never loaded: no attribute holds it.
  const std::string lower = Lower(RenderHtml(Hostile()));
  EXPECT_THAT(lower, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(lower, Not(HasSubstr("src=\"https")));
  EXPECT_THAT(lower, HasSubstr("&lt;script src=&quot;https://evil.example/x.js&quot;&gt;"));
}

TEST(RenderHtml, AnEmptyDocumentIsStillAWholePage) {
  const std::string html = RenderHtml(ReportDocument{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
  EXPECT_THAT(html, Not(HasSubstr("<table")));
}

TEST(RenderHtml, ATableWithoutRowsSaysSo) {
  ReportDocument document;
  document.tables.push_back({"missing_now", "Missing now", {"Child", "Since"}, {}});
  const std::string html = RenderHtml(document);
  EXPECT_THAT(html, HasSubstr("<td class=\"none\" colspan=\"2\">No rows</td>"));
}

}  // namespace
}  // namespace isagw::reports
