// isagw: the gateway's command-line tool.
#include <CLI/CLI.hpp>
#include <iostream>

#include "gateway/cli/translate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"isagw: secure data-sharing gateway for children missing from home or care"};
  app.require_subcommand(1);

  isagw::cli::TranslateArgs translate;
  auto* translate_cmd =
      app.add_subcommand("translate", "Translate one message between formats");
  translate_cmd->add_option("--from", translate.from, "compact | council-xml | rhi | canonical")
      ->required();
  translate_cmd->add_option("--to", translate.to, "compact | council-xml | rhi | canonical")
      ->required();
  translate_cmd->add_option("file", translate.file, "input file (standard input when absent)");
  translate_cmd->add_flag("--lenient", translate.lenient,
                          "drop unknown fields instead of refusing them");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*translate_cmd) return isagw::cli::RunTranslate(translate, std::cin, std::cout, std::cerr);
  return 2;
}
