#include "gateway/delivery/attempt_audit.h"

#include <nlohmann/json.hpp>

namespace isagw::delivery {

store::AuditRecord DeliveryAttemptAudit(const store::Delivery& delivery, int attempt,
                                        std::string_view outcome, int http_status,
                                        std::string_view error) {
  nlohmann::json body = {
      {"delivery_id", delivery.id},
      {"message_id", delivery.message_id},
      {"recipient", delivery.recipient},
      {"attempt", attempt},
      {"outcome", outcome},
  };
  if (http_status != 0) body["http_status"] = http_status;
  if (!error.empty()) body["error"] = error;
  return {"delivery_attempt", body.dump()};
}

store::AuditRecord NonDeliveryNoticeAudit(const store::Delivery& dead, std::string_view sender,
                                          std::string_view notice_id) {
  nlohmann::json body = {
      {"delivery_id", dead.id},
      {"message_id", dead.message_id},
      {"recipient", dead.recipient},
  };
  if (!sender.empty()) body["sender"] = sender;
  if (notice_id.empty()) {
    body["notice"] = "not_made";  // sender unknown, or the dead delivery was itself a notice
  } else {
    body["notice_id"] = notice_id;
  }
  return {"non_delivery_notice", body.dump()};
}

}  // namespace isagw::delivery
