#include "gateway/reports/render/svg_chart.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "gateway/reports/render/escape.h"

namespace isagw::reports {
namespace {

// Okabe & Ito (2008), ordered so the first colours read best on white.
constexpr std::array<std::string_view, 8> kPalette = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                      "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
// Past eight series colours repeat, so each round of them gets a dash.
constexpr std::array<std::string_view, 4> kDashes = {"", "8 4", "2 3", "9 3 2 3"};

constexpr double kWidth = 800;
constexpr double kMargin = 16;
constexpr double kCharWidth = 7.2;  // DejaVu Sans at 12px, on average: to lay labels out
constexpr double kTitleHeight = 44;
constexpr double kLinePlotHeight = 260;
constexpr double kBarRow = 26;
constexpr double kBarThickness = 18;
constexpr double kEmptyHeight = 200;
constexpr int kTargetTicks = 5;
constexpr std::size_t kBarLabelChars = 28;  // hot-spot names can be whole addresses
constexpr std::size_t kLegendChars = 32;
constexpr std::size_t kXLabelChars = 16;
// Values are clamped here so that axis arithmetic stays finite and the
// labels short; no count or rate comes near it.
constexpr double kLargest = 1e15;
constexpr double kSmallest = 1e-9;  // below this a value is drawn as 0
constexpr std::string_view kFont = "DejaVu Sans, Verdana, Arial, sans-serif";
constexpr std::string_view kInk = "#333333";
constexpr std::string_view kGrid = "#d9d9d9";

// `value` with `decimals` places, whatever the C locale says.
std::string Fixed(double value, int decimals) {
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "0";
  return std::string(buffer, end);
}

std::string Coord(double value) { return Fixed(value, 1); }

// 1234567 -> "1,234,567": how axes and bars label (non-negative) values.
std::string Grouped(double value, int decimals) {
  const std::string plain = Fixed(value, decimals);
  const std::size_t whole_digits = std::min(plain.find('.'), plain.size());
  std::string text;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i < whole_digits && (whole_digits - i) % 3 == 0) text += ',';
    text += plain[i];
  }
  return text;
}

bool IsWhole(double value) { return std::fabs(value - std::round(value)) < 1e-9; }

// A bar's value as people write it: "12", "12.5", "0.33". Not escaped.
std::string ValueLabel(double value) {
  if (IsWhole(value)) return Grouped(std::round(value), 0);
  std::string text = Grouped(value, 2);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "0" ? "<0.01" : text;  // a small rate is not none
}

// What can be drawn of a value: nothing when it is not finite, and within
// [0, kLargest] otherwise.
std::optional<double> Drawable(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  if (value < kSmallest) return 0.0;
  return std::min(value, kLargest);
}

// A value axis from 0 to a round number at or above the largest value, in
// steps of 1, 2, 2.5 or 5 times a power of ten (whole steps when every
// value is whole, so counts are not labelled 0.2, 0.4...).
struct ValueAxis {
  double max = 1;
  double step = 1;
  int decimals = 0;

  int Ticks() const { return static_cast<int>(std::lround(max / step)); }
  std::string Label(int tick) const { return Grouped(step * tick, decimals); }
};

ValueAxis NiceAxis(double largest, bool whole) {
  // largest is in [kSmallest, kLargest]: every step below is finite.
  const double raw = largest / kTargetTicks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double residual = raw / magnitude;
  const double nice = residual <= 1     ? 1
                      : residual <= 2   ? 2
                      : residual <= 2.5 ? 2.5
                      : residual <= 5   ? 5
                                        : 10;
  ValueAxis axis;
  axis.step = nice * magnitude;
  if (whole && axis.step < 1) axis.step = 1;
  axis.max = std::ceil(largest / axis.step - 1e-9) * axis.step;
  if (axis.max < largest) axis.max += axis.step;
  double scaled = axis.step;
  while (axis.decimals < 9 && !IsWhole(scaled)) {
    scaled *= 10;
    ++axis.decimals;
  }
  return axis;
}

// Roughly how wide `text` is drawn at 12px: characters times an average.
double TextWidth(std::string_view text) {
  const auto chars = std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  });
  return kCharWidth * static_cast<double>(chars);
}

