#include "gateway/policy/redactor.h"

#include <map>
#include <optional>

#include "gateway/policy/canonical_fields.h"
#include "gateway/policy/transforms.h"

namespace isagw::policy {
namespace {

// The copy under construction. Arrays are kept as maps from the input's
// index so that elements land in order and empty ones never appear.
struct OutNode {
  std::map<std::string, OutNode, std::less<>> members;
  std::map<std::size_t, OutNode> items;
  bool is_array = false;
  std::optional<nlohmann::json> value;

  nlohmann::json ToJson() && {
    if (value) return std::move(*value);
    if (is_array) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& [index, item] : items) out.push_back(std::move(item).ToJson());
      return out;
    }
    nlohmann::json out = nlohmann::json::object();
    for (auto& [key, member] : members) out[key] = std::move(member).ToJson();
    return out;
  }
};

std::vector<std::string> PointerTokens(const std::string& pointer) {
  std::vector<std::string> tokens;
  std::size_t pos = 1;
  while (pos <= pointer.size() && !pointer.empty()) {
    const std::size_t slash = pointer.find('/', pos);
    std::string token =
        pointer.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    std::string unescaped;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size()) {
        unescaped.push_back(token[i + 1] == '1' ? '/' : '~');
        ++i;
      } else {
        unescaped.push_back(token[i]);
      }
    }
    tokens.push_back(std::move(unescaped));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return tokens;
}

std::optional<std::size_t> Index(const std::string& token) {
  if (token.empty() || token.size() > 9) return std::nullopt;
  std::size_t value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

const nlohmann::json* Find(const nlohmann::json& document, const std::vector<std::string>& tokens) {
  const nlohmann::json* at = &document;
  for (const std::string& token : tokens) {
    if (at->is_object()) {
      auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      auto index = Index(token);
      if (!index || *index >= at->size()) return nullptr;
      at = &(*at)[*index];
    } else {
      return nullptr;
    }
  }
  return at;
}

// Places `value` at `tokens` in the copy; `path` (canonical tokens, "[]"
// where the pointer has an index) says which levels are arrays.
bool Place(OutNode& root, const std::vector<std::string>& tokens,
           const std::vector<std::string>& path, nlohmann::json value) {
  if (tokens.size() != path.size() || tokens.empty()) return false;
  OutNode* at = &root;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (path[i] == "[]") {
      auto index = Index(tokens[i]);
      if (!index) return false;
      at->is_array = true;
      at = &at->items[*index];
    } else {
      at = &at->members[tokens[i]];
    }
  }
  at->value = std::move(value);
  return true;
}

class KeyCache {
 public:
  explicit KeyCache(const KeyProvider& keys) : keys_(keys) {}
  const PseudonymKey* For(const std::string& isa_id) {
    auto it = cache_.find(isa_id);
    if (it == cache_.end()) it = cache_.emplace(isa_id, keys_.KeyFor(isa_id)).first;
    return it->second ? &*it->second : nullptr;
  }

 private:
  const KeyProvider& keys_;
  std::map<std::string, std::optional<PseudonymKey>> cache_;
};

// The value the recipient gets for one disclosed field, or the reason it
// cannot have one.
struct Transformed {
  std::optional<nlohmann::json> value;
  std::string withheld_reason;
};

Transformed Transform(const FieldDecision& field, const nlohmann::json& value,
                      const Decision& decision, KeyCache& keys) {
  if (field.fate == Fate::kSent) return {value, ""};
  if (!value.is_string()) return {std::nullopt, "not_transformable"};
  const std::string& text = value.get_ref<const std::string&>();
  std::optional<nlohmann::json> out;
  switch (field.fate) {
    case Fate::kMasked:
      if (!field.mask) break;
      switch (*field.mask) {
        case MaskKind::kPostcodeDistrict:
          if (auto district = PostcodeDistrict(text)) out = *district;
          break;
        case MaskKind::kPhone:
          if (auto phone = MaskPhone(text)) out = *phone;
          break;
        case MaskKind::kEmail:
          if (auto email = MaskEmail(text)) out = *email;
          break;
        case MaskKind::kMarker:
          out = std::string(kRedactedMarker);
          break;
      }
      break;
    case Fate::kGeneralised:
      if (!field.generalise) break;
      if (*field.generalise == GeneraliseKind::kAgeYears) {
        auto born = model::ParseIsoDate(text);
        auto age = born ? AgeInYears(*born, UkDate(decision.age_reference)) : std::nullopt;
        if (age) out = *age;
      } else if (auto day = UkDateOfTimestamp(text)) {
        out = *day;
      }
      break;
    case Fate::kPseudonymised: {
      const PseudonymKey* key = keys.For(field.isa_id);
      if (key == nullptr) return {std::nullopt, "key_missing"};
      out = Pseudonym(*key, text);
      break;
    }
    default:
      break;
  }
  if (!out) return {std::nullopt, "not_transformable"};
  return {std::move(out), ""};
}

}  // namespace

Result<RedactedCopy, std::string> Redact(const nlohmann::json& document, const Decision& decision,
                                         const KeyProvider& keys) {
  if (!decision.allowed)
    return Fail(decision.refusal.empty() ? std::string("refused") : decision.refusal);
  RedactedCopy copy;
  OutNode root;
  KeyCache key_cache(keys);
  for (const FieldDecision& field : decision.fields) {
    if (!Discloses(field.fate)) continue;
    std::vector<std::string> tokens = PointerTokens(field.pointer);
    std::vector<std::string> path = SplitFieldPath(field.path);
    const nlohmann::json* value = Find(document, tokens);
    if (value == nullptr || !(value->is_string() || value->is_number() || value->is_boolean())) {
      copy.withheld.push_back({field.pointer, "absent"});
      continue;
    }
    Transformed result = Transform(field, *value, decision, key_cache);
    if (!result.value) {
      copy.withheld.push_back({field.pointer, std::move(result.withheld_reason)});
      continue;
    }
    if (field.fate == Fate::kGeneralised && field.generalise == GeneraliseKind::kAgeYears) {
      // An age is not a date of birth: it travels as its own field.
      tokens.back() = "age_years";
      path.back() = "age_years";
    }
    if (!Place(root, tokens, path, std::move(*result.value))) {
      copy.withheld.push_back({field.pointer, "absent"});
    }
  }
  copy.document = std::move(root).ToJson();
  const auto* model_id =
      document.is_object() && document.contains("model") ? &document["model"] : nullptr;
  const auto* kind =
      document.is_object() && document.contains("kind") ? &document["kind"] : nullptr;
  if (model_id && model_id->is_string()) copy.document["model"] = *model_id;
  if (kind && kind->is_string()) copy.document["kind"] = *kind;
  return copy;
}

}  // namespace isagw::policy
