// ParseInboxQuery: the query string of GET /v1/inbox, checked strictly.
// A typo ("limt=5") or an out-of-range limit is refused with a pointer
// such as "/query/limit" rather than silently ignored: an agency's system
// that asks for something it does not get should hear about it.
#pragma once

#include <string_view>

#include "gateway/common/problem.h"
#include "gateway/common/result.h"
#include "gateway/store/store.h"

namespace isagw::pipeline {

inline constexpr int kDefaultInboxLimit = 100;
inline constexpr int kMaxInboxLimit = 500;

// "limit=N&after=ID", both optional, each at most once. N is 1 to
// kMaxInboxLimit; ID looks like a delivery id. A 400 problem otherwise.
Result<store::MailboxQuery, Problem> ParseInboxQuery(std::string_view query);

}  // namespace isagw::pipeline
