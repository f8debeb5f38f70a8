#include "gateway/reports/report_table.h"

#include <nlohmann/json.hpp>

namespace isagw::reports {
namespace {

bool NeedsQuotes(const std::string& cell) {
  return cell.find_first_of(",\"\r\n") != std::string::npos;
}

// Spreadsheets run a cell starting with one of these as a formula (CSV
// injection); a leading apostrophe makes it text.
bool LooksLikeFormula(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos;
}

void AppendCell(std::string& out, const std::string& cell) {
  std::string text = LooksLikeFormula(cell) ? "'" + cell : cell;
  if (!NeedsQuotes(text)) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRow(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    AppendCell(out, cells[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string ToCsv(const ReportTable& table) {
  std::string out;
  AppendRow(out, table.columns);
  for (const auto& row : table.rows) AppendRow(out, row);
  return out;
}

nlohmann::json ToJson(const ReportTable& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
      object[table.columns[i]] = row[i];
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

}  // namespace isagw::reports
