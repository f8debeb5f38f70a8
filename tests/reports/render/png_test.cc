#include "gateway/reports/render/png.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "gateway/reports/render/svg_chart.h"
#include "tests/reports/render/png_pixels.h"
#include "tests/reports/render/sample_document.h"

namespace isagw::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::uint32_t kBlue = 0x0072B2;    // the first series' colour
constexpr std::uint32_t kOrange = 0xE69F00;  // the second's

std::string LineSvg() { return RenderLineChartSvg(testing::SampleDocument().line_charts.front()); }

TEST(RenderSvgToPng, StartsWithThePngSignature) {
  auto png = RenderSvgToPng(LineSvg(), 600);
  ASSERT_TRUE(png.ok()) << png.error();
  EXPECT_EQ(png->substr(0, kPngSignature.size()), kPngSignature);
}

TEST(RenderSvgToPng, HasTheRequestedWidthAndTheChartsAspectRatio) {
  for (int width : {1, 300, 1000, 1600}) {
    auto png = RenderSvgToPng(LineSvg(), width);
    ASSERT_TRUE(png.ok()) << png.error();
    auto summary = testing::SummarizePng(*png);
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->width, width);
    EXPECT_GE(summary->height, 1);
  }
  // The charts are 800 wide: at 800 the PNG is as tall as the SVG says.
  const std::string svg = LineSvg();
  const std::size_t at = svg.find("height=\"") + 8;
  const double height = std::stod(svg.substr(at));
  auto png = RenderSvgToPng(svg, 1600);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(testing::SummarizePng(*png)->height, static_cast<int>(std::round(height * 2)));
}

TEST(RenderSvgToPng, DrawsTheChartNotABlankImage) {
  auto png = RenderSvgToPng(LineSvg(), 800);
  ASSERT_TRUE(png.ok()) << png.error();
  auto summary = testing::SummarizePng(*png);
  ASSERT_TRUE(summary);
  const long pixels = static_cast<long>(summary->width) * summary->height;
  EXPECT_GT(summary->non_white, pixels / 50) << summary->non_white << " of " << pixels;
  EXPECT_LT(summary->non_white, pixels / 2);  // a white background, not a filled box
}

TEST(RenderSvgToPng, DrawsEachOfTwoSeriesInItsOwnColour) {
  auto png = RenderSvgToPng(LineSvg(), 800);
  ASSERT_TRUE(png.ok()) << png.error();
  auto summary = testing::SummarizePng(*png);
  ASSERT_TRUE(summary);
  EXPECT_GE(summary->CountOf(kBlue), 100);
  EXPECT_GE(summary->CountOf(kOrange), 100);
  long strong = 0;  // colours that cover more than a few anti-aliased pixels
  for (const auto& [rgb, count] : summary->colours) strong += count >= 50 ? 1 : 0;
  EXPECT_GE(strong, 3);  // both series and the text and axes
}

TEST(RenderSvgToPng, DrawsBarChartsAndEmptyCharts) {
  auto bars = RenderSvgToPng(RenderBarChartSvg(testing::SampleDocument().bar_charts.front()), 800);
  ASSERT_TRUE(bars.ok()) << bars.error();
  auto summary = testing::SummarizePng(*bars);
  ASSERT_TRUE(summary);
  EXPECT_GE(summary->CountOf(kBlue), 1000);

  auto empty = RenderSvgToPng(RenderBarChartSvg(BarChart{}), 400);
  ASSERT_TRUE(empty.ok()) << empty.error();
  auto empty_summary = testing::SummarizePng(*empty);
  ASSERT_TRUE(empty_summary);
  EXPECT_GT(empty_summary->non_white, 100);  // the frame and "No data"
}

TEST(RenderSvgToPng, BadInputIsAnErrorWithoutTheInputInIt) {
  const std::string svg = LineSvg();
  for (const std::string& bad :
       {std::string(), std::string("SECRET not svg at all"), std::string("<svg SECRET"),
        std::string("<html><body>SECRET</body></html>"),
        std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>SECRET</text></svg>"),
        svg.substr(0, svg.size() / 2), std::string("\x89PNG\r\n\x1a\n\0\0SECRET", 15)}) {
    auto png = RenderSvgToPng(bad, 400);
    ASSERT_FALSE(png.ok()) << bad;
    EXPECT_FALSE(png.error().empty());
    EXPECT_THAT(png.error(), Not(HasSubstr("SECRET")));
  }
}

TEST(RenderSvgToPng, RefusesWidthsOutOfRange) {
  for (int width : {0, -1, kMaxPngSidePx + 1}) {
    auto png = RenderSvgToPng(LineSvg(), width);
    ASSERT_FALSE(png.ok()) << width;
    EXPECT_THAT(png.error(), HasSubstr("width"));
  }
  // A tall, narrow SVG scaled to a wide PNG would be too tall.
  auto tall = RenderSvgToPng(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"1000\"></svg>", 1000);
  ASSERT_FALSE(tall.ok());
  EXPECT_THAT(tall.error(), HasSubstr("taller"));
}

TEST(RenderSvgToPng, SizesAnSvgFromItsViewBoxWhenItHasNoWidth) {
  auto png = RenderSvgToPng(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\">"
      "<rect width=\"200\" height=\"100\" fill=\"#0072B2\"/></svg>",
      400);
  ASSERT_TRUE(png.ok()) << png.error();
  auto summary = testing::SummarizePng(*png);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->height, 200);
  EXPECT_EQ(summary->CountOf(kBlue), 400 * 200);
}

}  // namespace
}  // namespace isagw::reports
