// isagw: the gateway's command-line tool.
#include <CLI/CLI.hpp>
#include <iostream>

#include "gateway/cli/policy_command.h"
#include "gateway/cli/serve_command.h"
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

  isagw::cli::ServeArgs serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the gateway");
  serve_cmd->add_option("--config", serve.config, "gateway configuration (YAML)")->required();

  auto* policy_cmd = app.add_subcommand("policy", "Information Sharing Agreement tools");
  policy_cmd->require_subcommand(1);

  isagw::cli::PolicyCheckArgs check;
  auto* check_cmd = policy_cmd->add_subcommand("check", "Validate a directory of ISA files");
  check_cmd->add_option("dir", check.dir, "policy directory")->required();
  check_cmd->add_option("--registry", check.registry, "agency registry (YAML)")->capture_default_str();

  isagw::cli::PolicyExplainArgs explain;
  auto* explain_cmd = policy_cmd->add_subcommand(
      "explain", "Show every field's fate for one message and one recipient");
  explain_cmd->add_option("--policies", explain.policies, "policy directory")->required();
  explain_cmd->add_option("--from", explain.from, "sending agency id")->required();
  explain_cmd->add_option("--to", explain.to, "receiving agency id")->required();
  explain_cmd->add_option("--format", explain.format, "format of FILE")->required();
  explain_cmd->add_option("file", explain.file, "the message (standard input when absent)");
  explain_cmd->add_option("--registry", explain.registry, "agency registry (YAML)")->capture_default_str();
  explain_cmd->add_option("--keys", explain.keys, "pseudonymisation key directory");
  explain_cmd->add_option("--at", explain.at, "judge the ISAs at this RFC 3339 instant");
  explain_cmd->add_flag("--json", explain.json, "JSON instead of a table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*translate_cmd) return isagw::cli::RunTranslate(translate, std::cin, std::cout, std::cerr);
  if (*serve_cmd) return isagw::cli::RunServe(serve, std::cout, std::cerr);
  if (*check_cmd) return isagw::cli::RunPolicyCheck(check, std::cout, std::cerr);
  if (*explain_cmd) {
    return isagw::cli::RunPolicyExplain(explain, std::cin, std::cout, std::cerr);
  }
  return 2;
}
