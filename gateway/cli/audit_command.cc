#include "gateway/cli/audit_command.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/app/store_opener.h"
#include "gateway/audit/audit_commands.h"
#include "gateway/audit/audit_key.h"
#include "gateway/audit/key_file.h"
#include "gateway/audit/signing_key.h"
#include "gateway/config/gateway_config.h"
#include "gateway/crypto/sealer.h"

namespace isagw::cli {
namespace {

// "name (uid N)" of the account running this process, for the audit.
std::string OperatingSystemAccount() {
  const uid_t uid = ::getuid();
  std::string name = "unknown";
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(4096);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    name = found->pw_name;
  }
  return name + " (uid " + std::to_string(uid) + ")";
}

constexpr int kDone = 0;
constexpr int kCannotRun = 2;

// The configuration, or nullopt after printing every reason it did not load.
std::optional<config::GatewayConfig> LoadConfig(const std::string& path, std::string_view command,
                                                std::ostream& err) {
  if (path.empty()) {
    err << "audit " << command << ": --config FILE is required\n";
    return std::nullopt;
  }
  auto loaded = config::LoadGatewayConfig(path);
  if (!loaded.ok()) {
    err << "audit " << command << ": the configuration " << path << " did not load:\n";
    for (const auto& e : loaded.error()) err << "  " << e.ToString() << '\n';
    return std::nullopt;
  }
  return std::move(loaded).value();
}

// The configured store's audit log (SQLite or PostgreSQL), or null after
// saying why not. Reading commands never create an empty database where
// the store was expected, and a checkpoint of nothing helps nobody.
std::unique_ptr<audit::AuditLog> OpenLog(const config::GatewayConfig& config,
                                         std::string_view command, bool migrate,
                                         std::ostream& err) {
  auto log = app::OpenAuditLog(config.store, migrate);
  if (!log.ok()) {
    err << "audit " << command << ": " << log.error() << '\n';
    return nullptr;
  }
  return std::move(*log);
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "la-derby:ID" becomes "831:ID" through the registry; an LA number, or an
// empty LA, is left for RunAuditSubject to check. Errors never repeat the
// argument: its second half identifies a child.
std::optional<std::string> WithLaNumber(const std::string& person_id,
                                        const registry::AgencyRegistry& registry,
                                        std::ostream& err) {
  const std::size_t colon = person_id.find(':');
  if (colon == std::string::npos || colon == 0) return person_id;
  const std::string la = person_id.substr(0, colon);
  if (AllDigits(la)) return person_id;
  const registry::Agency* agency = registry.FindById(la);
  if (agency == nullptr || agency->kind != registry::AgencyKind::kLocalAuthority) {
    err << "audit subject: --person-id must start with a DfE LA number or the id of a local "
           "authority in the registry\n";
    return std::nullopt;
  }
  return agency->la_number + person_id.substr(colon);
}

// Makes the missing directories of `dir`, owner-only like the keys in them.
bool MakeKeyDirectory(const std::filesystem::path& dir, std::ostream& err) {
  std::error_code ec;
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = dir; !p.empty() && !std::filesystem::exists(p, ec);
       p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      err << "audit keygen: " << it->string() << " could not be created\n";
      return false;
    }
  }
  return true;
}

bool Exists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The checkpoint signing key pair: made when neither file exists; the
// public half written when only the secret exists; checked when both do.
bool EnsureSigningKeys(const config::AuditSettings& audit, std::ostream& out, std::ostream& err) {
  const auto& secret = audit.signing_key;
  const auto& public_key = audit.public_key;
  const bool have_secret = Exists(secret);
  const bool have_public = Exists(public_key);
  if (!have_secret && have_public) {
    // A new secret could not match it, and replacing it would orphan the
    // checkpoints it verifies.
    err << "audit keygen: " << public_key.string() << " (audit.public_key) exists without "
        << secret.string() << " (audit.signing_key); neither was written\n";
    return false;
  }
  if (!have_secret) {
    if (!MakeKeyDirectory(secret.parent_path(), err) ||
        !MakeKeyDirectory(public_key.parent_path(), err)) {
      return false;
    }
    return audit::RunAuditSigningKeygen(secret, public_key, out, err) == kDone;
  }
  auto signer = audit::CheckpointSigner::Load(secret);
  if (!signer.ok()) {
    err << "audit keygen: " << signer.error().path << " " << signer.error().reason << "\n";
    return false;
  }
  if (!have_public) {
    if (!MakeKeyDirectory(public_key.parent_path(), err)) return false;
    const audit::PublicKey& half = signer->public_key();
    auto written = audit::WriteNewKeyFile(public_key, half.data(), half.size(), 0644);
    if (!written.ok()) {
      err << "audit keygen: " << written.error().path << " " << written.error().reason << "\n";
      return false;
    }
    out << "kept " << secret.string() << " (exists already)\n"
        << "wrote " << public_key.string() << " (public, from the signing key)\n";
    return true;
  }
  auto loaded = audit::LoadPublicKeyFile(public_key);
  if (!loaded.ok()) {
    err << "audit keygen: " << loaded.error().path << " " << loaded.error().reason << "\n";
    return false;
  }
  if (*loaded != signer->public_key()) {
    err << "audit keygen: " << public_key.string() << " is not the public half of "
        << secret.string() << "; neither was changed\n";
    return false;
  }
  out << "kept " << secret.string() << " and " << public_key.string() << " (exist already)\n";
  return true;
}

