// `isagw report` called as main() would, on a minimal deployment: what it
// writes, its exit codes, and the audit entry each run leaves (and each
// refused run does not).
#include "gateway/cli/report_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "gateway/store/sqlite_database.h"
#include "tests/cli/command_outcome.h"
#include "tests/common/temp_dir.h"
#include "tests/config/minimal_deployment.h"

namespace isagw::cli {
namespace {

using testing::Outcome;

namespace fs = std::filesystem;

ReportArgs Args(const std::string& report, const std::string& agency, const std::string& period) {
  ReportArgs args;
  args.report = report;
  args.agency = agency;
  args.period = period;
  return args;
}

class ReportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    // The minimal deployment's files with the example registry and ISAs:
    // a report needs agreements to read through.
    config_ = isagw::testing::WriteMinimalDeployment(dir_);
    fs::copy_file(ISAGW_SOURCE_DIR "/certs-example/registry.yaml", dir_.path() / "registry.yaml",
                  fs::copy_options::overwrite_existing);
    fs::copy(ISAGW_SOURCE_DIR "/policies", dir_.path() / "policies",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::create_directories(dir_.path() / "var");
    // The example registry has push recipients: the gateway's client pair.
    std::string yaml(isagw::testing::kMinimalGatewayYaml);
    yaml +=
        "delivery:\n  client_cert_file: out/gateway-client.crt\n"
        "  client_key_file: out/gateway-client.key\n";
    dir_.Write("gateway.yaml", yaml);
  }

  Outcome Run(ReportArgs args) {
    args.config = config_.string();
    if (args.at.empty()) args.at = "2026-12-01T09:00:00Z";
    std::ostringstream out, err;
    const int code = RunReportCommand(args, out, err);
    return {code, out.str(), err.str()};
  }

  int ReportRuns() {
    auto db = store::SqliteDatabase::Open(dir_.path() / "var" / "isagw.db");
    auto q = db->Prepare("SELECT COUNT(*) FROM audit WHERE kind = 'report_run'");
    EXPECT_TRUE(q.ok() && *q->Step());
    return static_cast<int>(q->ColumnInt(0));
  }

  isagw::testing::ScratchDir dir_;
  fs::path config_;
};

TEST_F(ReportCommand, ArgumentsAreCheckedBeforeAnythingIsOpened) {
  ReportArgs args = Args("kpis", "police-derbys", "2026-13");
  Outcome bad_period = Run(args);
  EXPECT_EQ(bad_period.code, 2);
  EXPECT_NE(bad_period.err.find("--period"), std::string::npos) << bad_period.err;

  args.period.clear();
  EXPECT_EQ(Run(args).code, 2);  // required but for daily

  args.period = "2026-11";
  args.format = "pdf";
  EXPECT_EQ(Run(args).code, 2);

  args.format = "csv";
  args.at = "yesterday";
  EXPECT_EQ(Run(args).code, 2);
  EXPECT_FALSE(fs::exists(dir_.path() / "var" / "isagw.db")) << "a refused command made a store";
}

TEST_F(ReportCommand, AMissingStoreIsNotCreated) {
  const Outcome outcome = Run(Args("hotspots", "police-derbys", "2026-11"));
  EXPECT_EQ(outcome.code, 2);
  EXPECT_NE(outcome.err.find("does not exist"), std::string::npos) << outcome.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "var" / "isagw.db"));
}

TEST_F(ReportCommand, WritesTheReportAndAuditsEveryRunButNotARefusal) {
  // `isagw serve` makes the store; an empty one is enough here.
  ASSERT_TRUE(store::SqliteDatabase::Open(dir_.path() / "var" / "isagw.db").ok());
  const Outcome refused = Run(Args("kpis", "police-derbys", "2026-11"));
  EXPECT_EQ(refused.code, 1) << refused.err;
  EXPECT_NE(refused.err.find("may not run"), std::string::npos) << refused.err;
  EXPECT_EQ(Run(Args("kpis", "nobody", "2026-11")).code, 2);

  const Outcome csv = Run(Args("hotspots", "police-derbys", "2026-11"));
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out, "rank,place,episodes,children,last_seen,found,stayed\r\n");
  EXPECT_EQ(ReportRuns(), 1);

  const fs::path html = dir_.path() / "hotspots.html";
  ReportArgs page_args = Args("hotspots", "police-derbys", "2026-11");
  page_args.format = "html";
  page_args.out = html.string();
  const Outcome page = Run(page_args);
  ASSERT_EQ(page.code, 0) << page.err;
  EXPECT_TRUE(page.out.empty());
  EXPECT_GT(fs::file_size(html), 500u);
  EXPECT_EQ(ReportRuns(), 2);
  // About children: readable by whoever ran it only, whatever the umask,
  // and narrowed when an existing file was wider.
  EXPECT_EQ(fs::status(html).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(html, fs::perms::all);
  ASSERT_EQ(Run(page_args).code, 0);
  EXPECT_EQ(fs::status(html).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_GT(fs::file_size(html), 500u);
  // A link planted where the report goes is not followed.
  dir_.Write("elsewhere.txt", "untouched");
  fs::create_symlink(dir_.path() / "elsewhere.txt", dir_.path() / "planted.html");
  page_args.out = (dir_.path() / "planted.html").string();
  const Outcome planted = Run(page_args);
  EXPECT_EQ(planted.code, 2);
  EXPECT_NE(planted.err.find("planted.html"), std::string::npos) << planted.err;
  EXPECT_EQ(fs::file_size(dir_.path() / "elsewhere.txt"), 9u);

  ReportArgs png = Args("hotspots", "police-derbys", "2026-11");
  png.format = "png";
  png.chart = 7;
  const Outcome no_chart = Run(png);
  EXPECT_EQ(no_chart.code, 2);
  EXPECT_NE(no_chart.err.find("chart 7"), std::string::npos) << no_chart.err;
}

}  // namespace
}  // namespace isagw::cli
