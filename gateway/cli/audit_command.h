// `isagw audit verify|subject|checkpoint|export-head|keygen --config FILE`:
// the audit tools (docs/audit.md, "Commands"). Each loads the gateway
// configuration for the store and the audit's key files, then calls its
// function in gateway/audit/audit_commands.h, where the work is done.
//
// Exit codes: 0 done (verify: the log is intact), 1 verify found the log
// altered, 2 the command could not run (a configuration that does not load,
// bad arguments, a missing store or key file).
#pragma once

#include <iosfwd>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "gateway/model/time.h"

namespace isagw::cli {

struct AuditVerifyCommandArgs {
  std::string config;
  // Beside audit.public_key (when the file exists) and
  // audit.trusted_public_keys from the configuration.
  std::vector<std::string> public_keys;
  std::string signed_head;      // a head exported earlier; empty: none
  bool allow_unsigned = false;  // accept a log no checkpoint covers yet
};
int RunAuditVerifyCommand(const AuditVerifyCommandArgs& args, std::ostream& out, std::ostream& err);

struct AuditSubjectCommandArgs {
  std::string config;
  // Exactly one of these.
  std::optional<std::string> nhs_number;
  std::optional<std::string> police_ref;
  // "LA:ID" with the DfE LA number ("860:LCS-778812"), or the id of a local
  // authority in the registry instead of its number ("la-derby:LCS-1").
  std::optional<std::string> person_id;
  std::string format = "table";  // table, csv or json
  // An identifier given as "-" is read from here (its first line), so it
  // stays out of shell history and the process list. Null: nowhere.
  std::istream* identifier_input = nullptr;
};
int RunAuditSubjectCommand(const AuditSubjectCommandArgs& args, std::ostream& out,
                           std::ostream& err);

struct AuditConfigArgs {
  std::string config;
};

// Signs the chain's head as of `now` with audit.signing_key.
int RunAuditCheckpointCommand(const AuditConfigArgs& args, model::Timestamp now, std::ostream& out,
                              std::ostream& err);

int RunAuditExportHeadCommand(const AuditConfigArgs& args, std::ostream& out, std::ostream& err);

// Makes audit.signing_key with audit.public_key, and audit.audit_key, where
// missing; never replaces a file. A key that exists is checked instead (it
// loads, and the public key is the signing key's half). Lists what it made
// and what it kept. 0 when all three are in place afterwards.
int RunAuditKeygenCommand(const AuditConfigArgs& args, std::ostream& out, std::ostream& err);

}  // namespace isagw::cli
