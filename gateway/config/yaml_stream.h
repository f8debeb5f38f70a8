// ReadYamlStream: the first document of a YAML stream and whether there is
// more than one, without YAML::LoadAll.
//
// yaml-cpp 0.7 (Debian 12) loops for ever, allocating, in LoadAll on a
// stream its parser cannot move past: a lone "," makes every call of
// Parser::HandleNextDocument report another empty document (yaml-cpp
// issue #1040; fixed upstream by PR #1319, after 0.7.0). Found by
// fuzz/config_fuzzer.cc. Every loader of the gateway's YAML files reads
// through this instead, which never asks the parser for a third document.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace isagw::config {

struct YamlStream {
  int documents = 0;  // 0, 1, or 2 for "more than one"
  YAML::Node first;   // Null when there is none
};

// Throws YAML::Exception on a syntax error, as yaml-cpp's own loaders do.
YamlStream ReadYamlStream(const std::string& text);

}  // namespace isagw::config
