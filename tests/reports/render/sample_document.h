// A report run with one of everything the renderer draws: a two-series
// line chart, a bar chart with a long and a hostile label, a table whose
// cells hold markup, and notes. Shared by the tests and the browser check.
#pragma once

#include "gateway/reports/report_document.h"

namespace isagw::reports::testing {

inline ReportDocument SampleDocument() {
  ReportDocument document;
  document.report = "kpis";
  document.title = "Missing from care: monthly figures";
  document.agency = "derby-city";
  document.agency_name = "Derby City Council";
  document.period = "2026-04-01 to 2027-03-31";
  document.generated_at = "2027-04-02T08:00:00Z";
  document.notes = {"Return home interviews offered within 72 hours (statutory guidance).",
                    "Figures under 5 are shown as they are & not suppressed <here>."};
  document.children = 42;

  LineChart trend;
  trend.title = "Episodes and children by month";
  trend.x_labels = {"Apr", "May", "Jun", "Jul", "Aug", "Sep",
                    "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"};
  trend.series = {{"Episodes", {31, 28, 35, 40, 37, 29, 33, 41, 38, 30, 27, 36}},
                  {"Children", {12, 11, 14, 15, 13, 12, 12, 16, 15, 11, 10, 14}}};
  document.line_charts.push_back(trend);

  BarChart hot_spots;
  hot_spots.title = "Hot spots";
  hot_spots.bars = {{"Derby bus station, Morledge", 14},
                    {"Westfield shopping centre and the surrounding car parks", 9},
                    {"Friar Gate <script>alert(1)</script> & co", 6},
                    {"Markeaton Park", 4}};
  document.bar_charts.push_back(hot_spots);

  ReportTable kpis;
  kpis.name = "kpis";
  kpis.title = "Key performance indicators";
  kpis.columns = {"Measure", "Value", "Note"};
  kpis.rows = {{"Episodes", "385", ""},
               {"Children", "42", "A & B <script>alert('x')</script>"},
               {"Interviews within 72h", "87.5%", "\"quoted\" 'text'"}};
  document.tables.push_back(kpis);
  return document;
}

}  // namespace isagw::reports::testing