void OpenSvg(std::string& out, double height, std::string_view title, SvgEmbedding embedding) {
  const std::string h = Coord(height);
  if (embedding == SvgEmbedding::kStandalone) {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\"";
  } else {
    out += "<svg";
  }
  out += " width=\"" + Coord(kWidth) + "\" height=\"" + h + "\" viewBox=\"0 0 " + Coord(kWidth) +
         " " + h + "\" role=\"img\" aria-label=\"" + EscapeMarkup(title) + "\" font-family=\"" +
         std::string(kFont) + "\" font-size=\"12\">\n";
  out += "<title>" + EscapeMarkup(title) + "</title>\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + Coord(kWidth) + "\" height=\"" + h +
         "\" fill=\"#ffffff\"/>\n";
  out += "<text class=\"title\" x=\"" + Coord(kMargin) +
         "\" y=\"26\" font-size=\"16\" font-weight=\"bold\" fill=\"" + std::string(kInk) + "\">" +
         EscapeMarkup(title) + "</text>\n";
}

std::string EmptyChart(std::string_view title, SvgEmbedding embedding) {
  std::string out;
  OpenSvg(out, kEmptyHeight, title, embedding);
  const double frame_height = kEmptyHeight - kTitleHeight - kMargin;
  out += "<rect class=\"frame\" x=\"" + Coord(kMargin) + "\" y=\"" + Coord(kTitleHeight) +
         "\" width=\"" + Coord(kWidth - 2 * kMargin) + "\" height=\"" + Coord(frame_height) +
         "\" fill=\"none\" stroke=\"#bbbbbb\"/>\n";
  out += "<text class=\"no-data\" x=\"" + Coord(kWidth / 2) + "\" y=\"" +
         Coord(kTitleHeight + frame_height / 2 + 5) +
         "\" text-anchor=\"middle\" font-size=\"14\" fill=\"#666666\">No data</text>\n";
  out += "</svg>\n";
  return out;
}

std::string_view ColourOf(std::size_t series) { return kPalette[series % kPalette.size()]; }

std::string DashOf(std::size_t series) {
  const std::string_view dash = kDashes[(series / kPalette.size()) % kDashes.size()];
  return dash.empty() ? "" : " stroke-dasharray=\"" + std::string(dash) + "\"";
}

// Lays the legend out in rows under the title; returns where it ends.
double DrawLegend(std::string& out, const std::vector<LineChart::Series>& series) {
  double x = kMargin;
  double y = kTitleHeight - 6;
  out += "<g class=\"legend\">\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::string name = Abbreviate(series[i].name, kLegendChars);
    const double width = 18 + TextWidth(name) + 16;
    if (x > kMargin && x + width > kWidth - kMargin) {
      x = kMargin;
      y += 20;
    }
    if (i < kPalette.size()) {
      out += "<rect x=\"" + Coord(x) + "\" y=\"" + Coord(y) +
             "\" width=\"12\" height=\"12\" fill=\"" + std::string(ColourOf(i)) + "\"/>";
    } else {
      out += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(y + 6) + "\" x2=\"" + Coord(x + 14) +
             "\" y2=\"" + Coord(y + 6) + "\" stroke=\"" + std::string(ColourOf(i)) +
             "\" stroke-width=\"3\"" + DashOf(i) + "/>";
    }
    out += "<text class=\"legend-label\" x=\"" + Coord(x + 18) + "\" y=\"" + Coord(y + 11) +
           "\" fill=\"" + std::string(kInk) + "\">" + EscapeMarkup(name) + "</text>\n";
    x += width;
  }
  out += "</g>\n";
  return y + 12;
}

}  // namespace

