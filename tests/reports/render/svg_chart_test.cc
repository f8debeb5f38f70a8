#include "gateway/reports/render/svg_chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "tests/reports/render/sample_document.h"
#include "tests/reports/render/xml_test_util.h"

namespace isagw::reports {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ParseXml;
using testing::TextsOfClass;

// The largest y (or x) tick label, as a number.
double LargestTick(const testing::XmlDoc& doc, const char* cls) {
  double largest = -1;
  for (std::string label : TextsOfClass(doc, cls)) {
    label.erase(std::remove(label.begin(), label.end(), ','), label.end());
    largest = std::max(largest, std::stod(label));
  }
  return largest;
}

std::size_t CodePoints(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void ExpectNoNumberTrouble(const std::string& svg) {
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
  EXPECT_THAT(svg, Not(HasSubstr("NaN")));
  EXPECT_THAT(svg, Not(HasSubstr("e+")));
}

LineChart TwoSeries() { return testing::SampleDocument().line_charts.front(); }

TEST(RenderLineChartSvg, ParsesAsXmlWithTitleLabelsAndSeriesNames) {
  const std::string svg = RenderLineChartSvg(TwoSeries());
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc) << svg;
  xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
  ASSERT_NE(root->ns, nullptr);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->ns->href), "http://www.w3.org/2000/svg");
  EXPECT_FALSE(testing::AttributeOf(root, "width").empty());
  EXPECT_FALSE(testing::AttributeOf(root, "height").empty());
  EXPECT_THAT(testing::AttributeOf(root, "viewBox"), HasSubstr("0 0 "));

  EXPECT_THAT(TextsOfClass(doc, "title"), Contains("Episodes and children by month"));
  EXPECT_THAT(TextsOfClass(doc, "legend-label"), ::testing::ElementsAre("Episodes", "Children"));
  const auto x_ticks = TextsOfClass(doc, "x-tick");
  EXPECT_THAT(x_ticks, Contains("Apr"));
  EXPECT_THAT(x_ticks, Contains("Mar"));
  EXPECT_EQ(TextsOfClass(doc, "y-tick").front(), "0");
  ExpectNoNumberTrouble(svg);
}

TEST(RenderLineChartSvg, GivesEachSeriesItsOwnColour) {
  const std::string svg = RenderLineChartSvg(TwoSeries());
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc);
  std::vector<xmlNode*> groups;
  testing::FindAll(xmlDocGetRootElement(doc.get()), "g", "series", groups);
  ASSERT_EQ(groups.size(), 2u);
  std::set<std::string> strokes;
  for (xmlNode* group : groups) {
    std::vector<xmlNode*> paths;
    testing::FindAll(group->children, "path", "", paths);
    ASSERT_EQ(paths.size(), 1u);
    strokes.insert(testing::AttributeOf(paths.front(), "stroke"));
  }
  EXPECT_EQ(strokes.size(), 2u);
}

TEST(RenderLineChartSvg, YAxisReachesAtLeastTheLargestValueInRoundSteps) {
  for (double largest : {1.0, 3.0, 37.0, 41.0, 99.5, 100.0, 1234567.0, 0.0042}) {
    LineChart chart;
    chart.x_labels = {"a", "b"};
    chart.series = {{"s", {largest / 2, largest}}};
    auto doc = ParseXml(RenderLineChartSvg(chart));
    ASSERT_TRUE(doc) << largest;
    const auto ticks = TextsOfClass(doc, "y-tick");
    ASSERT_GE(ticks.size(), 2u) << largest;
    EXPECT_EQ(std::stod(ticks.front()), 0) << largest;
    EXPECT_GE(LargestTick(doc, "y-tick"), largest) << largest;
    EXPECT_LE(ticks.size(), 12u) << largest;
  }
}

