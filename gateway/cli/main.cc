// isagw: the gateway's command-line tool.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "gateway/cli/audit_command.h"
#include "gateway/cli/policy_command.h"
#include "gateway/cli/report_command.h"
#include "gateway/cli/serve_command.h"
#include "gateway/cli/timers_command.h"
#include "gateway/cli/translate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"isagw: secure data-sharing gateway for children missing from home or care"};
  app.require_subcommand(1);

  isagw::cli::TranslateArgs translate;
  auto* translate_cmd = app.add_subcommand("translate", "Translate one message between formats");
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
  check_cmd->add_option("--registry", check.registry, "agency registry (YAML)")
      ->capture_default_str();

  isagw::cli::PolicyExplainArgs explain;
  auto* explain_cmd = policy_cmd->add_subcommand(
      "explain", "Show every field's fate for one message and one recipient");
  explain_cmd->add_option("--policies", explain.policies, "policy directory")->required();
  explain_cmd->add_option("--from", explain.from, "sending agency id")->required();
  explain_cmd->add_option("--to", explain.to, "receiving agency id")->required();
  explain_cmd->add_option("--format", explain.format, "format of FILE")->required();
  explain_cmd->add_option("file", explain.file, "the message (standard input when absent)");
  explain_cmd->add_option("--registry", explain.registry, "agency registry (YAML)")
      ->capture_default_str();
  explain_cmd->add_option("--keys", explain.keys, "pseudonymisation key directory");
  explain_cmd->add_option("--at", explain.at, "judge the ISAs at this RFC 3339 instant");
  explain_cmd->add_option("--host-la", explain.host_la,
                          "the host council the stored episode would give (an RHI names none)");
  explain_cmd->add_option("--placing-la", explain.placing_la,
                          "the placing council a placement notification would give");
  explain_cmd
      ->add_option("--as", explain.as_roles,
                   "the recipient's role(s) instead of the router's: police_force, host_la, "
                   "placing_la, commissioned_provider")
      ->allow_extra_args(false)
      ->delimiter(',');
  explain_cmd->add_flag("--json", explain.json, "JSON instead of a table");

  isagw::cli::PolicyTimersArgs timers;
  auto* timers_cmd = policy_cmd->add_subcommand(
      "timers", "Show an episode's safeguarding timers: when each fires and the rule that set it");
  timers_cmd->add_option("--config", timers.config, "gateway configuration (YAML): the store")
      ->required();
  timers_cmd->add_option("POLICE_REF", timers.police_ref, "the episode's police reference")
      ->required();
  timers_cmd->add_flag("--json", timers.json, "a JSON array instead of text");

  isagw::cli::ReportArgs report;
  auto* report_cmd = app.add_subcommand(
      "report", "One report for one agency: daily, kpis, repeats, hotspots, ssda903, annex-a");
  report_cmd->add_option("NAME", report.report, "which report")
      ->required()
      ->check(CLI::IsMember({"daily", "kpis", "repeats", "hotspots", "ssda903", "annex-a"}));
  report_cmd->add_option("--config", report.config, "gateway configuration (YAML)")->required();
  report_cmd->add_option("--agency", report.agency, "whose report: an agency id")->required();
  report_cmd->add_option("--period", report.period,
                         "YYYY-MM, YYYY-Qn, YYYY-YY (April to March) or YYYY-MM-DD..YYYY-MM-DD");
  report_cmd->add_option("--at", report.at, "run as at this RFC 3339 instant (default: now)");
  report_cmd->add_option("--format", report.format, "csv | json | html | png")
      ->capture_default_str();
  report_cmd->add_option("--table", report.table, "csv: which table (default: the first)");
  report_cmd->add_option("--chart", report.chart, "png: which chart, from 0")
      ->capture_default_str();
  report_cmd->add_option("--top", report.top, "rows in a ranking")->capture_default_str();
  report_cmd->add_option("--out", report.out, "write here instead of standard output");

  auto* audit_cmd = app.add_subcommand("audit", "Tamper-evident audit tools (docs/audit.md)");
  audit_cmd->require_subcommand(1);
  const std::string config_help = "gateway configuration (YAML): the store and audit keys";

  isagw::cli::AuditVerifyCommandArgs verify;
  auto* verify_cmd = audit_cmd->add_subcommand(
      "verify", "Check the audit chain and its signed checkpoints (exit 1 if altered)");
  verify_cmd->add_option("--config", verify.config, config_help)->required();
  verify_cmd->add_option("--signed-head", verify.signed_head,
                         "a head exported earlier that the log must still contain");
  verify_cmd->add_option("--public-key", verify.public_keys,
                         "a further trusted signer's public key (repeatable)");
  verify_cmd->add_flag("--allow-unsigned", verify.allow_unsigned,
                       "accept a log that no checkpoint covers yet");

  isagw::cli::AuditSubjectCommandArgs subject;
  std::string nhs, police_ref, person_id;
  auto* subject_cmd = audit_cmd->add_subcommand("subject", "List every disclosure about one child");
  subject_cmd->add_option("--config", subject.config, config_help)->required();
  auto* nhs_opt = subject_cmd->add_option(
      "--nhs", nhs, "the child's NHS number ('-': read it from standard input)");
  auto* police_ref_opt = subject_cmd->add_option(
      "--police-ref", police_ref, "a police occurrence reference ('-': from standard input)");
  auto* person_id_opt = subject_cmd->add_option(
      "--person-id", person_id,
      "LA:ID, LA a DfE LA number or a local authority's agency id ('-': from standard input)");
  nhs_opt->excludes(police_ref_opt)->excludes(person_id_opt);
  police_ref_opt->excludes(person_id_opt);
  subject_cmd->add_option("--format", subject.format, "table | csv | json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();

  isagw::cli::AuditConfigArgs checkpoint;
  auto* checkpoint_cmd =
      audit_cmd->add_subcommand("checkpoint", "Sign the chain's head now with audit.signing_key");
  checkpoint_cmd->add_option("--config", checkpoint.config, config_help)->required();

  isagw::cli::AuditConfigArgs export_head;
  auto* export_head_cmd = audit_cmd->add_subcommand(
      "export-head", "Print the latest signed head as JSON, for someone outside to keep");
  export_head_cmd->add_option("--config", export_head.config, config_help)->required();

  isagw::cli::AuditConfigArgs keygen;
  auto* keygen_cmd = audit_cmd->add_subcommand(
      "keygen", "Make the audit key and checkpoint signing key pair where missing");
  keygen_cmd->add_option("--config", keygen.config, config_help)->required();

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
  if (*timers_cmd) return isagw::cli::RunPolicyTimersCommand(timers, std::cout, std::cerr);
  if (*report_cmd) return isagw::cli::RunReportCommand(report, std::cout, std::cerr);
  if (*verify_cmd) return isagw::cli::RunAuditVerifyCommand(verify, std::cout, std::cerr);
  if (*subject_cmd) {
    // Options given, even empty, are passed on: RunAuditSubject judges them.
    if (nhs_opt->count() > 0) subject.nhs_number = nhs;
    if (police_ref_opt->count() > 0) subject.police_ref = police_ref;
    if (person_id_opt->count() > 0) subject.person_id = person_id;
    subject.identifier_input = &std::cin;
    return isagw::cli::RunAuditSubjectCommand(subject, std::cout, std::cerr);
  }
  if (*checkpoint_cmd) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return isagw::cli::RunAuditCheckpointCommand(checkpoint, now, std::cout, std::cerr);
  }
  if (*export_head_cmd) {
    return isagw::cli::RunAuditExportHeadCommand(export_head, std::cout, std::cerr);
  }
  if (*keygen_cmd) return isagw::cli::RunAuditKeygenCommand(keygen, std::cout, std::cerr);
  return 2;
}
