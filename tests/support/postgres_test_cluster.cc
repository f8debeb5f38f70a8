#include "tests/support/postgres_test_cluster.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

namespace isagw::testing {
namespace {

// The file's text without trailing line breaks and blanks; nullopt if it
// cannot be opened.
std::optional<std::string> ReadLine(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

Result<PostgresTestCluster, std::string> FindPostgresTestCluster() {
  const char* env = std::getenv("ISAGW_TEST_PG");
  if (env == nullptr || *env == '\0') {
    return Fail(std::string(
        "ISAGW_TEST_PG is not set: run through ctest, which starts a throw-away PostgreSQL "
        "(scripts/pg-cluster)"));
  }
  const std::filesystem::path dir(env);
  // scripts/pg-cluster found no PostgreSQL server and said why.
  if (auto skip = ReadLine(dir / "skip")) return Fail(std::move(*skip));

  auto dsn = ReadLine(dir / "dsn");
  auto data_dir = ReadLine(dir / "datadir");
  if (!dsn || dsn->empty() || !data_dir || data_dir->empty()) {
    return Fail("no test PostgreSQL cluster in " + dir.string() +
                " (no dsn or datadir file): did the postgres_cluster_start test run and pass? "
                "(scripts/pg-cluster start " +
                dir.string() + ")");
  }
  PostgresTestCluster cluster{std::move(*dsn), std::filesystem::path(*data_dir), {}, {}};
  std::error_code ignored;
  if (std::filesystem::is_regular_file(dir / "ca.crt", ignored)) cluster.ca_file = dir / "ca.crt";
  if (std::filesystem::is_regular_file(dir / "other-ca.crt", ignored)) {
    cluster.other_ca_file = dir / "other-ca.crt";
  }
  return cluster;
}

std::string TestSchemaName(const std::string& prefix) {
  std::string name = prefix + "_" + std::to_string(::getpid()) + "_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.size() > 63) name.resize(63);
  return name;
}

}  // namespace isagw::testing
