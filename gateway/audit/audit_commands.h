// The `isagw audit ...` commands as plain functions, for the CLI to wire
// up: each takes its arguments, writes to `out` (results) and `err`
// (problems), and returns the process exit code. The caller opens the log
// (SQLite or PostgreSQL, from the configuration). Nothing here prints an
// entry's body; bodies hold no personal data, but tools stay terse.
//
// Exit codes: 0 done (verify: intact), 1 verify found the log altered or
// unreadable, 2 the command could not run (arguments, key files).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/audit/audit_log.h"
#include "gateway/model/time.h"
#include "gateway/store/store.h"

namespace isagw::audit {

struct AuditVerifyArgs {
  std::vector<std::filesystem::path> public_keys;    // trusted checkpoint signers
  std::optional<std::filesystem::path> signed_head;  // a head exported earlier
  bool allow_unsigned = false;                       // accept a log that no checkpoint covers yet
};
int RunAuditVerify(AuditLog& log, const AuditVerifyArgs& args, std::ostream& out,
                   std::ostream& err);

struct AuditSubjectArgs {
  std::filesystem::path audit_key;
  // Exactly one of these.
  std::optional<std::string> nhs_number;
  std::optional<std::string> police_ref;
  std::optional<std::string> person_id;  // "LA:ID", e.g. "860:LCS-778812"
  std::string format = "table";          // "table", "csv" or "json"
  // Who is searching: the operating-system account running the tool.
  std::string searched_by;
  // Appends the search's audit entry (subject_searched) to the chain;
  // false when it could not. Nothing is shown of a search it did not
  // record, and a search without it is refused.
  std::function<bool(const store::AuditRecord&)> record;
};
int RunAuditSubject(AuditLog& log, const AuditSubjectArgs& args, std::ostream& out,
                    std::ostream& err);

// Signs the current head (the scheduler's periodic job, or by hand).
int RunAuditCheckpoint(AuditLog& log, const std::filesystem::path& signing_key,
                       model::Timestamp now, std::ostream& out, std::ostream& err);

// Prints the latest signed head as JSON, for a third party to keep.
int RunAuditExportHead(AuditLog& log, std::ostream& out, std::ostream& err);

// Creates the checkpoint signing key pair, and the audit key, as new files.
int RunAuditSigningKeygen(const std::filesystem::path& secret_path,
                          const std::filesystem::path& public_path, std::ostream& out,
                          std::ostream& err);
int RunAuditKeyKeygen(const std::filesystem::path& path, std::ostream& out, std::ostream& err);

}  // namespace isagw::audit
