// A thin RAII layer over libpq: a connection, its results and its
// parameters, with errors as values. The PostgreSQL store is built on this;
// nothing else in the gateway touches libpq.
//
// Statements are sent with PQexecPrepared: each connection prepares a SQL
// string the first time it runs it and keeps it, as SqliteDatabase keeps
// its statements (the store uses a few dozen fixed strings). Parameters go
// as text, except bytea, which goes as binary so sealed payloads are never
// escaped; results come back as text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/common/result.h"

struct pg_conn;
struct pg_result;

namespace isagw::store {

struct PgError {
  // The SQLSTATE ("23505" a unique violation, "40P01" a deadlock...);
  // empty when the connection itself failed.
  std::string sqlstate;
  // PostgreSQL's primary message only: it names constraints and tables.
  // The DETAIL field, which quotes key values, is never read.
  std::string message;

  bool unique_violation() const { return sqlstate == "23505"; }
  // The connection is gone or unusable (server restarted, network):
  // nothing of an open transaction was committed.
  bool connection_lost() const {
    return sqlstate.empty() || sqlstate.starts_with("08") || sqlstate == "57P01" ||
           sqlstate == "57P02" || sqlstate == "57P03";
  }
};

// Positional parameters $1, $2... in the order they are added.
class PgParams {
 public:
  PgParams& Add(std::string_view text);
  PgParams& Add(const char* text) { return Add(std::string_view(text)); }
  PgParams& Add(const std::string& text) { return Add(std::string_view(text)); }
  PgParams& Add(std::int64_t value);
  PgParams& Add(int value) { return Add(static_cast<std::int64_t>(value)); }
  PgParams& Add(const std::optional<std::string>& text);
  PgParams& Add(const std::optional<std::int64_t>& value);
  PgParams& AddBytes(std::string_view bytes);  // bytea
  PgParams& AddNull();

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;  // 0 text, 1 binary
};

class PgResult {
 public:
  PgResult(PgResult&&) noexcept;
  PgResult& operator=(PgResult&&) noexcept;
  ~PgResult();

  int rows() const;
  // Rows an INSERT, UPDATE or DELETE changed.
  int affected() const;

  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  std::int64_t Int(int row, int column) const;
  std::optional<std::int64_t> OptionalInt(int row, int column) const;
  bool Bool(int row, int column) const;
  // A bytea column (text format, hex-escaped by the server) as raw bytes.
  std::string Bytes(int row, int column) const;

 private:
  friend class PgConnection;
  explicit PgResult(pg_result* result) : result_(result) {}
  pg_result* result_;
};

// libpq waits for a connection as long as the operating system lets it (a
// minute or more to a host that drops packets), and a caller waiting there
// serves nobody: a keyword DSN without its own connect_timeout gets 10
// seconds. A URI is left as it is.
std::string WithConnectTimeout(const std::string& dsn);

// Children's records cross the network to PostgreSQL: to any host but this
// one (a Unix socket, localhost, 127.0.0.0/8, ::1) the connection must be
// TLS with the server's certificate checked against its name
// (sslmode=verify-full); anything weaker can be read or redirected on the
// way. `host`, `hostaddr` and `sslmode` are libpq's values (comma lists
// for several hosts); answers why the transport is refused, or nullopt.
std::optional<std::string> UnverifiedRemoteTransport(std::string_view host,
                                                     std::string_view hostaddr,
                                                     std::string_view sslmode);
// The same judgement of what libpq would use for `dsn`: its own values
// over the environment's (PGHOST, PGSSLMODE, ...) over the defaults.
std::optional<std::string> UnverifiedRemoteTransport(const std::string& dsn);

class PgConnection {
 public:
  // Connects (blocking) with a libpq connection string; its password
  // and TLS settings travel in it or in libpq's environment and files.
  static Result<PgConnection, PgError> Open(const std::string& dsn);

  PgConnection(PgConnection&&) noexcept;
  PgConnection& operator=(PgConnection&&) noexcept;
  ~PgConnection();

  // One or more statements with no parameters and no rows wanted
  // (BEGIN, SAVEPOINT, a migration's DDL).
  Result<Ok, PgError> Execute(std::string_view sql);
  // One statement with parameters, prepared once per connection.
  Result<PgResult, PgError> Query(const std::string& sql, const PgParams& params);
  Result<PgResult, PgError> Query(const std::string& sql) { return Query(sql, PgParams{}); }

  // False once the server or the network dropped the connection.
  bool healthy() const;
  // Connects again (blocking) after a loss; forgets prepared statements.
  Result<Ok, PgError> Reset();
  // True while a transaction block is open (or failed and not yet ended).
  bool InTransaction() const;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  PgError LastError(const pg_result* result) const;
  void Close();

  pg_conn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
};

}  // namespace isagw::store
