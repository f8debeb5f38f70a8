#include "gateway/config/yaml_stream.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>

namespace isagw::config {
namespace {

// Listens to nothing: the parser is only asked whether documents remain.
class IgnoreEvents final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

YamlStream ReadYamlStream(const std::string& text) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  IgnoreEvents ignore;
  YamlStream stream;
  while (stream.documents < 2 && parser.HandleNextDocument(ignore)) ++stream.documents;
  // YAML::Load reads the first document alone: one HandleNextDocument.
  stream.first = stream.documents == 0 ? YAML::Node(YAML::NodeType::Null) : YAML::Load(text);
  return stream;
}

}  // namespace isagw::config
