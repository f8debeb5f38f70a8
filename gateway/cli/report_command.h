// `isagw report NAME --config FILE --agency ID [--period P] [--format F]
// [--out FILE]`: one report for one agency from the store (docs/reports.md),
// for the council's own analyst on the gateway host. The same access
// rules and audit as GET /v1/reports/{name}: an agency sees only children
// it is host or placing authority for, and every run is audited.
//
// Exit codes: 0 written, 1 refused (this agency may not run this report),
// 2 the command could not run (configuration, store, arguments).
#pragma once

#include <iosfwd>
#include <string>

namespace isagw::cli {

struct ReportArgs {
  std::string report;  // daily, kpis, repeats, hotspots, ssda903, annex-a
  std::string config;
  std::string agency;
  std::string period;          // YYYY-MM, YYYY-Qn, YYYY-YY, FROM..TO; not for daily
  std::string at;              // RFC 3339: run as at this instant (default: now)
  std::string format = "csv";  // csv, json, html, png
  std::string table;           // csv: which table
  int chart = 0;               // png: which chart
  int top = 20;
  std::string out;  // standard output when empty
};

int RunReportCommand(const ReportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace isagw::cli
