// FormatReport: one report run written out as the caller asked: CSV (one
// table), JSON (the whole document), a self-contained HTML page with SVG
// charts, or one chart as PNG. Shared by `isagw report` and the API so a
// council gets the same bytes either way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/reports/report_document.h"

namespace isagw::reports {

enum class OutputFormat { kCsv, kJson, kHtml, kPng };

std::optional<OutputFormat> ParseOutputFormat(std::string_view text);
std::string_view MediaTypeOf(OutputFormat format);

struct OutputOptions {
  OutputFormat format = OutputFormat::kCsv;
  std::string table;  // CSV: which table by name; "" the first
  int chart = 0;      // PNG: which chart, line charts first, then bar charts
  int png_width = 1000;
};

// The error names the table or chart asked for and what there is, never data.
Result<std::string, std::string> FormatReport(const ReportDocument& document,
                                              const OutputOptions& options);

// The document as JSON: report, agency, period, generated_at, notes,
// children and each table's rows by its name.
std::string DocumentJson(const ReportDocument& document);

}  // namespace isagw::reports
