#include "gateway/cli/report_command.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <utility>

#include "gateway/app/gateway_state_loader.h"
#include "gateway/app/store_opener.h"
#include "gateway/cli/private_file.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/sealer.h"
#include "gateway/reports/report_output.h"
#include "gateway/reports/report_runner.h"

namespace isagw::cli {
namespace {

constexpr int kWritten = 0;
constexpr int kRefused = 1;
constexpr int kCannotRun = 2;

}  // namespace

int RunReportCommand(const ReportArgs& args, std::ostream& out, std::ostream& err) {
  const auto format = reports::ParseOutputFormat(args.format);
  if (!format) {
    err << "report: --format is csv, json, html or png\n";
    return kCannotRun;
  }
  reports::ReportPeriod period;
  if (args.report != "daily") {
    if (args.period.empty()) {
      err << "report: --period is required for " << args.report
          << " (YYYY-MM, YYYY-Qn, YYYY-YY or YYYY-MM-DD..YYYY-MM-DD)\n";
      return kCannotRun;
    }
    std::string why;
    auto parsed = reports::ParseReportPeriod(args.period, why);
    if (!parsed) {
      err << "report: --period: " << why << '\n';
      return kCannotRun;
    }
    period = std::move(*parsed);
  }
  model::Timestamp now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!args.at.empty()) {
    auto at = model::ParseRfc3339(args.at);
    if (!at) {
      err << "report: --at is an RFC 3339 instant, e.g. 2026-11-23T08:00:00Z\n";
      return kCannotRun;
    }
    now = *at;
  }

  auto config = config::LoadGatewayConfig(args.config);
  if (!config.ok()) {
    err << "report: the configuration " << args.config << " did not load:\n";
    for (const auto& e : config.error()) err << "  " << e.ToString() << '\n';
    return kCannotRun;
  }
  // Before the keys are loaded (which makes missing ones): a report of a
  // store that is not there must change nothing.
  std::error_code ec;
  if (config->store.kind == config::StoreKind::kSqlite &&
      !std::filesystem::is_regular_file(config->store.path, ec)) {
    err << "report: the store " << config->store.path.string() << " (store.path) does not exist\n";
    return kCannotRun;
  }
  auto loaded = app::LoadGatewayState(*config);
  if (!loaded.ok()) {
    err << "report: " << loaded.error() << '\n';
    return kCannotRun;
  }
  auto store = app::OpenStoreForTool(
      config->store, std::make_shared<const crypto::Sealer>(loaded->sealing), "report");
  if (!store.ok()) {
    err << "report: " << store.error() << '\n';
    return kCannotRun;
  }
  if (!loaded->keys_made.empty()) (void)(*store)->RecordAudit(loaded->keys_made, now);

  reports::ReportRequest request{args.report, args.agency, period, now, args.top, ""};
  auto run = reports::RunReport(**store, *loaded->state, request);
  if (!run.ok()) {
    err << "report: " << run.error().detail << '\n';
    return run.error().kind == reports::ReportErrorKind::kForbidden ? kRefused : kCannotRun;
  }
  reports::OutputOptions options;
  options.format = *format;
  options.table = args.table;
  options.chart = args.chart;
  auto bytes = reports::FormatReport(run->document, options);
  if (!bytes.ok()) {
    err << "report: " << bytes.error() << '\n';
    return kCannotRun;
  }
  if (args.out.empty()) {
    out << *bytes;
    return kWritten;
  }
  if (auto written = WritePrivateFile(args.out, *bytes); !written.ok()) {
    err << "report: " << written.error() << '\n';
    return kCannotRun;
  }
  return kWritten;
}

}  // namespace isagw::cli
