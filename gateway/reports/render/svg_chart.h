// The report charts as SVG: a line chart for trends, horizontal bars for
// rankings. Value axes start at 0 and end at a round number at or above
// the largest value; series take Okabe-Ito colours (safe for colour-blind
// readers) and, past eight series, dashes as well. A chart with nothing
// to draw (no series or bars, or only zeros) is a frame saying "No data".
//
// Values are counts and rates: negative ones are drawn at 0, and a value
// that is not finite is left out (a gap in its line, an empty bar).
#pragma once

#include <string>

#include "gateway/reports/report_document.h"

namespace isagw::reports {

// A standalone document carries the XML declaration and the SVG namespace;
// an inline one is an <svg> element for an HTML page, which needs neither
// (and so holds no URL at all).
enum class SvgEmbedding { kStandalone, kInline };

std::string RenderLineChartSvg(const LineChart& chart,
                               SvgEmbedding embedding = SvgEmbedding::kStandalone);
std::string RenderBarChartSvg(const BarChart& chart,
                              SvgEmbedding embedding = SvgEmbedding::kStandalone);

}  // namespace isagw::reports
