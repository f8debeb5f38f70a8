// ReportTable: the rows a report gives, as text cells under named columns.
// Every report is a pure function to one or more of these; CSV, JSON, HTML
// and the charts are all written from them (render/), so the numbers a
// council files and the numbers it sees drawn are the same numbers.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace isagw::reports {

struct ReportTable {
  std::string name;  // "missing_now", "kpis"...: the CSV file name and JSON key
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as long as `columns`
};

// RFC 4180 CSV with CRLF line ends and a header row. A cell that starts
// with = + - @ (or a tab or CR) is prefixed with ' so that a spreadsheet
// opening the file never runs it as a formula.
std::string ToCsv(const ReportTable& table);

// [{"column": "cell", ...}, ...]: cells stay strings, as in the CSV.
nlohmann::json ToJson(const ReportTable& table);

}  // namespace isagw::reports
