#include "gateway/cli/translate_command.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "adapters/translator.h"
#include "gateway/cli/exit_codes.h"
#include "gateway/common/problem.h"

namespace isagw::cli {
namespace {

int Refuse(std::ostream& err, Problem problem) {
  err << problem.ToJsonText() << '\n';
  return kExitRefused;
}

Problem UnsupportedFormat(const std::string& which) {
  return {problem_type::kUnsupportedFormat,
          "Unsupported format",
          415,
          which + " must be one of compact, council-xml, rhi, canonical",
          {}};
}

}  // namespace

int RunTranslate(const TranslateArgs& args, std::istream& in, std::ostream& out,
                 std::ostream& err) {
  const auto from = adapters::ParseFormat(args.from);
  if (!from) return Refuse(err, UnsupportedFormat("--from"));
  const auto to = adapters::ParseFormat(args.to);
  if (!to) return Refuse(err, UnsupportedFormat("--to"));

  std::string input;
  if (args.file.empty() || args.file == "-") {
    input.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(args.file, std::ios::binary);
    if (!file) {
      return Refuse(err, {problem_type::kMalformed,
                          "Input not readable",
                          400,
                          "the input file could not be opened",
                          {}});
    }
    input.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }

  adapters::DecodeOptions options;
  options.lenient = args.lenient;
  auto decoded = adapters::DecodeAs(*from, input, options);
  if (!decoded.ok()) return Refuse(err, InvalidMessage(std::move(decoded).error()));

  auto encoded = adapters::EncodeAs(*to, decoded->event);
  if (!encoded.ok()) {
    Problem problem = InvalidMessage(std::move(encoded).error());
    problem.type = problem_type::kNotRepresentable;
    problem.title = "The message cannot be expressed in the target format";
    problem.status = 422;
    return Refuse(err, std::move(problem));
  }
  out << *encoded;
  if (!encoded->empty() && encoded->back() != '\n') out << '\n';
  return 0;
}

}  // namespace isagw::cli
