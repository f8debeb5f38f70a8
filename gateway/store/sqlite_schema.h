// The SQLite schema, as numbered migrations (sqlite_database.h).
#pragma once

#include <vector>

#include "gateway/store/sqlite_database.h"

namespace isagw::store {

const std::vector<Migration>& SqliteMigrations();

}  // namespace isagw::store
