// The contract suite's SQLite backend: a file-backed SqliteStore (WAL, as
// the gateway runs it) in a temporary file named after the process and the
// test, so that test programs run side by side never share one.
#pragma once

#include "tests/store/store_backend.h"

namespace isagw::store::testing {

BackendFactory SqliteBackendFactory();

}  // namespace isagw::store::testing
