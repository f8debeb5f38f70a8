#include "gateway/app/gateway_keys.h"

#include <sodium.h>

#include <algorithm>
#include <set>
#include <system_error>

#include "gateway/audit/audit_entries.h"

namespace isagw::app {
namespace {

store::AuditRecord KeyAdded(std::string kind, std::string scope, std::string key_id) {
  audit::KeyRotatedEntry entry;
  entry.key_kind = std::move(kind);
  entry.scope = std::move(scope);
  entry.action = "added";
  entry.key_id = std::move(key_id);
  return audit::ToAuditRecord(entry);
}

std::string Describe(const audit::KeyFileError& e) { return e.path + ": " + e.reason; }

void MakeParent(const std::filesystem::path& file) {
  std::error_code ignored;  // a failure shows when the file is written
  std::filesystem::create_directories(file.parent_path(), ignored);
}

// The sealing ring with a current key in every scope the gateway uses.
Result<crypto::KeyRing, std::string> LoadSealingKeys(const std::filesystem::path& scopes_dir,
                                                     const std::set<std::string>& scopes,
                                                     std::vector<store::AuditRecord>& made) {
  std::error_code ignored;
  std::filesystem::create_directories(scopes_dir, ignored);
  auto ring = crypto::KeyRing::Load(scopes_dir);
  if (!ring.ok()) return Fail(ring.error().path + ": " + ring.error().reason);
  bool any = false;
  for (const std::string& scope : scopes) {
    if (ring->Current(scope)) continue;
    auto generated = crypto::GenerateKeyFile(scopes_dir, scope, "k1");
    if (!generated.ok()) return Fail(generated.error().path + ": " + generated.error().reason);
    made.push_back(
        KeyAdded(scope.starts_with("pseudonym-") ? "pseudonymisation" : "payload", scope, "k1"));
    any = true;
  }
  if (any) {
    ring = crypto::KeyRing::Load(scopes_dir);
    if (!ring.ok()) return Fail(ring.error().path + ": " + ring.error().reason);
  }
  return std::move(*ring);
}

}  // namespace

Result<GatewayKeys, std::string> PrepareGatewayKeys(const config::GatewayConfig& config,
                                                    const policy::PolicySet& policies) {
  std::vector<store::AuditRecord> made;
  std::set<std::string> scopes = {"inbound", "child-link"};
  for (const auto& isa : policies.agreements()) {
    scopes.insert("isa-" + isa.id);
    scopes.insert("pseudonym-" + isa.id);
  }
  auto ring = LoadSealingKeys(config.store.key_dir / "scopes", scopes, made);
  if (!ring.ok()) return Fail(ring.error());
  auto sealing = std::make_shared<crypto::KeyRing>(std::move(*ring));

  auto pseudonyms = std::make_shared<policy::KeyRing>();
  for (const auto& isa : policies.agreements()) {
    const auto entry = sealing->Current("pseudonym-" + isa.id);
    unsigned char bytes[policy::PseudonymKey::kBytes];
    std::copy(entry->key->begin(), entry->key->end(), bytes);
    pseudonyms->Add(isa.id, policy::PseudonymKey(bytes));
    sodium_memzero(bytes, sizeof bytes);
  }
  pipeline::ChildLinkKey child_link{};
  const auto link = sealing->Current("child-link");
  std::copy(link->key->begin(), link->key->end(), child_link.begin());

  const auto& settings = config.audit;
  if (!std::filesystem::exists(settings.audit_key)) {
    MakeParent(settings.audit_key);
    if (auto key = audit::GenerateAuditKeyFile(settings.audit_key); !key.ok()) {
      return Fail(Describe(key.error()));
    }
    made.push_back(KeyAdded("audit", "", settings.audit_key.filename().string()));
  }
  auto audit_key = audit::AuditKey::Load(settings.audit_key);
  if (!audit_key.ok()) return Fail(Describe(audit_key.error()));

  const bool make_pair = !std::filesystem::exists(settings.signing_key);
  if (make_pair) {
    MakeParent(settings.signing_key);
    MakeParent(settings.public_key);
    auto pair = audit::GenerateSigningKeyFiles(settings.signing_key, settings.public_key);
    if (!pair.ok()) return Fail(Describe(pair.error()));
  }
  auto signer = audit::CheckpointSigner::Load(settings.signing_key);
  if (!signer.ok()) return Fail(Describe(signer.error()));
  if (make_pair) {
    made.push_back(KeyAdded("audit_signing", "", audit::PublicKeyText(signer->public_key())));
  }

  GatewayKeys keys{std::move(sealing),
                   std::move(pseudonyms),
                   child_link,
                   std::move(*audit_key),
                   std::make_shared<const audit::CheckpointSigner>(std::move(*signer)),
                   std::move(made)};
  return keys;
}

}  // namespace isagw::app
