#include "gateway/pipeline/report_query.h"

#include <charconv>
#include <set>
#include <string>

#include "gateway/server/http_message.h"

namespace isagw::pipeline {
namespace {

std::optional<int> WholeNumber(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<ReportQuery, Problem> ParseReportQuery(std::string_view report, std::string_view query) {
  ReportQuery parsed;
  parsed.output.format = reports::OutputFormat::kJson;
  FieldErrors errors;
  std::set<std::string, std::less<>> seen;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const auto value = server::DecodeFormValue(eq == std::string_view::npos ? std::string_view()
                                                                            : pair.substr(eq + 1));
    static const std::set<std::string_view> kKnown = {"period", "format", "table", "chart", "top"};
    if (!kKnown.contains(name)) {
      // The caller's own text is never echoed: only known names reach a pointer.
      errors.push_back({"/query", "unknown_field",
                        "names a parameter other than period, format, table, chart and top"});
      continue;
    }
    const std::string pointer = "/query/" + std::string(name);
    if (!seen.insert(std::string(name)).second) {
      errors.push_back({pointer, "duplicate", "is given more than once"});
      continue;
    }
    if (!value) {
      errors.push_back({pointer, "pattern", "is not percent-encoded correctly"});
      continue;
    }
    if (name == "period") {
      std::string why;
      parsed.period = reports::ParseReportPeriod(*value, why);
      if (!parsed.period) errors.push_back({pointer, "pattern", why});
    } else if (name == "format") {
      auto format = reports::ParseOutputFormat(*value);
      if (!format) {
        errors.push_back({pointer, "enum", "is not csv, json, html or png"});
      } else {
        parsed.output.format = *format;
      }
    } else if (name == "table") {
      parsed.output.table = *value;
    } else if (name == "chart") {
      auto n = WholeNumber(*value);
      if (!n || *n < 0 || *n > 99) {
        errors.push_back({pointer, "range", "is not a chart number from 0 to 99"});
      } else {
        parsed.output.chart = *n;
      }
    } else {  // top
      auto n = WholeNumber(*value);
      if (!n || *n < 1 || *n > kMaxReportTop) {
        errors.push_back(
            {pointer, "range", "is not between 1 and " + std::to_string(kMaxReportTop)});
      } else {
        parsed.top = *n;
      }
    }
  }
  if (report != "daily" && !parsed.period && !seen.contains("period")) {
    errors.push_back({"/query/period", "required",
                      "is required: YYYY-MM, YYYY-Qn, YYYY-YY or YYYY-MM-DD..YYYY-MM-DD"});
  }
  if (errors.empty()) return parsed;
  Problem problem = server::MalformedRequestProblem("the report query was refused");
  problem.errors = std::move(errors);
  return Fail(std::move(problem));
}

}  // namespace isagw::pipeline