TEST(RenderLineChartSvg, LabelsWholeCountsWithWholeTicks) {
  LineChart chart;
  chart.x_labels = {"a", "b", "c"};
  chart.series = {{"s", {1, 0, 1}}};
  auto doc = ParseXml(RenderLineChartSvg(chart));
  ASSERT_TRUE(doc);
  EXPECT_THAT(TextsOfClass(doc, "y-tick"), ::testing::ElementsAre("0", "1"));
}

TEST(RenderLineChartSvg, EscapesTextSoItReadsBackUnchanged) {
  LineChart chart;
  chart.title = "Trend <b>&amp; \"quoted\" 'single'";
  chart.x_labels = {"<x>", "a&b"};
  chart.series = {{"</text><script>alert(1)</script>", {1, 2}}};
  const std::string svg = RenderLineChartSvg(chart);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc) << svg;
  EXPECT_THAT(TextsOfClass(doc, "title"), Contains(chart.title));
  EXPECT_THAT(TextsOfClass(doc, "x-tick"), ::testing::ElementsAre("<x>", "a&b"));
  EXPECT_THAT(TextsOfClass(doc, "legend-label"), Contains(chart.series[0].name));
}

TEST(RenderLineChartSvg, StaysWellFormedWithInvalidUtf8AndControlCharacters) {
  LineChart chart;
  chart.title = std::string("bad \xFF\x01 title", 12);
  chart.x_labels = {std::string("\0", 1)};
  chart.series = {{"\xC3", {4}}};
  EXPECT_TRUE(ParseXml(RenderLineChartSvg(chart)));
}

TEST(RenderLineChartSvg, EmptyChartsAreAFrameSayingNoData) {
  LineChart no_series;
  no_series.title = "Nothing yet";
  no_series.x_labels = {"Apr", "May"};
  LineChart no_points;
  no_points.series = {{"s", {}}};
  LineChart all_zeros;
  all_zeros.x_labels = {"Apr", "May"};
  all_zeros.series = {{"a", {0, 0}}, {"b", {0, 0}}};
  for (const LineChart& chart : {no_series, no_points, all_zeros, LineChart{}}) {
    const std::string svg = RenderLineChartSvg(chart);
    auto doc = ParseXml(svg);
    ASSERT_TRUE(doc) << svg;
    EXPECT_THAT(TextsOfClass(doc, "no-data"), ::testing::ElementsAre("No data"));
    ExpectNoNumberTrouble(svg);
  }
}

TEST(RenderLineChartSvg, LeavesOutValuesThatAreNotFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  LineChart chart;
  chart.x_labels = {"a", "b", "c", "d"};
  chart.series = {{"s", {nan, 5, inf, -3}}, {"t", {nan, nan}}};
  const std::string svg = RenderLineChartSvg(chart);
  ASSERT_TRUE(ParseXml(svg)) << svg;
  ExpectNoNumberTrouble(svg);

  chart.series = {{"only bad", {nan, inf, -inf}}};
  const std::string empty = RenderLineChartSvg(chart);
  EXPECT_THAT(empty, HasSubstr("No data"));
  ExpectNoNumberTrouble(empty);
}

TEST(RenderLineChartSvg, DrawsOnePointWithoutDividingByZero) {
  LineChart chart;
  chart.x_labels = {"Apr"};
  chart.series = {{"s", {7}}};
  const std::string svg = RenderLineChartSvg(chart);
  ASSERT_TRUE(ParseXml(svg));
  EXPECT_THAT(svg, HasSubstr("<circle"));
  ExpectNoNumberTrouble(svg);
}

TEST(RenderLineChartSvg, HugeValuesStayReadable) {
  LineChart chart;
  chart.x_labels = {"a"};
  chart.series = {{"s", {std::numeric_limits<double>::max()}}};
  const std::string svg = RenderLineChartSvg(chart);
  ASSERT_TRUE(ParseXml(svg));
  ExpectNoNumberTrouble(svg);
  EXPECT_LT(svg.size(), 20000u);
}