std::string RenderLineChartSvg(const LineChart& chart, SvgEmbedding embedding) {
  std::size_t points = chart.x_labels.size();
  if (points == 0) {
    for (const auto& s : chart.series) points = std::max(points, s.values.size());
  }
  std::vector<std::vector<std::optional<double>>> values;
  double largest = 0;
  bool whole = true;
  for (const auto& s : chart.series) {
    auto& row = values.emplace_back(points);
    for (std::size_t i = 0; i < points && i < s.values.size(); ++i) {
      row[i] = Drawable(s.values[i]);
      if (!row[i]) continue;
      largest = std::max(largest, *row[i]);
      whole = whole && IsWhole(*row[i]);
    }
  }
  if (points == 0 || largest <= 0) return EmptyChart(chart.title, embedding);

  const ValueAxis axis = NiceAxis(largest, whole);
  double widest_tick = 0;
  for (int t = 0; t <= axis.Ticks(); ++t) {
    widest_tick = std::max(widest_tick, TextWidth(axis.Label(t)));
  }

  // The legend's height depends on the names, so it is drawn first.
  std::string body;
  const double legend_end = DrawLegend(body, chart.series);
  const double top = legend_end + 20;
  const double bottom = top + kLinePlotHeight;
  const double left = std::round(kMargin + widest_tick + 10);
  const double right = kWidth - 24;
  const double band = (right - left) / static_cast<double>(points);
  const auto x_of = [&](std::size_t i) { return left + band * (static_cast<double>(i) + 0.5); };
  const auto y_of = [&](double v) { return bottom - v / axis.max * kLinePlotHeight; };

  // Horizontal grid and y ticks.
  body += "<g class=\"y-axis\" shape-rendering=\"crispEdges\">\n";
  for (int t = 0; t <= axis.Ticks(); ++t) {
    const double y = y_of(axis.step * t);
    body += "<line x1=\"" + Coord(left) + "\" y1=\"" + Coord(y) + "\" x2=\"" + Coord(right) +
            "\" y2=\"" + Coord(y) + "\" stroke=\"" + std::string(kGrid) + "\"/>";
    body += "<text class=\"y-tick\" x=\"" + Coord(left - 8) + "\" y=\"" + Coord(y + 4) +
            "\" text-anchor=\"end\" fill=\"" + std::string(kInk) + "\">" + axis.Label(t) +
            "</text>\n";
  }
  body += "</g>\n";

  // X labels: as many as fit without overlapping, evenly spaced.
  double widest_label = 0;
  for (const auto& label : chart.x_labels) {
    widest_label = std::max(widest_label, TextWidth(Abbreviate(label, kXLabelChars)));
  }
  const std::size_t every =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((widest_label + 8) / band)));
  body += "<g class=\"x-axis\">\n";
  for (std::size_t i = 0; i < chart.x_labels.size(); i += every) {
    body += "<text class=\"x-tick\" x=\"" + Coord(x_of(i)) + "\" y=\"" + Coord(bottom + 18) +
            "\" text-anchor=\"middle\" fill=\"" + std::string(kInk) + "\">" +
            EscapeMarkup(Abbreviate(chart.x_labels[i], kXLabelChars)) + "</text>\n";
  }
  body += "</g>\n";
  body += "<path class=\"axes\" d=\"M" + Coord(left) + " " + Coord(top) + "V" + Coord(bottom) +
          "H" + Coord(right) +
          "\" fill=\"none\" stroke=\"#444444\" shape-rendering=\"crispEdges\"/>\n";

  // One line per series, broken where a value is missing; dots on points
  // when there are few of them, and always on a point alone.
  const bool dots = points <= 31;
  for (std::size_t s = 0; s < values.size(); ++s) {
    const std::string colour(ColourOf(s));
    std::string path;
    std::string circles;
    for (std::size_t i = 0; i < points; ++i) {
      if (!values[s][i]) continue;
      const bool joined = i > 0 && values[s][i - 1];
      const bool alone = !joined && (i + 1 >= points || !values[s][i + 1]);
      path += (joined ? "L" : "M") + Coord(x_of(i)) + " " + Coord(y_of(*values[s][i]));
      if (dots || alone) {
        circles += "<circle cx=\"" + Coord(x_of(i)) + "\" cy=\"" + Coord(y_of(*values[s][i])) +
                   "\" r=\"3.5\" fill=\"" + colour + "\"/>";
      }
    }
    body += "<g class=\"series\"><title>" + EscapeMarkup(chart.series[s].name) + "</title>";
    if (!path.empty()) {
      body += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour +
              "\" stroke-width=\"2.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"" +
              DashOf(s) + "/>";
    }
    body += circles + "</g>\n";
  }

  std::string out;
  OpenSvg(out, bottom + 36, chart.title, embedding);
  out += body;
  out += "</svg>\n";
  return out;
}

