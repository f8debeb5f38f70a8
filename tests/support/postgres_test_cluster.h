// The throw-away PostgreSQL cluster that tests needing a server share: the
// `postgres` CTest fixture (tests/CMakeLists.txt) starts it with
// scripts/pg-cluster and names its directory in ISAGW_TEST_PG. Tests
// registered with isagw_add_postgres_test skip when there is none:
//
//   auto cluster = isagw::testing::FindPostgresTestCluster();
//   if (!cluster) GTEST_SKIP() << cluster.error();
#pragma once

#include <filesystem>
#include <string>

#include "gateway/common/result.h"

namespace isagw::testing {

struct PostgresTestCluster {
  std::string dsn;                 // libpq connection string to database isagw
  std::filesystem::path data_dir;  // the server's data directory
  // The CA that certified the server (for sslrootcert=), and one that did
  // not; empty when the cluster's directory has none.
  std::filesystem::path ca_file;
  std::filesystem::path other_ca_file;
};

// The cluster the `postgres` CTest fixture started (ISAGW_TEST_PG names its
// directory); an error string saying why there is none, for GTEST_SKIP.
Result<PostgresTestCluster, std::string> FindPostgresTestCluster();

// A schema name of the running test's own: "<prefix>_<pid>_<test name>",
// lower case, cut to 63 bytes as PostgreSQL cuts names (and
// application_name), so that what a test looks for is what the server shows.
std::string TestSchemaName(const std::string& prefix);

}  // namespace isagw::testing
