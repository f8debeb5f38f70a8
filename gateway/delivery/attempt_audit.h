// The audit record of one push attempt ("delivery_attempt"): which
// delivery, to whom, which attempt, what came of it and why. Never the
// payload, never anything the recipient said beyond its status code.
#pragma once

#include <string_view>

#include "gateway/delivery/pusher.h"
#include "gateway/store/store.h"

namespace isagw::delivery {

// outcome: "delivered", "retry", "dead" or "deferred" (not attempted: the
// recipient's circuit breaker was open, or it has no push endpoint).
store::AuditRecord DeliveryAttemptAudit(const store::Delivery& delivery, int attempt,
                                        std::string_view outcome, int http_status,
                                        std::string_view error);

// The record that a non-delivery notice was made (or could not be).
store::AuditRecord NonDeliveryNoticeAudit(const store::Delivery& dead, std::string_view sender,
                                          std::string_view notice_id);

}  // namespace isagw::delivery
