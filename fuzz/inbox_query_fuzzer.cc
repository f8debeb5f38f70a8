// Fuzz target: the query string of GET /v1/inbox (pipeline/inbox_query).
// A refusal is a 400 problem naming "/query/..." and never quoting the
// query; an acceptance is within the documented limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "gateway/pipeline/inbox_query.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using isagw::fuzz::Require;
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  auto parsed = isagw::pipeline::ParseInboxQuery(query);
  if (parsed.ok()) {
    Require(parsed->limit >= 1 && parsed->limit <= isagw::pipeline::kMaxInboxLimit,
            "an accepted limit is 1 to kMaxInboxLimit");
    return 0;
  }
  Require(parsed.error().status == 400, "a bad query is a 400");
  for (const auto& e : parsed.error().errors) {
    Require(e.pointer.starts_with("/query"), "a bad query's pointer is under /query");
  }
  // The values are whatever follows each '='.
  std::vector<std::string> values;
  for (std::string_view rest = query; !rest.empty();) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (const std::size_t eq = pair.find('=');
        eq != std::string_view::npos && eq + 9 <= pair.size()) {
      values.emplace_back(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  const auto refuse = [](std::string_view other) {
    auto again = isagw::pipeline::ParseInboxQuery(other);
    return again.ok() ? isagw::FieldErrors{} : again.error().errors;
  };
  isagw::fuzz::RequireWellFormedRefusal(query, parsed.error().errors, values, refuse);
  return 0;
}
