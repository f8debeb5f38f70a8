// The contract suite's PostgreSQL backend: a PostgresStore on the throw-away
// cluster the `postgres` CTest fixture starts, in a schema of its own per
// test (search_path), so tests and test programs run side by side never
// share tables. Unavailable (the suite skips) only when there is no cluster.
#pragma once

#include "tests/store/store_backend.h"

namespace isagw::store::testing {

BackendFactory PostgresBackendFactory();

}  // namespace isagw::store::testing
