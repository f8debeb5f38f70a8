// InPgTransaction: body() between BEGIN and COMMIT on one connection,
// rolled back when body or the COMMIT fails. Written once for the store,
// the migrations and the audit log, which differ only in their error type.
#pragma once

#include <string_view>
#include <utility>

#include "gateway/common/result.h"
#include "gateway/store/pg_connection.h"

namespace isagw::store {

// `begin` opens the block ("BEGIN", or with an isolation level);
// `to_error` turns a PgError from BEGIN or COMMIT into body's error type.
template <typename Body, typename ToError>
auto InPgTransaction(PgConnection& conn, std::string_view begin, Body&& body, ToError&& to_error)
    -> decltype(body()) {
  if (auto begun = conn.Execute(begin); !begun.ok()) return Fail(to_error(begun.error()));
  auto result = std::forward<Body>(body)();
  if (!result.ok()) {
    (void)conn.Execute("ROLLBACK");
    return result;
  }
  if (auto committed = conn.Execute("COMMIT"); !committed.ok()) {
    (void)conn.Execute("ROLLBACK");
    return Fail(to_error(committed.error()));
  }
  return result;
}

}  // namespace isagw::store
