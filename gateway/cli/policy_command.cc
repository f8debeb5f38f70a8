#include "gateway/cli/policy_command.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <utility>

#include "adapters/translator.h"
#include "gateway/cli/exit_codes.h"
#include "gateway/common/problem.h"
#include "gateway/pipeline/explain_message.h"
#include "gateway/policy/explain.h"
#include "gateway/policy/key_provider.h"
#include "gateway/policy/loader.h"
#include "gateway/policy/policy_error.h"
#include "gateway/registry/registry_loader.h"

namespace isagw::cli {
namespace {

// The registry's agencies, or nullopt after printing why it did not load.
std::optional<registry::AgencyRegistry> LoadRegistry(const std::string& path, std::ostream& err) {
  auto loaded = registry::LoadAgencyRegistry(path);
  if (!loaded.ok()) {
    err << "the agency registry " << path << " did not load:\n";
    for (const auto& e : loaded.error()) err << "  " << e.ToString() << '\n';
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::set<std::string> AgencyIds(const registry::AgencyRegistry& registry) {
  std::set<std::string> ids;
  for (const auto& agency : registry.agencies()) ids.insert(agency.id);
  return ids;
}

// The command has always checked in this order and said only the first
// mistake found; ExplainMessage gathers its own at once (for a form), so a
// mistake's place in this order decides which is said.
enum class Step { kAgencies, kFormat, kCouncilsAndRoles, kFile, kMessage, kAt };

Step StepOf(const FieldError& error) {
  if (error.pointer == "/from" || error.pointer == "/to") return Step::kAgencies;
  if (error.pointer.starts_with(pipeline::kMessagePointer)) return Step::kMessage;
  return Step::kCouncilsAndRoles;
}

// The option a field of the request came from, and the value given.
std::pair<std::string_view, std::string_view> OptionOf(std::string_view pointer,
                                                       const PolicyExplainArgs& args) {
  if (pointer == "/host_la") return {"--host-la", args.host_la};
  if (pointer == "/placing_la") return {"--placing-la", args.placing_la};
  std::size_t index = 0;  // "/as_roles/N"
  const std::string_view digits = pointer.substr(pointer.rfind('/') + 1);
  std::from_chars(digits.data(), digits.data() + digits.size(), index);
  return {"--as", index < args.as_roles.size() ? args.as_roles[index] : std::string_view()};
}

// Says the mistakes of `problem` at its first step in words the command
// has always used. Here values are named: they are the caller's own
// arguments, not the message's.
void PrintMistakes(const Problem& problem, const PolicyExplainArgs& args, std::ostream& err) {
  Step first = Step::kMessage;
  for (const auto& e : problem.errors) first = std::min(first, StepOf(e));
  if (first == Step::kAgencies) {
    const bool sender = std::any_of(problem.errors.begin(), problem.errors.end(),
                                    [](const FieldError& e) { return e.pointer == "/from"; });
    err << "unknown agency: " << (sender ? args.from : args.to) << '\n';
  } else if (first == Step::kCouncilsAndRoles) {
    bool role_said = false;  // only the first role that is none, as ever
    for (const auto& e : problem.errors) {
      if (StepOf(e) != first) continue;
      const bool role = e.pointer.starts_with("/as_roles");
      if (role && role_said) continue;
      role_said = role_said || role;
      const auto [option, value] = OptionOf(e.pointer, args);
      err << option << ": " << value << ' ' << e.reason << '\n';
    }
  } else {
    // The decoder's own errors, as `isagw translate` and the API give them.
    FieldErrors errors;
    for (const auto& e : problem.errors) {
      errors.push_back({e.pointer.substr(pipeline::kMessagePointer.size()), e.code, e.reason});
    }
    err << InvalidMessage(std::move(errors)).ToJsonText() << '\n';
  }
}

// The notes in the command's words: they name its options.
std::string NoteText(const pipeline::ExplainNote& note, const pipeline::ExplainResult& result) {
  const policy::Decision& decision = result.decision;
  switch (note.kind) {
    case pipeline::ExplainNoteKind::kRolesGiven:
      return "explaining with " + decision.recipient + " in the role(s) given by --as";
    case pipeline::ExplainNoteKind::kNotRouted:
      return "the router would not send this message to " + decision.recipient +
             "; explaining as if it did";
    case pipeline::ExplainNoteKind::kNoHostCouncil:
      return "no host council follows from the message alone; a running gateway takes it from "
             "the stored episode: give --host-la (and --placing-la), or --as";
    case pipeline::ExplainNoteKind::kSenderHasNoRole:
      return decision.sender + " has no role for this message" +
             (result.host_la.empty() ? " (no host council is known: give --host-la)" : "");
  }
  return note.text;
}

// The message from `file` ("" or "-": `in`), or nullopt when it cannot be read.
std::optional<std::string> ReadMessage(const std::string& file, std::istream& in) {
  if (file.empty() || file == "-") {
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
}

}  // namespace

int RunPolicyCheck(const PolicyCheckArgs& args, std::ostream& out, std::ostream& err) {
  auto registry = LoadRegistry(args.registry, err);
  if (!registry) return kExitRefused;
  auto loaded = policy::LoadPolicySet(args.dir, AgencyIds(*registry));
  if (!loaded.ok()) {
    err << args.dir << ": " << loaded.error().size() << " error(s); nothing was applied\n";
    for (const auto& e : loaded.error()) err << "  " << policy::Describe(e) << '\n';
    return kExitRefused;
  }
  out << args.dir << ": valid, " << loaded->agreements().size() << " ISA(s), "
      << loaded->flows().size() << " flow(s), " << loaded->hash() << '\n';
  for (const auto& isa : loaded->agreements()) out << "  " << isa.id << '\n';
  for (const auto& notice : loaded->notices())
    out << "  notice: " << policy::Describe(notice) << '\n';
  return 0;
}

int RunPolicyExplain(const PolicyExplainArgs& args, std::istream& in, std::ostream& out,
                     std::ostream& err) {
  auto registry = LoadRegistry(args.registry, err);
  if (!registry) return kExitRefused;
  auto policies = policy::LoadPolicySet(args.policies, AgencyIds(*registry));
  if (!policies.ok()) {
    for (const auto& e : policies.error()) err << policy::Describe(e) << '\n';
    return kExitRefused;
  }
  policy::KeyRing keys;  // none: such fields are withheld
  if (!args.keys.empty()) {
    auto loaded = policy::LoadKeyDirectory(args.keys);
    if (!loaded.ok()) {
      for (const auto& e : loaded.error()) err << policy::Describe(e) << '\n';
      return kExitRefused;
    }
    keys = std::move(*loaded);
  }

  // The command line's own mistakes, each said only when ExplainMessage
  // finds none at an earlier step (placeholders stand in meanwhile).
  std::optional<std::pair<Step, std::string>> mistake;
  pipeline::ExplainRequest request;
  request.from = args.from;
  request.to = args.to;
  request.host_la = args.host_la;
  request.placing_la = args.placing_la;
  request.as_roles = args.as_roles;
  if (const auto format = adapters::ParseFormat(args.format)) {
    request.format = *format;
  } else {
    mistake.emplace(Step::kFormat, "--format must be one of compact, council-xml, rhi, canonical");
  }
  std::string input;
  if (!mistake) {
    if (auto read = ReadMessage(args.file, in)) {
      input = std::move(*read);
    } else {
      mistake.emplace(Step::kFile, "cannot read " + args.file);
    }
  }
  request.message = input;
  if (!mistake && !args.at.empty()) {
    if (const auto at = model::ParseRfc3339(args.at)) {
      request.at = *at;
    } else {
      mistake.emplace(Step::kAt, "--at must be an RFC 3339 instant");
    }
  }

  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto explained = pipeline::ExplainMessage(*registry, *policies, keys, request, now);
  if (!explained.ok()) {
    const auto& errors = explained.error().errors;
    const bool earlier = !mistake || std::any_of(errors.begin(), errors.end(), [&](const auto& e) {
      return StepOf(e) < mistake->first;
    });
    if (earlier) {
      PrintMistakes(explained.error(), args, err);
      return kExitRefused;
    }
  }
  if (mistake) {
    err << mistake->second << '\n';
    return kExitRefused;
  }

  const pipeline::ExplainResult& result = *explained;
  for (const auto& note : result.notes) err << "note: " << NoteText(note, result) << '\n';
  const policy::Decision& decision = result.decision;
  if (args.json) {
    out << policy::ExplainJson(decision, result.copy ? &*result.copy : nullptr).dump(2) << '\n';
  } else {
    out << policy::ExplainTable(decision);
    if (result.copy) {
      for (const auto& withheld : result.copy->withheld) {
        out << "withheld at redaction: " << withheld.pointer << " (" << withheld.reason << ")\n";
      }
    }
  }
  return decision.allowed ? 0 : 1;
}

}  // namespace isagw::cli
