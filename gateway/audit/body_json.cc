#include "gateway/audit/body_json.h"

namespace isagw::audit {

std::string DumpBody(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void PutChild(nlohmann::json& body, const std::vector<ChildPseudonym>& child) {
  if (child.empty()) return;
  body["child"] = child.front().str();
  if (child.size() > 1) {
    nlohmann::json aliases = nlohmann::json::array();
    for (std::size_t i = 1; i < child.size(); ++i) aliases.push_back(child[i].str());
    body["child_aliases"] = std::move(aliases);
  }
}

void PutChild(BodyWriter& w, const std::vector<ChildPseudonym>& child) {
  if (child.empty()) return;
  w.Member("child", child.front().str());
  if (child.size() > 1) {
    w.Key("child_aliases").BeginArray();
    for (std::size_t i = 1; i < child.size(); ++i) w.String(child[i].str());
    w.EndArray();
  }
}

std::string BodyReader::Pointer(std::string_view key) const {
  return JoinPointer(base_, std::string(key));
}

const nlohmann::json* BodyReader::Find(std::string_view key, bool required) {
  const auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) errors_.push_back({Pointer(key), "required", "the member is missing"});
    return nullptr;
  }
  return &*it;
}

std::string BodyReader::Text(std::string_view key, bool required) {
  const nlohmann::json* value = Find(key, required);
  if (value == nullptr) return {};
  if (!value->is_string()) {
    errors_.push_back({Pointer(key), "type", "must be a string"});
    return {};
  }
  return value->get<std::string>();
}

std::optional<std::int64_t> BodyReader::Integer(std::string_view key, bool required) {
  const nlohmann::json* value = Find(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    errors_.push_back({Pointer(key), "type", "must be an integer"});
    return std::nullopt;
  }
  return value->get<std::int64_t>();
}

const nlohmann::json* BodyReader::Array(std::string_view key, bool required) {
  const nlohmann::json* value = Find(key, required);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    errors_.push_back({Pointer(key), "type", "must be an array"});
    return nullptr;
  }
  return value;
}

}  // namespace isagw::audit
