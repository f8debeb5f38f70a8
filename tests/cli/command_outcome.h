// What a command function printed and returned, for the `isagw` command
// tests: each calls the function as main() would, with string streams.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace isagw::cli::testing {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs command(out, err) and keeps what it wrote.
template <typename Command>
Outcome Capture(Command command) {
  std::ostringstream out, err;
  Outcome outcome;
  outcome.code = command(out, err);
  outcome.out = out.str();
  outcome.err = err.str();
  return outcome;
}

inline bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace isagw::cli::testing
