// How an HTTP answer to a push is read: which statuses mean delivered,
// retry later, or give up; and when the recipient asked us to come back.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "gateway/delivery/pusher.h"
#include "gateway/model/time.h"

namespace isagw::delivery {

// 2xx delivered; 3xx (redirects are not followed) and 4xx other than 408,
// 425 and 429 permanent; anything else (5xx, odd statuses) retry. `retry_after` is the
// raw Retry-After header value (empty when absent).
PushResult ClassifyResponse(int status, std::string_view retry_after, model::Timestamp now);

// A Retry-After value (RFC 9110 10.2.3): delay-seconds or an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"). A date in the past is zero.
// nullopt when malformed (then the backoff alone decides).
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, model::Timestamp now);

}  // namespace isagw::delivery
