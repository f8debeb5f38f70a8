// ReportDocument: one report run as people read it: its tables, the
// charts drawn from them and the notes that say what the figures can and
// cannot tell (a value the gateway cannot know, records shredded...).
// render/ turns it into a self-contained HTML page, SVG charts and PNG.
#pragma once

#include <string>
#include <vector>

#include "gateway/reports/report_table.h"

namespace isagw::reports {

// A trend: one line per series over the same x labels (months, weeks).
struct LineChart {
  std::string title;
  std::vector<std::string> x_labels;
  struct Series {
    std::string name;
    std::vector<double> values;  // one per x label
  };
  std::vector<Series> series;
};

// A ranking: one bar per label, longest first as given (hot spots).
struct BarChart {
  std::string title;
  struct Bar {
    std::string label;
    double value = 0;
  };
  std::vector<Bar> bars;
};

struct ReportDocument {
  std::string report;        // "daily", "kpis", "repeats", "hotspots", "ssda903", ...
  std::string title;         // "Daily missing report"
  std::string agency;        // who it is for: an agency id
  std::string agency_name;   // "Derby City Council"
  std::string period;        // "2026-04-01 to 2027-03-31", or "as at 2026-11-23 08:00"
  std::string generated_at;  // RFC 3339
  std::vector<std::string> notes;
  int children = 0;  // distinct children the report counts or lists: what the audit records
  std::vector<ReportTable> tables;
  std::vector<LineChart> line_charts;
  std::vector<BarChart> bar_charts;
};

}  // namespace isagw::reports
