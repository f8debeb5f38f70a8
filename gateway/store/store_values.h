// How both stores write the Store's values into rows and read them back:
// times as whole seconds since the epoch (UTC), states and modes by their
// names, so SQLite and PostgreSQL rows compare and export alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/crypto/sealer.h"
#include "gateway/model/time.h"
#include "gateway/store/store.h"

namespace isagw::store {

inline std::int64_t ToSeconds(model::Timestamp t) { return t.time_since_epoch().count(); }
inline model::Timestamp FromSeconds(std::int64_t s) {
  return model::Timestamp{std::chrono::seconds{s}};
}

std::string_view DeliveryModeName(DeliveryMode mode);
std::optional<DeliveryState> ParseDeliveryState(std::string_view name);
std::optional<TimerState> ParseTimerState(std::string_view name);

// A payload that could not be sealed or opened, as a StoreError.
StoreError SealingError(crypto::SealError error);

}  // namespace isagw::store