bool EnsureAuditKey(const std::filesystem::path& path, std::ostream& out, std::ostream& err) {
  if (!Exists(path)) {
    if (!MakeKeyDirectory(path.parent_path(), err)) return false;
    return audit::RunAuditKeyKeygen(path, out, err) == kDone;
  }
  auto key = audit::AuditKey::Load(path);
  if (!key.ok()) {
    err << "audit keygen: " << key.error().path << " " << key.error().reason << "\n";
    return false;
  }
  out << "kept " << path.string() << " (exists already)\n";
  return true;
}

}  // namespace

int RunAuditVerifyCommand(const AuditVerifyCommandArgs& args, std::ostream& out,
                          std::ostream& err) {
  auto config = LoadConfig(args.config, "verify", err);
  if (!config) return kCannotRun;
  auto log = OpenLog(*config, "verify", /*migrate=*/false, err);
  if (!log) return kCannotRun;
  audit::AuditVerifyArgs verify;
  if (Exists(config->audit.public_key)) {
    verify.public_keys.push_back(config->audit.public_key);
  } else {
    // Not fatal: a rotated deployment may trust only older keys.
    err << "audit verify: " << config->audit.public_key.string()
        << " (audit.public_key) does not exist; it is not trusted\n";
  }
  for (const auto& key : config->audit.trusted_public_keys) verify.public_keys.push_back(key);
  for (const auto& key : args.public_keys) verify.public_keys.emplace_back(key);
  if (!args.signed_head.empty()) verify.signed_head = args.signed_head;
  verify.allow_unsigned = args.allow_unsigned;
  return audit::RunAuditVerify(*log, verify, out, err);
}

int RunAuditSubjectCommand(const AuditSubjectCommandArgs& args, std::ostream& out,
                           std::ostream& err) {
  auto config = LoadConfig(args.config, "subject", err);
  if (!config) return kCannotRun;
  auto log = OpenLog(*config, "subject", /*migrate=*/false, err);
  if (!log) return kCannotRun;
  audit::AuditSubjectArgs subject;
  subject.audit_key = config->audit.audit_key;
  subject.nhs_number = args.nhs_number;
  subject.police_ref = args.police_ref;
  std::optional<std::string> person_id = args.person_id;
  for (std::optional<std::string>* given : {&subject.nhs_number, &subject.police_ref, &person_id}) {
    if (!given->has_value() || **given != "-") continue;
    if (args.identifier_input == nullptr || !std::getline(*args.identifier_input, **given)) {
      err << "audit subject: '-' reads the identifier from standard input, which gave none\n";
      return kCannotRun;
    }
    if (!(*given)->empty() && (*given)->back() == '\r') (*given)->pop_back();
  }
  if (person_id) {
    subject.person_id = WithLaNumber(*person_id, config->registry, err);
    if (!subject.person_id) return kCannotRun;
  }
  subject.format = args.format;
  subject.searched_by = OperatingSystemAccount();
  // The search is appended to the audit like any other entry, through a
  // store of the tool's own (no payload keys: it seals nothing).
  auto store = app::OpenStoreForTool(
      config->store, std::make_shared<const crypto::Sealer>(std::make_shared<crypto::KeyRing>()),
      "subject");
  if (!store.ok()) {
    err << "audit subject: " << store.error() << '\n';
    return kCannotRun;
  }
  subject.record = [&store](const store::AuditRecord& record) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return (*store)->RecordAudit({record}, now).ok();
  };
  return audit::RunAuditSubject(*log, subject, out, err);
}

int RunAuditCheckpointCommand(const AuditConfigArgs& args, model::Timestamp now, std::ostream& out,
                              std::ostream& err) {
  auto config = LoadConfig(args.config, "checkpoint", err);
  if (!config) return kCannotRun;
  auto log = OpenLog(*config, "checkpoint", /*migrate=*/true, err);
  if (!log) return kCannotRun;
  return audit::RunAuditCheckpoint(*log, config->audit.signing_key, now, out, err);
}

int RunAuditExportHeadCommand(const AuditConfigArgs& args, std::ostream& out, std::ostream& err) {
  auto config = LoadConfig(args.config, "export-head", err);
  if (!config) return kCannotRun;
  auto log = OpenLog(*config, "export-head", /*migrate=*/false, err);
  if (!log) return kCannotRun;
  return audit::RunAuditExportHead(*log, out, err);
}

int RunAuditKeygenCommand(const AuditConfigArgs& args, std::ostream& out, std::ostream& err) {
  auto config = LoadConfig(args.config, "keygen", err);
  if (!config) return kCannotRun;
  // Both, even when the first fails, so one run shows everything to fix.
  const bool signing = EnsureSigningKeys(config->audit, out, err);
  const bool audit_key = EnsureAuditKey(config->audit.audit_key, out, err);
  return signing && audit_key ? kDone : kCannotRun;
}

}  // namespace isagw::cli
