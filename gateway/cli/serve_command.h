// `isagw serve --config FILE`: the gateway's main job.
#pragma once

#include <iosfwd>
#include <string>

namespace isagw::cli {

struct ServeArgs {
  std::string config;
};

// Runs until SIGTERM/SIGINT drains it. 0 after a clean stop, 2 when the
// configuration, keys or store refused to load.
int RunServe(const ServeArgs& args, std::ostream& out, std::ostream& err);

}  // namespace isagw::cli