std::string RenderBarChartSvg(const BarChart& chart, SvgEmbedding embedding) {
  std::vector<std::optional<double>> values;
  double largest = 0;
  bool whole = true;
  for (const auto& bar : chart.bars) {
    const auto& value = values.emplace_back(Drawable(bar.value));
    if (!value) continue;
    largest = std::max(largest, *value);
    whole = whole && IsWhole(*value);
  }
  if (largest <= 0) return EmptyChart(chart.title, embedding);

  const ValueAxis axis = NiceAxis(largest, whole);
  double widest_label = 0;
  double widest_value = TextWidth(axis.Label(axis.Ticks())) / 2;
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    widest_label =
        std::max(widest_label, TextWidth(Abbreviate(chart.bars[i].label, kBarLabelChars)));
    if (values[i]) widest_value = std::max(widest_value, TextWidth(ValueLabel(*values[i])) + 6);
  }
  const double top = kTitleHeight;
  const double bottom = top + kBarRow * static_cast<double>(chart.bars.size());
  const double left = std::round(kMargin + std::max(widest_label, 40.0) + 10);
  const double right = std::round(kWidth - kMargin - widest_value);
  const auto x_of = [&](double v) { return left + v / axis.max * (right - left); };

  std::string out;
  OpenSvg(out, bottom + 36, chart.title, embedding);

  // Vertical grid and value ticks.
  out += "<g class=\"x-axis\" shape-rendering=\"crispEdges\">\n";
  for (int t = 0; t <= axis.Ticks(); ++t) {
    const double x = x_of(axis.step * t);
    out += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(top) + "\" x2=\"" + Coord(x) + "\" y2=\"" +
           Coord(bottom) + "\" stroke=\"" + std::string(kGrid) + "\"/>";
    out += "<text class=\"x-tick\" x=\"" + Coord(x) + "\" y=\"" + Coord(bottom + 18) +
           "\" text-anchor=\"middle\" fill=\"" + std::string(kInk) + "\">" + axis.Label(t) +
           "</text>\n";
  }
  out += "</g>\n";

  // One row per bar, in the order given; the full label is the row's
  // tooltip when a long one is cut.
  const std::string colour(ColourOf(0));
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const double y = top + kBarRow * static_cast<double>(i) + (kBarRow - kBarThickness) / 2;
    const std::string value = values[i] ? EscapeMarkup(ValueLabel(*values[i])) : "";
    out += "<g class=\"bar\"><title>" + EscapeMarkup(chart.bars[i].label) +
           (value.empty() ? "" : ": " + value) + "</title>";
    if (values[i]) {
      out += "<rect x=\"" + Coord(left) + "\" y=\"" + Coord(y) + "\" width=\"" +
             Coord(x_of(*values[i]) - left) + "\" height=\"" + Coord(kBarThickness) + "\" fill=\"" +
             colour + "\"/>";
    }
    out += "<text class=\"bar-label\" x=\"" + Coord(left - 8) + "\" y=\"" +
           Coord(y + kBarThickness / 2 + 4) + "\" text-anchor=\"end\" fill=\"" + std::string(kInk) +
           "\">" + EscapeMarkup(Abbreviate(chart.bars[i].label, kBarLabelChars)) + "</text>";
    if (values[i]) {
      out += "<text class=\"bar-value\" x=\"" + Coord(x_of(*values[i]) + 6) + "\" y=\"" +
             Coord(y + kBarThickness / 2 + 4) + "\" fill=\"" + std::string(kInk) + "\">" + value +
             "</text>";
    }
    out += "</g>\n";
  }
  out += "<path class=\"axes\" d=\"M" + Coord(left) + " " + Coord(top) + "V" + Coord(bottom) + "H" +
         Coord(right) + "\" fill=\"none\" stroke=\"#444444\" shape-rendering=\"crispEdges\"/>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace isagw::reports
