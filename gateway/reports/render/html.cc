#include "gateway/reports/render/html.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "gateway/reports/render/escape.h"
#include "gateway/reports/render/svg_chart.h"

namespace isagw::reports {
namespace {

// 'unsafe-inline' styles only: the page has no script, and its charts are
// inline SVG, so nothing else is ever needed.
constexpr std::string_view kPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #222; background: #fff;
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
.notes ul { padding-left: 1.2rem; }
figure.chart { margin: 1rem 0; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
figure.chart svg { max-width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.none { color: #666; font-style: italic; }
@page { margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure.chart, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  tbody tr:nth-child(even) { background: none; }
}
)css";

// "12", "-3", "1,234", "45.6%": cells aligned right so digits line up.
bool LooksNumeric(std::string_view cell) {
  if (!cell.empty() && (cell.front() == '-' || cell.front() == '+')) cell.remove_prefix(1);
  if (!cell.empty() && cell.back() == '%') cell.remove_suffix(1);
  if (cell.empty() || !std::isdigit(static_cast<unsigned char>(cell.front()))) return false;
  int points = 0;
  for (char c : cell) {
    if (c == '.') {
      ++points;
    } else if (c != ',' && !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return points <= 1 && std::isdigit(static_cast<unsigned char>(cell.back()));
}

void AppendMeta(std::string& out, std::string_view term, std::string_view value) {
  if (value.empty()) return;
  out += "<dt>";
  out += term;
  out += "</dt><dd>" + EscapeMarkup(value) + "</dd>\n";
}

void AppendTable(std::string& out, const ReportTable& table) {
  out += "<div class=\"table-wrap\"><table>\n<caption>" +
         EscapeMarkup(table.title.empty() ? table.name : table.title) + "</caption>\n";
  out += "<thead><tr>";
  for (const auto& column : table.columns) {
    out += "<th scope=\"col\">" + EscapeMarkup(column) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  if (table.rows.empty()) {
    out += "<tr><td class=\"none\" colspan=\"" +
           std::to_string(std::max<std::size_t>(1, table.columns.size())) +
           "\">No rows</td></tr>\n";
  }
  for (const auto& row : table.rows) {
    out += "<tr>";
    // Every cell a row has, padded to the columns: a short row stays a grid.
    const std::size_t cells = std::max(row.size(), table.columns.size());
    for (std::size_t i = 0; i < cells; ++i) {
      const std::string_view cell = i < row.size() ? std::string_view(row[i]) : "";
      out += LooksNumeric(cell) ? "<td class=\"num\">" : "<td>";
      out += EscapeMarkup(cell) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n";
}

}  // namespace

std::string RenderHtml(const ReportDocument& document) {
  const std::string& agency = document.agency_name.empty() ? document.agency : document.agency_name;
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kPolicy) + "\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + EscapeMarkup(document.title);
  if (!agency.empty()) out += " \xE2\x80\x94 " + EscapeMarkup(agency);  // em dash
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header>\n<h1>" + EscapeMarkup(document.title) + "</h1>\n";
  out += "<dl class=\"meta\">\n";
  AppendMeta(out, "Agency", agency);
  AppendMeta(out, "Period", document.period);
  AppendMeta(out, "Generated", document.generated_at);
  out += "</dl>\n</header>\n<main>\n";

  if (!document.notes.empty()) {
    out += "<section class=\"notes\">\n<h2>Notes</h2>\n<ul>\n";
    for (const auto& note : document.notes) out += "<li>" + EscapeMarkup(note) + "</li>\n";
    out += "</ul>\n</section>\n";
  }
  if (!document.line_charts.empty() || !document.bar_charts.empty()) {
    out += "<section class=\"charts\">\n<h2>Charts</h2>\n";
    for (const auto& chart : document.line_charts) {
      out += "<figure class=\"chart\">\n" + RenderLineChartSvg(chart, SvgEmbedding::kInline) +
             "</figure>\n";
    }
    for (const auto& chart : document.bar_charts) {
      out += "<figure class=\"chart\">\n" + RenderBarChartSvg(chart, SvgEmbedding::kInline) +
             "</figure>\n";
    }
    out += "</section>\n";
  }
  if (!document.tables.empty()) {
    out += "<section class=\"tables\">\n<h2>Tables</h2>\n";
    for (const auto& table : document.tables) AppendTable(out, table);
    out += "</section>\n";
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace isagw::reports
