#include "gateway/store/sealed_acceptance.h"

#include "gateway/store/store_values.h"

namespace isagw::store {
namespace {

std::string Binding(std::string_view table, std::string_view key) {
  std::string out;
  out.reserve(table.size() + 1 + key.size());
  out.append(table).append(":").append(key);
  return out;
}

}  // namespace

std::string MessageBinding(std::string_view message_id) { return Binding("message", message_id); }
std::string EpisodeBinding(std::string_view police_ref) { return Binding("episode", police_ref); }
std::string DeliveryBinding(std::string_view delivery_id) {
  return Binding("delivery", delivery_id);
}

Result<std::string, StoreError> SealDelivery(const crypto::Sealer& sealer,
                                             const Delivery& delivery) {
  auto sealed = sealer.Seal(delivery.scope, delivery.payload, DeliveryBinding(delivery.id));
  if (!sealed.ok()) return Fail(SealingError(sealed.error()));
  return std::move(*sealed);
}

Result<SealedAcceptance, StoreError> SealAcceptance(const crypto::Sealer& sealer,
                                                    const Acceptance& acceptance) {
  SealedAcceptance out;
  out.acceptance = &acceptance;
  auto message = sealer.Seal(kInboundScope, acceptance.message.canonical_json,
                             MessageBinding(acceptance.message.id));
  if (!message.ok()) return Fail(SealingError(message.error()));
  out.message = std::move(*message);
  if (acceptance.episode) {
    auto episode = sealer.Seal(kInboundScope, acceptance.episode->snapshot_json,
                               EpisodeBinding(acceptance.episode->police_ref));
    if (!episode.ok()) return Fail(SealingError(episode.error()));
    out.episode = std::move(*episode);
  }
  out.deliveries.reserve(acceptance.deliveries.size());
  for (const Delivery& delivery : acceptance.deliveries) {
    auto payload = SealDelivery(sealer, delivery);
    if (!payload.ok()) return Fail(payload.error());
    out.deliveries.push_back(std::move(*payload));
  }
  return out;
}

std::vector<Result<SealedAcceptance, StoreError>> SealAcceptances(
    const crypto::Sealer& sealer, std::span<const Acceptance* const> acceptances) {
  std::vector<Result<SealedAcceptance, StoreError>> out;
  out.reserve(acceptances.size());
  for (const Acceptance* acceptance : acceptances) {
    out.push_back(SealAcceptance(sealer, *acceptance));
  }
  return out;
}

}  // namespace isagw::store
