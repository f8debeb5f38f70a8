#include "gateway/pipeline/inbox_query.h"

#include <charconv>
#include <string>

#include "gateway/server/api_router.h"
#include "gateway/server/http_message.h"

namespace isagw::pipeline {
Result<store::MailboxQuery, Problem> ParseInboxQuery(std::string_view query) {
  store::MailboxQuery parsed;
  parsed.limit = kDefaultInboxLimit;
  FieldErrors errors;
  bool seen_limit = false;
  bool seen_after = false;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2": an empty pair asks for nothing
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    // Names are echoed into the pointer only when they are known ones:
    // a query string is the caller's text and may hold anything.
    if (name == "limit") {
      if (seen_limit) {
        errors.push_back({"/query/limit", "duplicate", "is given more than once"});
        continue;
      }
      seen_limit = true;
      int limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (value.empty() || ec == std::errc::invalid_argument ||
          end != value.data() + value.size()) {
        errors.push_back({"/query/limit", "type", "is not a whole number"});
      } else if (ec == std::errc::result_out_of_range || limit < 1 || limit > kMaxInboxLimit) {
        errors.push_back(
            {"/query/limit", "range", "is not between 1 and " + std::to_string(kMaxInboxLimit)});
      } else {
        parsed.limit = limit;
      }
    } else if (name == "after") {
      if (seen_after) {
        errors.push_back({"/query/after", "duplicate", "is given more than once"});
        continue;
      }
      seen_after = true;
      // The rule every id in a path follows, so a cursor is spelled as its item.
      if (!server::IsValidResourceId(value)) {
        errors.push_back({"/query/after", "pattern", "is not a delivery id"});
      } else {
        parsed.after = std::string(value);
      }
    } else {
      errors.push_back({"/query", "unknown_field", "names a parameter other than limit and after"});
    }
  }
  if (errors.empty()) return parsed;
  Problem problem = server::MalformedRequestProblem("the mailbox query was refused");
  problem.errors = std::move(errors);
  return Fail(std::move(problem));
}

}  // namespace isagw::pipeline
