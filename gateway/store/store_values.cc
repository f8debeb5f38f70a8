#include "gateway/store/store_values.h"

#include <string>

namespace isagw::store {

std::string_view TimerStateName(TimerState state) {
  switch (state) {
    case TimerState::kArmed:
      return "armed";
    case TimerState::kFired:
      return "fired";
    case TimerState::kCancelled:
      return "cancelled";
    case TimerState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kAvailable:
      return "available";
    case DeliveryState::kAcked:
      return "acked";
    case DeliveryState::kDead:
      return "dead";
  }
  return "unknown";
}

std::string_view DeliveryModeName(DeliveryMode mode) {
  return mode == DeliveryMode::kPush ? "push" : "mailbox";
}

std::optional<DeliveryState> ParseDeliveryState(std::string_view name) {
  for (auto state : {DeliveryState::kPending, DeliveryState::kDelivered, DeliveryState::kAvailable,
                     DeliveryState::kAcked, DeliveryState::kDead}) {
    if (DeliveryStateName(state) == name) return state;
  }
  return std::nullopt;
}

std::optional<TimerState> ParseTimerState(std::string_view name) {
  for (auto state :
       {TimerState::kArmed, TimerState::kFired, TimerState::kCancelled, TimerState::kFailed}) {
    if (TimerStateName(state) == name) return state;
  }
  return std::nullopt;
}

StoreError SealingError(crypto::SealError error) {
  return {StoreErrorKind::kSealing, std::string(crypto::Describe(error))};
}

}  // namespace isagw::store
