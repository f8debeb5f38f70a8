#include "gateway/delivery/non_delivery_notice.h"

#include <nlohmann/json.hpp>

#include "gateway/common/problem.h"

namespace isagw::delivery {

store::Delivery BuildNonDeliveryNotice(const NonDelivery& facts) {
  const store::Delivery& dead = *facts.dead;
  nlohmann::json problem = {
      {"type", problem_type::kNonDelivery},
      {"title", "A delivery could not be made"},
      {"detail", "Delivery " + dead.id + " of message " + dead.message_id + " to " +
                     dead.recipient + " was given up (" + facts.reason + ") after " +
                     std::to_string(facts.attempts) +
                     (facts.attempts == 1 ? " attempt." : " attempts.")},
      {"message_id", dead.message_id},
      {"delivery_id", dead.id},
      {"recipient", dead.recipient},
      {"reason", facts.reason},
      {"attempts", facts.attempts},
      {"given_up_at", model::FormatTimestamp(facts.given_up_at)},
  };
  store::Delivery notice;
  notice.id = dead.id + "-ndn";
  notice.message_id = dead.message_id;
  notice.recipient = facts.sender;
  // Notices need no order among themselves: each has a line of its own.
  notice.ordering_key = "ndn|" + notice.id;
  notice.mode = facts.sender_mode;
  notice.format = kNoticeFormat;
  notice.content_type = kNoticeContentType;
  notice.scope = facts.scope;
  notice.payload = problem.dump();
  return notice;
}

bool IsNonDeliveryNotice(const store::Delivery& delivery) {
  return delivery.format == kNoticeFormat;
}

}  // namespace isagw::delivery
