#include "gateway/policy/redactor.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/field_error.h"
#include "gateway/policy/transforms.h"

namespace isagw::policy {
namespace {

// The copy under construction. Arrays keep the input's index of each
// element so that elements land in order and empty ones never appear.
// Keys are views into the decision's pointers (or literals): the copy's
// strings are made once, in ToJson.
struct OutNode {
  std::map<std::string_view, OutNode, std::less<>> members;
  // Array elements, and the input's index of each, ascending. (Two
  // vectors: a vector of pairs would need OutNode complete here.)
  std::vector<OutNode> items;
  std::vector<std::size_t> item_indices;
  bool is_array = false;
  std::optional<nlohmann::json> value;

  OutNode& Member(std::string_view key) { return members[key]; }

  // Decisions come in document order, so an element is nearly always the
  // last one or a new one at the end; any other order still works.
  OutNode& Item(std::size_t index) {
    is_array = true;
    auto at = std::lower_bound(item_indices.begin(), item_indices.end(), index);
    const auto position = at - item_indices.begin();
    if (at == item_indices.end() || *at != index) {
      item_indices.insert(at, index);
      items.emplace(items.begin() + position);
    }
    return items[static_cast<std::size_t>(position)];
  }

  nlohmann::json ToJson() && {
    if (value) return std::move(*value);
    if (is_array) {
      nlohmann::json out = nlohmann::json::array();
      for (OutNode& item : items) out.push_back(std::move(item).ToJson());
      return out;
    }
    nlohmann::json out = nlohmann::json::object();
    for (auto& [key, member] : members) out[std::string(key)] = std::move(member).ToJson();
    return out;
  }
};

// A JSON Pointer's reference tokens. A token holding an escape ("~0",
// "~1") is unescaped into `spelled`, which must outlive the tokens (a
// deque: its strings stay where they are as it grows). The pointers of
// canonical fields hold no escape, so this makes no string.
bool PointerTokens(std::string_view pointer, std::vector<std::string_view>& tokens,
                   std::deque<std::string>& spelled) {
  tokens.clear();
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  std::size_t pos = 1;
  while (true) {
    const std::size_t slash = pointer.find('/', pos);
    std::string_view token =
        pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (token.find('~') != std::string_view::npos) {
      spelled.push_back(UnescapePointerToken(token));
      token = spelled.back();
    }
    tokens.push_back(token);
    if (slash == std::string_view::npos) return true;
    pos = slash + 1;
  }
}

std::optional<std::size_t> Index(std::string_view token) {
  if (token.empty() || token.size() > 9) return std::nullopt;
  std::size_t value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

// One level of a leaf's place in the document: the index of an array
// element, or nullopt for an object member.
using Steps = std::vector<std::optional<std::size_t>>;

// The value at `tokens` in `document`, or nullptr; `steps` says which
// levels were arrays, so that Place need not walk the document again.
const nlohmann::json* Find(const nlohmann::json& document,
                           const std::vector<std::string_view>& tokens, Steps& steps) {
  steps.clear();
  const nlohmann::json* at = &document;
  for (const std::string_view token : tokens) {
    if (at->is_object()) {
      auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
      steps.emplace_back(std::nullopt);
    } else if (at->is_array()) {
      auto index = Index(token);
      if (!index || *index >= at->size()) return nullptr;
      at = &(*at)[*index];
      steps.emplace_back(index);
    } else {
      return nullptr;
    }
  }
  return at;
}

// The copy's node for the leaf Find found: each level of the copy is an
// array exactly where the document's is. The leaf is named `leaf_key`.
OutNode& Place(OutNode& root, const std::vector<std::string_view>& tokens, const Steps& steps,
               std::string_view leaf_key) {
  OutNode* out = &root;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (steps[i]) {
      out = &out->Item(*steps[i]);
    } else {
      out = &out->Member(i + 1 == tokens.size() ? leaf_key : tokens[i]);
    }
  }
  return *out;
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
  std::vector<std::string_view> tokens;
  std::deque<std::string> spelled;
  Steps steps;
  for (const FieldDecision& field : decision.fields) {
    if (!Discloses(field.fate)) continue;
    spelled.clear();
    if (!PointerTokens(field.pointer, tokens, spelled) || tokens.empty()) {
      copy.withheld.push_back({field.pointer, "absent"});
      continue;
    }
    const nlohmann::json* value = Find(document, tokens, steps);
    if (value == nullptr || !(value->is_string() || value->is_number() || value->is_boolean())) {
      copy.withheld.push_back({field.pointer, "absent"});
      continue;
    }
    Transformed result = Transform(field, *value, decision, key_cache);
    if (!result.value) {
      copy.withheld.push_back({field.pointer, std::move(result.withheld_reason)});
      continue;
    }
    // An age is not a date of birth: it travels as its own field.
    const bool age =
        field.fate == Fate::kGeneralised && field.generalise == GeneraliseKind::kAgeYears;
    Place(root, tokens, steps, age ? std::string_view("age_years") : tokens.back()).value =
        std::move(*result.value);
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
