// Every Store backend the shared suites run on; a new backend joins here.
#pragma once

#include <vector>

#include "tests/store/postgres_backend.h"
#include "tests/store/sqlite_backend.h"
#include "tests/store/store_backend.h"

namespace isagw::store::testing {

inline std::vector<BackendFactory> AllBackends() {
  return {SqliteBackendFactory(), PostgresBackendFactory()};
}

}  // namespace isagw::store::testing
