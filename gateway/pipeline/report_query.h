// ParseReportQuery: the query string of GET /v1/reports/{name}, checked as
// strictly as the inbox's: an unknown or repeated parameter, a period that
// does not parse, or a format the API does not give is a 400 with a
// pointer such as "/query/period".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/problem.h"
#include "gateway/common/result.h"
#include "gateway/reports/report_output.h"
#include "gateway/reports/report_period.h"

namespace isagw::pipeline {

inline constexpr int kMaxReportTop = 100;

struct ReportQuery {
  std::optional<reports::ReportPeriod> period;  // required by every report but daily
  reports::OutputOptions output;                // format json unless asked otherwise
  int top = 20;
};

// "period=P&format=F&table=T&chart=N&top=N", each optional and at most
// once; `report` decides whether period is required.
Result<ReportQuery, Problem> ParseReportQuery(std::string_view report, std::string_view query);

}  // namespace isagw::pipeline
