#include "tests/support/example_gateway.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "gateway/policy/loader.h"
#include "gateway/registry/registry_loader.h"

namespace isagw::testing {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "example gateway: " << what << "\n";
  std::abort();
}

}  // namespace

std::shared_ptr<const pipeline::GatewayState> ExampleGatewayState() {
  static const auto state = [] {
    // The registry names a push recipient's CA file; an empty one will do.
    const fs::path dir =
        fs::temp_directory_path() / ("isagw-example-reg-" + std::to_string(::getpid()));
    fs::create_directories(dir / "out");
    fs::copy_file(ISAGW_SOURCE_DIR "/certs-example/registry.yaml", dir / "registry.yaml",
                  fs::copy_options::overwrite_existing);
    std::ofstream(dir / "out" / "receiver-ca.crt").flush();
    auto registry = registry::LoadAgencyRegistry(dir / "registry.yaml");
    fs::remove_all(dir);
    if (!registry.ok()) Die("the example registry does not load");
    std::set<std::string> ids;
    for (const auto& agency : registry->agencies()) ids.insert(agency.id);
    auto policies = policy::LoadPolicySet(ISAGW_SOURCE_DIR "/policies", ids);
    if (!policies.ok()) Die("the example policies do not load");

    auto keys = std::make_shared<policy::KeyRing>();
    unsigned char bytes[policy::PseudonymKey::kBytes] = {};
    for (const auto& isa : policies->agreements()) {
      bytes[0] = static_cast<unsigned char>(bytes[0] + 1);
      keys->Add(isa.id, policy::PseudonymKey(bytes));
    }
    pipeline::ChildLinkKey link_key{};
    link_key.fill(3);
    std::array<std::uint8_t, audit::AuditKey::kBytes> audit_bytes{};
    audit_bytes.fill(5);
    return std::make_shared<const pipeline::GatewayState>(
        pipeline::GatewayState{std::move(*registry), std::move(*policies), std::move(keys),
                               link_key, audit::AuditKey::FromBytes(audit_bytes)});
  }();
  return state;
}

std::shared_ptr<const crypto::Sealer> ExampleSealer() {
  auto ring = std::make_shared<crypto::KeyRing>();
  crypto::SecretKey key{};
  std::uint8_t fill = 1;
  for (const char* scope : {"inbound", "child-link", "isa-ISA-DERBY-2026", "isa-ISA-STAFFS-2026",
                            "isa-ISA-OOA-2026", "isa-ISA-PLACING-2026"}) {
    key.fill(fill++);
    ring->Add(scope, "k1", key);
  }
  return std::make_shared<crypto::Sealer>(ring);
}

}  // namespace isagw::testing
