// `isagw translate --from FORMAT --to FORMAT [FILE]`: decode one message
// and encode it in another format. Errors are problem+json on stderr.
#pragma once

#include <iosfwd>
#include <string>

namespace isagw::cli {

struct TranslateArgs {
  std::string from;
  std::string to;
  std::string file;  // empty: read standard input
  bool lenient = false;
};

// Returns the process exit status: 0 on success, 2 when the input is
// refused (problem+json written to `err`).
int RunTranslate(const TranslateArgs& args, std::istream& in, std::ostream& out,
                 std::ostream& err);

}  // namespace isagw::cli
