#include "gateway/app/gateway_state_loader.h"

#include <set>
#include <utility>

#include "gateway/app/gateway_keys.h"
#include "gateway/policy/loader.h"
#include "gateway/safeguarding/rules_loader.h"

namespace isagw::app {

Result<LoadedState, std::string> LoadGatewayState(const config::GatewayConfig& config) {
  std::set<std::string> ids;
  for (const auto& agency : config.registry.agencies()) ids.insert(agency.id);
  auto policies = policy::LoadPolicySet(config.policies_dir, ids);
  if (!policies.ok()) {
    std::string detail = "policies: " + std::to_string(policies.error().size()) + " error(s)";
    if (!policies.error().empty()) detail += "; first: " + policy::Describe(policies.error()[0]);
    return Fail(std::move(detail));
  }
  // The safeguarding clock's rules live beside the ISAs.
  auto rules = safeguarding::LoadRuleSet(config.policies_dir / "safeguarding", config.registry);
  if (!rules.ok()) {
    std::string detail =
        "safeguarding rules: " + std::to_string(rules.error().size()) + " error(s)";
    if (!rules.error().empty()) detail += "; first: " + rules.error()[0].ToString();
    return Fail(std::move(detail));
  }
  auto keys = PrepareGatewayKeys(config, *policies);
  if (!keys.ok()) return Fail("keys: " + keys.error());

  LoadedState loaded;
  loaded.state = std::make_shared<const pipeline::GatewayState>(pipeline::GatewayState{
      config.registry, std::move(*policies), keys->pseudonyms, keys->child_link, keys->audit_key,
      std::make_shared<const safeguarding::RuleSet>(std::move(*rules))});
  loaded.sealing = keys->sealing;
  loaded.signer = keys->signer;
  loaded.keys_made = std::move(keys->made);
  return loaded;
}

}  // namespace isagw::app
