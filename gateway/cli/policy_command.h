// `isagw policy check DIR` and `isagw policy explain ...`: the ISA tools
// (docs/isa-policy.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace isagw::cli {

struct PolicyCheckArgs {
  std::string dir;
  std::string registry = "certs-example/registry.yaml";
};

// 0 when the set is valid (its ISAs and notices are listed), 2 otherwise
// (every error, as file:line: key: reason).
int RunPolicyCheck(const PolicyCheckArgs& args, std::ostream& out, std::ostream& err);

struct PolicyExplainArgs {
  std::string policies;
  std::string registry = "certs-example/registry.yaml";
  std::string keys;  // pseudonymisation key directory; empty: none (such fields are withheld)
  std::string from;  // sender agency id
  std::string to;    // recipient agency id
  std::string format;
  std::string file;  // empty or "-": standard input
  std::string at;    // RFC 3339 instant the ISAs are judged at; empty: the message's own time
  // What a running gateway takes from the stored episode or a placement
  // notification, which a message alone may not carry (an RHI names no
  // council): agency ids of local authorities; empty: none known.
  std::string host_la;
  std::string placing_la;
  // The recipient's roles ("police_force", "host_la"...), instead of the
  // ones the router would give; empty: the router's.
  std::vector<std::string> as_roles;
  bool json = false;
};

int RunPolicyExplain(const PolicyExplainArgs& args, std::istream& in, std::ostream& out,
                     std::ostream& err);

}  // namespace isagw::cli
