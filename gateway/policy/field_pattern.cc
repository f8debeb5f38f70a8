#include "gateway/policy/field_pattern.h"

#include "gateway/policy/canonical_fields.h"

namespace isagw::policy {
namespace {

// Glob match of pattern tokens p[i..] against exactly the path tokens t[j..n).
bool MatchFrom(const std::vector<std::string>& p, std::size_t i, const std::vector<std::string>& t,
               std::size_t j, std::size_t n) {
  if (i == p.size()) return j == n;
  if (p[i] == "**") {
    for (std::size_t k = j; k <= n; ++k) {
      if (MatchFrom(p, i + 1, t, k, n)) return true;
    }
    return false;
  }
  if (j == n) return false;
  if (p[i] == "*") {
    if (t[j] == "[]") return false;
  } else if (p[i] != t[j]) {
    return false;
  }
  return MatchFrom(p, i + 1, t, j + 1, n);
}

}  // namespace

Result<FieldPattern, std::string> FieldPattern::Parse(std::string_view text) {
  if (text.empty()) return Fail(std::string("a field pattern is empty"));
  if (text.size() > 200) return Fail(std::string("a field pattern is longer than 200 characters"));
  std::vector<std::string> tokens = SplitFieldPath(text);
  if (tokens.empty()) {
    return Fail(std::string(
        "a field pattern must be names [a-z0-9_], '[]', '*' or '**' separated by dots"));
  }
  // "**.**" means the same as "**"; collapsing keeps matching linear.
  std::vector<std::string> collapsed;
  for (std::string& token : tokens) {
    if (token == "**" && !collapsed.empty() && collapsed.back() == "**") continue;
    collapsed.push_back(std::move(token));
  }
  return FieldPattern(std::string(text), std::move(collapsed));
}

bool FieldPattern::Covers(std::string_view leaf_path) const {
  const std::vector<std::string> leaf = SplitFieldPath(leaf_path);
  // The leaf itself or any object or array above it.
  for (std::size_t n = leaf.size(); n >= 1; --n) {
    if (MatchFrom(tokens_, 0, leaf, 0, n)) return true;
  }
  return false;
}

bool FieldPattern::IsExact() const {
  for (const std::string& token : tokens_) {
    if (token == "*" || token == "**") return false;
  }
  return true;
}

}  // namespace isagw::policy
