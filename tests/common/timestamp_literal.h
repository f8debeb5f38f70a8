// A timestamp written as tests write them: At("2026-11-22T19:05:00Z").
#pragma once

#include <stdexcept>
#include <string>

#include "gateway/model/time.h"

namespace isagw::testing {

// Throws on a malformed literal: a mistake in the test, not in the code
// under test, and GoogleTest reports the exception against the test.
inline model::Timestamp At(const char* rfc3339) {
  auto parsed = model::ParseRfc3339(rfc3339);
  if (!parsed) throw std::invalid_argument(std::string("not an RFC 3339 time: ") + rfc3339);
  return *parsed;
}

}  // namespace isagw::testing
