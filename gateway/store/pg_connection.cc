#include "gateway/store/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <map>
#include <memory>

namespace isagw::store {
namespace {

// NOTICEs ("relation already exists, skipping") are not errors and would
// go to stderr unasked.
void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsLocalHost(std::string_view host) {
  if (host.empty() || host.starts_with('/') || host.starts_with('@')) return true;  // a socket
  if (host == "localhost" || host == "::1") return true;
  return host.starts_with("127.") &&
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

// Each comma-separated item of libpq's list.
template <typename Visit>
void ForEachItem(std::string_view list, Visit visit) {
  while (true) {
    const std::size_t comma = list.find(',');
    visit(list.substr(0, comma));
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<std::string> UnverifiedRemoteTransport(std::string_view host,
                                                     std::string_view hostaddr,
                                                     std::string_view sslmode) {
  // hostaddr, when given, is where libpq connects; host then only names it.
  bool remote = false;
  ForEachItem(hostaddr.empty() ? host : hostaddr,
              [&](std::string_view item) { remote = remote || !IsLocalHost(item); });
  if (!remote || sslmode == "verify-full") return std::nullopt;
  return "PostgreSQL on another host needs sslmode=verify-full (TLS with the server's "
         "certificate checked against its name); this DSN gives sslmode=" +
         std::string(sslmode.empty() ? "prefer" : sslmode);
}

std::optional<std::string> UnverifiedRemoteTransport(const std::string& dsn) {
  std::map<std::string, std::string, std::less<>> values;
  using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;
  if (Options defaults{PQconndefaults(), &PQconninfoFree}) {
    for (const PQconninfoOption* o = defaults.get(); o->keyword != nullptr; ++o) {
      if (o->val != nullptr) values[o->keyword] = o->val;
    }
  }
  char* error = nullptr;
  Options given{PQconninfoParse(dsn.c_str(), &error), &PQconninfoFree};
  if (error != nullptr) PQfreemem(error);
  if (!given) return std::string("the DSN is not a libpq connection string");
  for (const PQconninfoOption* o = given.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) values[o->keyword] = o->val;
  }
  return UnverifiedRemoteTransport(values["host"], values["hostaddr"], values["sslmode"]);
}

PgParams& PgParams::Add(std::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Add(std::int64_t value) { return Add(std::string_view(std::to_string(value))); }

PgParams& PgParams::Add(const std::optional<std::string>& text) {
  return text ? Add(std::string_view(*text)) : AddNull();
}

PgParams& PgParams::Add(const std::optional<std::int64_t>& value) {
  return value ? Add(*value) : AddNull();
}

PgParams& PgParams::AddBytes(std::string_view bytes) {
  values_.emplace_back(bytes);
  null_.push_back(false);
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::AddNull() {
  values_.emplace_back();
  null_.push_back(true);
  formats_.push_back(0);
  return *this;
}

PgResult::PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

PgResult::~PgResult() {
  if (result_) PQclear(result_);
}

int PgResult::rows() const { return PQntuples(result_); }

int PgResult::affected() const {
  const char* tuples = PQcmdTuples(result_);
  int n = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), n);
  return n;
}

bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::optional<std::string> PgResult::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::int64_t PgResult::Int(int row, int column) const {
  const char* value = PQgetvalue(result_, row, column);
  std::int64_t n = 0;
  std::from_chars(value, value + PQgetlength(result_, row, column), n);
  return n;
}

std::optional<std::int64_t> PgResult::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

bool PgResult::Bool(int row, int column) const {
  return PQgetlength(result_, row, column) > 0 && PQgetvalue(result_, row, column)[0] == 't';
}

std::string PgResult::Bytes(int row, int column) const {
  // bytea_output = hex (the default since 9.0): "\x" then two digits a byte.
  const char* value = PQgetvalue(result_, row, column);
  const auto length = static_cast<std::size_t>(PQgetlength(result_, row, column));
  if (length < 2 || value[0] != '\\' || value[1] != 'x') return {};
  std::string bytes;
  bytes.reserve((length - 2) / 2);
  for (std::size_t i = 2; i + 1 < length; i += 2) {
    const int high = HexValue(value[i]);
    const int low = HexValue(value[i + 1]);
    if (high < 0 || low < 0) return {};
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return bytes;
}

Result<PgConnection, PgError> PgConnection::Open(const std::string& dsn) {
  // Judged before connecting: a password must not travel first.
  if (auto refused = UnverifiedRemoteTransport(dsn)) return Fail(PgError{"", *refused});
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (conn == nullptr) return Fail(PgError{"", "out of memory connecting to PostgreSQL"});
  PgConnection connection(conn);
  if (PQstatus(conn) != CONNECTION_OK) return Fail(connection.LastError(nullptr));
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return connection;
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), prepared_(std::move(other.prepared_)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    Close();
    conn_ = std::exchange(other.conn_, nullptr);
    prepared_ = std::move(other.prepared_);
  }
  return *this;
}

PgConnection::~PgConnection() { Close(); }

void PgConnection::Close() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

PgError PgConnection::LastError(const pg_result* result) const {
  PgError error;
  if (result != nullptr) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) error.sqlstate = state;
    if (const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) {
      error.message = primary;
    }
  }
  if (error.message.empty() && conn_ != nullptr) {
    // A connection-level failure: libpq's own text (host, port, reason).
    error.message = PQerrorMessage(conn_);
    while (!error.message.empty() && error.message.back() == '\n') error.message.pop_back();
  }
  if (error.message.empty()) error.message = "PostgreSQL failed without a message";
  return error;
}

Result<Ok, PgError> PgConnection::Execute(std::string_view sql) {
  PGresult* result = PQexec(conn_, std::string(sql).c_str());
  PgResult owned(result);
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Fail(LastError(result));
  return Ok{};
}

Result<PgResult, PgError> PgConnection::Query(const std::string& sql, const PgParams& params) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    PgResult prepared(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (!prepared.result_ || PQresultStatus(prepared.result_) != PGRES_COMMAND_OK) {
      return Fail(LastError(prepared.result_));
    }
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  const int n = params.size();
  std::vector<const char*> values(static_cast<std::size_t>(n));
  std::vector<int> lengths(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  PgResult result(PQexecPrepared(conn_, found->second.c_str(), n, values.data(), lengths.data(),
                                 params.formats_.data(), 0));
  const ExecStatusType status = result.result_ ? PQresultStatus(result.result_) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return Fail(LastError(result.result_));
  }
  return result;
}

bool PgConnection::healthy() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

Result<Ok, PgError> PgConnection::Reset() {
  prepared_.clear();  // the server forgot them with the session
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return Fail(LastError(nullptr));
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  return Ok{};
}

bool PgConnection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

std::string WithConnectTimeout(const std::string& dsn) {
  if (dsn.find("connect_timeout") != std::string::npos || dsn.starts_with("postgres")) return dsn;
  return dsn + " connect_timeout=10";
}

}  // namespace isagw::store
