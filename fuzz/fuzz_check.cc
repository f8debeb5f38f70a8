#include "fuzz/fuzz_check.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "gateway/config/yaml_stream.h"

namespace isagw::fuzz {
namespace {

constexpr std::size_t kShortest = 8;

// A code word (lower case, digits, '_' or '-') may be a field or code a
// reason names; anything else (capitals, spaces, punctuation, non-ASCII)
// is the kind of text personal data is made of.
bool Quotable(std::string_view value) {
  if (value.size() < kShortest) return false;
  for (char c : value) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!word) return true;
  }
  return false;
}

void CollectJson(const nlohmann::json& value, std::set<std::string>& keys,
                 std::vector<std::string>& out) {
  if (value.is_string()) {
    if (Quotable(value.get_ref<const std::string&>())) out.push_back(value.get<std::string>());
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      keys.insert(key);
      CollectJson(child, keys, out);
    }
  } else if (value.is_array()) {
    for (const auto& child : value) CollectJson(child, keys, out);
  }
}

// Values that are also keys of the document may fairly appear where a
// key is named (an unknown field's pointer): not counted.
std::vector<std::string> WithoutKeys(std::vector<std::string> values,
                                     const std::set<std::string>& keys) {
  std::erase_if(values, [&](const std::string& v) { return keys.contains(v); });
  return values;
}

void CollectXml(const xmlNode* node, std::vector<std::string>& out) {
  for (; node != nullptr; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content != nullptr) {
        std::string text(reinterpret_cast<const char*>(node->content));
        if (Quotable(text)) out.push_back(std::move(text));
      }
    }
    if (node->type == XML_ELEMENT_NODE) {
      for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        if (a->children != nullptr && a->children->content != nullptr) {
          std::string text(reinterpret_cast<const char*>(a->children->content));
          if (Quotable(text)) out.push_back(std::move(text));
        }
      }
      CollectXml(node->children, out);
    }
  }
}

bool ContainsIgnoringCase(std::string_view text, std::string_view part) {
  const auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  return std::search(text.begin(), text.end(), part.begin(), part.end(), same) != text.end();
}

// `budget` bounds the nodes visited and `depth` the recursion: aliases
// make a small file a large (or cyclic) graph, as in billion laughs.
void CollectYaml(const YAML::Node& node, std::set<std::string>& keys, std::vector<std::string>& out,
                 int& budget, int depth = 0) {
  if (--budget < 0 || depth > 100) return;
  if (node.IsScalar()) {
    if (Quotable(node.Scalar())) out.push_back(node.Scalar());
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) keys.insert(entry.first.Scalar());
      CollectYaml(entry.second, keys, out, budget, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (const auto& child : node) CollectYaml(child, keys, out, budget, depth + 1);
  }
}

// libxml2's error sinks: nothing of a fuzzed document reaches stderr.
void IgnoreXmlMessage(void* /*context*/, const char* /*format*/, ...) {}
void IgnoreXmlError(void* /*context*/, xmlErrorPtr /*error*/) {}

}  // namespace

void Require(bool holds, std::string_view property) {
  if (holds) return;
  std::fprintf(stderr, "isagw fuzz: property broken: %.*s\n", static_cast<int>(property.size()),
               property.data());
  std::abort();
}

void RequireWellFormedRefusal(std::string_view input, const FieldErrors& errors,
                              const std::vector<std::string>& values, const Refuse& refuse) {
  Require(!errors.empty(), "a refusal gives at least one reason");
  for (const FieldError& e : errors) {
    Require(!e.code.empty(), "every refusal has a code");
    Require(!e.reason.empty(), "every refusal has a reason");
    Require(e.pointer.empty() || e.pointer.front() == '/',
            "every refusal names its field as a JSON Pointer");
  }
  for (const std::string& value : values) {
    const bool in_a_reason = std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) {
      return ContainsIgnoringCase(e.reason, value);
    });
    if (!in_a_reason || input.find(value) == std::string_view::npos) continue;
    // "Zq" does not start or end a word of any reason the gateway writes.
    std::string canary;
    while (canary.size() < value.size()) canary += "Zq";
    canary.resize(value.size());
    std::string changed(input);
    for (std::size_t at = changed.find(value); at != std::string::npos;
         at = changed.find(value, at + canary.size())) {
      changed.replace(at, value.size(), canary);
    }
    for (const FieldError& e : refuse(changed)) {
      // Case-blind: a value may come back lower-cased (a media type).
      if (ContainsIgnoringCase(e.reason, canary)) {
        std::fprintf(stderr, "isagw fuzz: the reason of code %s at %s quotes an input value\n",
                     e.code.c_str(), e.pointer.c_str());
        Require(false, "a refusal never quotes a value");
      }
    }
  }
}

std::vector<std::string> JsonValues(std::string_view bytes) {
  const auto document = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> values;
  std::set<std::string> keys;
  if (!document.is_discarded()) CollectJson(document, keys, values);
  return WithoutKeys(std::move(values), keys);
}

std::vector<std::string> NdjsonValues(std::string_view bytes) {
  std::vector<std::string> values;
  std::set<std::string> keys;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    const auto document =
        nlohmann::json::parse(bytes.substr(0, end), nullptr, /*allow_exceptions=*/false);
    if (!document.is_discarded()) CollectJson(document, keys, values);
    if (end == std::string_view::npos) break;
    bytes.remove_prefix(end + 1);
  }
  return WithoutKeys(std::move(values), keys);
}

std::vector<std::string> XmlValues(std::string_view bytes) {
  std::vector<std::string> values;
  // No network, no entity expansion, no DTD loading: the gateway's own
  // reader refuses all of them, and so must this one. UTF-8 whatever the
  // declaration says, as the gateway reads it; and libxml2's encoding
  // errors, which bypass NOERROR, go nowhere rather than to stderr.
  xmlSetGenericErrorFunc(nullptr, IgnoreXmlMessage);
  xmlSetStructuredErrorFunc(nullptr, IgnoreXmlError);
  const int options =
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC;
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr, options),
      &xmlFreeDoc);
  if (doc) CollectXml(xmlDocGetRootElement(doc.get()), values);
  return values;
}

std::vector<std::string> CsvValues(std::string_view bytes) {
  std::vector<std::string> values;
  bool header = true;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    if (!header) {
      while (!line.empty()) {
        const std::size_t comma = line.find(',');
        std::string cell(line.substr(0, comma));
        std::erase(cell, '"');
        if (!cell.empty() && cell.back() == '\r') cell.pop_back();
        if (Quotable(cell)) values.push_back(std::move(cell));
        if (comma == std::string_view::npos) break;
        line.remove_prefix(comma + 1);
      }
    }
    header = false;
    if (end == std::string_view::npos) break;
    bytes.remove_prefix(end + 1);
  }
  return values;
}

std::vector<std::string> YamlValues(std::string_view bytes) {
  std::vector<std::string> values;
  std::set<std::string> keys;
  try {
    // Not YAML::LoadAll, which loops for ever on some streams
    // (gateway/config/yaml_stream.h); the loaders refuse a second document.
    int budget = 20000;
    CollectYaml(config::ReadYamlStream(std::string(bytes)).first, keys, values, budget);
  } catch (const YAML::Exception&) {
    // Malformed YAML: whatever was collected before the error.
  }
  return WithoutKeys(std::move(values), keys);
}

}  // namespace isagw::fuzz