TEST(RenderLineChartSvg, ManySeriesAllGetALegendEntryAndStayDistinct) {
  LineChart chart;
  chart.x_labels = {"a", "b"};
  for (int i = 0; i < 12; ++i)
    chart.series.push_back({"series " + std::to_string(i), {1.0 * i, 2}});
  const std::string svg = RenderLineChartSvg(chart);
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc);
  EXPECT_EQ(TextsOfClass(doc, "legend-label").size(), 12u);
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray"));  // colours repeat past eight, dashes do not
}

TEST(RenderLineChartSvg, InlineHasNoNamespaceOrDeclaration) {
  const std::string svg = RenderLineChartSvg(TwoSeries(), SvgEmbedding::kInline);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_THAT(svg, Not(HasSubstr("http")));
  EXPECT_THAT(svg, Not(HasSubstr("<?xml")));
}

BarChart HotSpots() { return testing::SampleDocument().bar_charts.front(); }

TEST(RenderBarChartSvg, ParsesAsXmlWithEveryLabelAndValue) {
  const std::string svg = RenderBarChartSvg(HotSpots());
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc) << svg;
  EXPECT_THAT(TextsOfClass(doc, "title"), Contains("Hot spots"));
  const auto labels = TextsOfClass(doc, "bar-label");
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0], "Derby bus station, Morledge");
  EXPECT_EQ(labels[3], "Markeaton Park");
  EXPECT_THAT(TextsOfClass(doc, "bar-value"), ::testing::ElementsAre("14", "9", "6", "4"));
  EXPECT_GE(LargestTick(doc, "x-tick"), 14);
  EXPECT_EQ(TextsOfClass(doc, "x-tick").front(), "0");
  ExpectNoNumberTrouble(svg);
}

TEST(RenderBarChartSvg, CutsLongLabelsWithAnEllipsisAndKeepsTheFullOneAsATooltip) {
  const std::string svg = RenderBarChartSvg(HotSpots());
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc);
  const std::string cut = TextsOfClass(doc, "bar-label")[1];
  EXPECT_EQ(CodePoints(cut), 28u);
  EXPECT_EQ(cut.substr(cut.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(cut.rfind("Westfield shopping centre", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("<title>Westfield shopping centre and the surrounding car parks: 9"));
}

TEST(RenderBarChartSvg, EscapesLabels) {
  const std::string svg = RenderBarChartSvg(HotSpots());
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  auto doc = ParseXml(svg);
  ASSERT_TRUE(doc);
  EXPECT_EQ(TextsOfClass(doc, "bar-label")[2], "Friar Gate <script>alert(1)\xE2\x80\xA6");
}

TEST(RenderBarChartSvg, EmptyChartsAreAFrameSayingNoData) {
  BarChart no_bars;
  no_bars.title = "Hot spots";
  BarChart zeros;
  zeros.bars = {{"a", 0}, {"b", 0}};
  for (const BarChart& chart : {no_bars, zeros}) {
    const std::string svg = RenderBarChartSvg(chart);
    auto doc = ParseXml(svg);
    ASSERT_TRUE(doc) << svg;
    EXPECT_THAT(TextsOfClass(doc, "no-data"), ::testing::ElementsAre("No data"));
    EXPECT_TRUE(TextsOfClass(doc, "bar-label").empty());
    ExpectNoNumberTrouble(svg);
  }
}

TEST(RenderBarChartSvg, FractionalValuesGetFractionalTicksAndLabels) {
  BarChart chart;
  chart.bars = {{"a", 0.25}, {"b", 0.1234}, {"c", 0.001}};
  auto doc = ParseXml(RenderBarChartSvg(chart));
  ASSERT_TRUE(doc);
  EXPECT_THAT(TextsOfClass(doc, "bar-value"), ::testing::ElementsAre("0.25", "0.12", "<0.01"));
  EXPECT_GE(LargestTick(doc, "x-tick"), 0.25);
}

}  // namespace
}  // namespace isagw::reports
