// The non-delivery notice: what a sender receives when one of its
// message's deliveries is given up (dead-lettered), so that nothing fails
// silently. An RFC 9457 problem document (application/problem+json) that
// names the recipient, the delivery and the message, and why; it never
// carries anything from the payload.
#pragma once

#include <string>
#include <string_view>

#include "gateway/model/time.h"
#include "gateway/store/store.h"

namespace isagw::delivery {

inline constexpr const char* kNoticeFormat = "problem";
inline constexpr const char* kNoticeContentType = "application/problem+json";

struct NonDelivery {
  const store::Delivery* dead = nullptr;  // the delivery given up (payload unused)
  std::string sender;                     // agency id the notice goes to
  store::DeliveryMode sender_mode = store::DeliveryMode::kMailbox;
  std::string reason;  // bounded class: "http_400", "horizon_passed:connect_refused"...
  int attempts = 0;
  model::Timestamp given_up_at{};
  std::string scope;  // key scope the notice is sealed under
};

// The notice as an outbox row to the sender. Its id is the dead
// delivery's id + "-ndn", so recording the same death twice cannot make
// two notices.
store::Delivery BuildNonDeliveryNotice(const NonDelivery& facts);

// True for a delivery that is itself a notice: no notice is made about
// a notice that cannot be delivered (it would never end).
bool IsNonDeliveryNotice(const store::Delivery& delivery);

}  // namespace isagw::delivery
