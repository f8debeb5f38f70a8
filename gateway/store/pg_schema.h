// The PostgreSQL schema, as numbered migrations, and the step that applies
// them. It is the SQLite schema (sqlite_schema.cc) in PostgreSQL's types,
// plus what several replicas need: who holds a lease, and the audit
// chain's head in a row of its own that each appending transaction locks.
#pragma once

#include <vector>

#include "gateway/store/pg_connection.h"
#include "gateway/store/sqlite_database.h"  // Migration

namespace isagw::store {

const std::vector<Migration>& PostgresMigrations();

// Brings the database to the newest version, each migration in its own
// transaction with its record in schema_version. Replicas that start
// together take a transaction-scoped advisory lock first, so each
// migration is applied once and the others find it done. Refuses a schema
// newer than this binary knows, as the SQLite store does.
Result<int, PgError> MigratePostgres(PgConnection& conn, const std::vector<Migration>& migrations);

}  // namespace isagw::store
