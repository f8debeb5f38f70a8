#include "gateway/reports/report_output.h"

#include <nlohmann/json.hpp>

#include "gateway/reports/render/html.h"
#include "gateway/reports/render/png.h"
#include "gateway/reports/render/svg_chart.h"

namespace isagw::reports {

std::optional<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "csv") return OutputFormat::kCsv;
  if (text == "json") return OutputFormat::kJson;
  if (text == "html") return OutputFormat::kHtml;
  if (text == "png") return OutputFormat::kPng;
  return std::nullopt;
}

std::string_view MediaTypeOf(OutputFormat format) {
  switch (format) {
    case OutputFormat::kCsv:
      return "text/csv; charset=utf-8; header=present";
    case OutputFormat::kJson:
      return "application/json";
    case OutputFormat::kHtml:
      return "text/html; charset=utf-8";
    case OutputFormat::kPng:
      return "image/png";
  }
  return "application/octet-stream";
}

std::string DocumentJson(const ReportDocument& document) {
  nlohmann::json tables = nlohmann::json::object();
  for (const ReportTable& t : document.tables) tables[t.name] = ToJson(t);
  const nlohmann::json body = {{"report", document.report},
                               {"title", document.title},
                               {"agency", document.agency},
                               {"period", document.period},
                               {"generated_at", document.generated_at},
                               {"children", document.children},
                               {"notes", document.notes},
                               {"tables", std::move(tables)}};
  return body.dump(2) + "\n";
}

Result<std::string, std::string> FormatReport(const ReportDocument& document,
                                              const OutputOptions& options) {
  switch (options.format) {
    case OutputFormat::kCsv: {
      if (document.tables.empty()) return Fail(std::string("the report has no table"));
      if (options.table.empty()) return ToCsv(document.tables.front());
      std::string names;
      for (const ReportTable& t : document.tables) {
        if (t.name == options.table) return ToCsv(t);
        names += (names.empty() ? "" : ", ") + t.name;
      }
      return Fail("no table '" + options.table + "' in this report; it has " + names);
    }
    case OutputFormat::kJson:
      return DocumentJson(document);
    case OutputFormat::kHtml:
      return RenderHtml(document);
    case OutputFormat::kPng: {
      const int lines = static_cast<int>(document.line_charts.size());
      const int bars = static_cast<int>(document.bar_charts.size());
      if (options.chart < 0 || options.chart >= lines + bars) {
        return Fail("chart " + std::to_string(options.chart) + " asked for; this report has " +
                    std::to_string(lines + bars) + " (numbered from 0)");
      }
      const std::string svg =
          options.chart < lines
              ? RenderLineChartSvg(document.line_charts[static_cast<std::size_t>(options.chart)])
              : RenderBarChartSvg(
                    document.bar_charts[static_cast<std::size_t>(options.chart - lines)]);
      return RenderSvgToPng(svg, options.png_width);
    }
  }
  return Fail(std::string("unknown format"));
}

}  // namespace isagw::reports
