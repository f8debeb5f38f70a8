// `isagw policy timers --config FILE POLICE_REF [--json]`: the safeguarding
// timers of one episode (docs/safeguarding.md, "Seeing an episode's
// timers"), so that someone asked "why did (or will) this escalate?" can
// answer from the store without reading SQL: each timer's kind, state,
// due time (UTC and UK local), the rule that set it, why and who it
// notifies, and what ended it. Timers hold no personal data, and nothing
// else of the store is opened.
//
// Exit codes: 0 listed (none is a listing too), 2 the command could not run
// (a configuration that does not load, a bad reference, a missing store).
#pragma once

#include <iosfwd>
#include <string>

namespace isagw::cli {

struct PolicyTimersArgs {
  std::string config;
  std::string police_ref;  // the episode: its police occurrence reference
  bool json = false;       // a JSON array instead of text
};

int RunPolicyTimersCommand(const PolicyTimersArgs& args, std::ostream& out, std::ostream& err);

}  // namespace isagw::cli
