#include "gateway/audit/audit_commands.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "gateway/audit/audit_entries.h"
#include "gateway/audit/audit_key.h"
#include "gateway/audit/audit_verifier.h"
#include "gateway/audit/child_pseudonym.h"
#include "gateway/audit/signing_key.h"
#include "gateway/audit/subject_report.h"

namespace isagw::audit {
namespace {

constexpr int kDone = 0;
constexpr int kAltered = 1;
constexpr int kCannotRun = 2;

// Builds the one pseudonym asked for; the error never repeats the identifier.
// Which identifier the search was given (PseudonymFor has checked there is one).
std::string IdentifierKind(const AuditSubjectArgs& args) {
  if (args.nhs_number) return "nhs_number";
  if (args.police_ref) return "police_ref";
  return "person_id";
}

std::optional<ChildPseudonym> PseudonymFor(const AuditSubjectArgs& args,
                                           const ChildPseudonymizer& pseudonyms,
                                           std::ostream& err) {
  const int given = static_cast<int>(args.nhs_number.has_value()) +
                    static_cast<int>(args.police_ref.has_value()) +
                    static_cast<int>(args.person_id.has_value());
  if (given != 1) {
    err << "audit subject: give exactly one of --nhs, --police-ref, --person-id\n";
    return std::nullopt;
  }
  const std::string kind = IdentifierKind(args);
  const std::string& text = args.nhs_number   ? *args.nhs_number
                            : args.police_ref ? *args.police_ref
                                              : *args.person_id;
  auto child = pseudonyms.OfIdentifier(kind, text);
  if (!child.ok()) {
    const std::string option = args.nhs_number   ? "--nhs"
                               : args.police_ref ? "--police-ref"
                                                 : "--person-id";
    err << "audit subject: " << option << ": " << child.error() << "\n";
    return std::nullopt;
  }
  return std::move(child).value();
}

}  // namespace

int RunAuditVerify(AuditLog& log, const AuditVerifyArgs& args, std::ostream& out,
                   std::ostream& err) {
  VerifyOptions options;
  options.require_checkpoint = !args.allow_unsigned;
  for (const auto& path : args.public_keys) {
    auto key = LoadPublicKeyFile(path);
    if (!key.ok()) {
      err << "audit verify: " << key.error().path << " " << key.error().reason << "\n";
      return kCannotRun;
    }
    options.trusted_keys.push_back(*key);
  }
  if (args.signed_head) {
    std::ifstream in(*args.signed_head);
    if (!in) {
      err << "audit verify: " << args.signed_head->string() << " cannot be read\n";
      return kCannotRun;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto head = ParseSignedHead(text.str());
    if (!head.ok()) {
      err << "audit verify: " << args.signed_head->string() << " is not a signed head ("
          << head.error().front().pointer << ": " << head.error().front().code << ")\n";
      return kCannotRun;
    }
    options.external_head = *head;
  }
  const VerifyReport report = VerifyAuditLog(log, options);
  if (!report.ok()) {
    const VerifyFailure& failure = *report.failure;
    out << "audit verify: FAILED";
    if (failure.seq) out << " at entry " << *failure.seq;
    if (failure.checkpoint) out << " (checkpoint " << *failure.checkpoint << ")";
    out << ": " << failure.code << "\n  " << failure.reason << "\n";
    return kAltered;
  }
  out << "audit verify: OK\n"
      << "  entries: " << report.entries << "\n"
      << "  checkpoints: " << report.checkpoints;
  if (report.last_signed_seq) out << ", the latest signs entry " << *report.last_signed_seq;
  out << "\n  entries after the latest checkpoint: " << report.unsigned_entries << "\n";
  if (args.signed_head) out << "  the signed head held outside matches\n";
  return kDone;
}

int RunAuditSubject(AuditLog& log, const AuditSubjectArgs& args, std::ostream& out,
                    std::ostream& err) {
  if (args.format != "table" && args.format != "csv" && args.format != "json") {
    err << "audit subject: --format must be table, csv or json\n";
    return kCannotRun;
  }
  auto key = AuditKey::Load(args.audit_key);
  if (!key.ok()) {
    err << "audit subject: " << key.error().path << " " << key.error().reason << "\n";
    return kCannotRun;
  }
  const ChildPseudonymizer pseudonyms(*key);
  const auto child = PseudonymFor(args, pseudonyms, err);
  if (!child) return kCannotRun;
  if (!args.record) {
    err << "audit subject: no audit to record the search in; nothing is shown\n";
    return kCannotRun;
  }
  auto disclosures = SubjectDisclosures(log, *child);
  if (!disclosures.ok()) {
    err << "audit subject: " << disclosures.error().detail << "\n";
    return kCannotRun;
  }
  SubjectSearchedEntry searched{*child, IdentifierKind(args), args.searched_by, args.format,
                                static_cast<std::int64_t>(disclosures->size())};
  if (!args.record(ToAuditRecord(searched))) {
    err << "audit subject: the search could not be recorded in the audit; nothing is shown\n";
    return kCannotRun;
  }
  if (args.format == "csv") {
    out << RenderCsv(*disclosures);
  } else if (args.format == "json") {
    out << RenderJson(*disclosures);
  } else {
    out << RenderTable(*disclosures);
  }
  return kDone;
}

int RunAuditCheckpoint(AuditLog& log, const std::filesystem::path& signing_key,
                       model::Timestamp now, std::ostream& out, std::ostream& err) {
  auto signer = CheckpointSigner::Load(signing_key);
  if (!signer.ok()) {
    err << "audit checkpoint: " << signer.error().path << " " << signer.error().reason << "\n";
    return kCannotRun;
  }
  auto checkpoint = log.AppendCheckpoint(*signer, now);
  if (!checkpoint.ok()) {
    err << "audit checkpoint: " << checkpoint.error().detail << "\n";
    return kCannotRun;
  }
  out << "audit checkpoint " << checkpoint->id << " signs entry " << checkpoint->head.seq << "\n";
  return kDone;
}

int RunAuditExportHead(AuditLog& log, std::ostream& out, std::ostream& err) {
  auto latest = log.LatestCheckpoint();
  if (!latest.ok()) {
    err << "audit export-head: " << latest.error().detail << "\n";
    return kCannotRun;
  }
  if (!*latest) {
    err << "audit export-head: the log has no checkpoint yet\n";
    return kCannotRun;
  }
  out << ExportSignedHead((*latest)->head);
  return kDone;
}

int RunAuditSigningKeygen(const std::filesystem::path& secret_path,
                          const std::filesystem::path& public_path, std::ostream& out,
                          std::ostream& err) {
  auto made = GenerateSigningKeyFiles(secret_path, public_path);
  if (!made.ok()) {
    err << "audit keygen: " << made.error().path << " " << made.error().reason << "\n";
    return kCannotRun;
  }
  out << "wrote " << secret_path.string() << " (secret, keep it apart from the store) and "
      << public_path.string() << " (public)\n";
  return kDone;
}

int RunAuditKeyKeygen(const std::filesystem::path& path, std::ostream& out, std::ostream& err) {
  auto made = GenerateAuditKeyFile(path);
  if (!made.ok()) {
    err << "audit keygen: " << made.error().path << " " << made.error().reason << "\n";
    return kCannotRun;
  }
  out << "wrote " << path.string() << " (secret; keep it as long as the audit)\n";
  return kDone;
}

}  // namespace isagw::audit
