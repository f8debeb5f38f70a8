#include "gateway/policy/canonical_fields.h"

#include <iterator>

namespace isagw::policy {
namespace {

using T = FieldType;

// Keep in step with the canonical JSON form (docs/model.md and
// schemas/canonical.schema.json): a field missing here can never be sent.
constexpr CanonicalField kFields[] = {
    {"header.message_id", T::kIdentifier},
    {"header.sent_at", T::kTimestamp},
    {"header.from_la", T::kCode},
    {"header.to_la", T::kCode},

    {"child.forename", T::kName},
    {"child.surname", T::kName},
    {"child.date_of_birth", T::kDate},
    {"child.sex", T::kEnum},
    {"child.ethnicity.scheme", T::kEnum},
    {"child.ethnicity.code", T::kCode},
    {"child.nhs_number", T::kIdentifier},
    {"child.council_person_id.la", T::kCode},
    {"child.council_person_id.person_id", T::kIdentifier},
    {"child.home.text", T::kText},
    {"child.home.postcode", T::kPostcode},
    {"child.looked_after", T::kEnum},
    {"child.legal_status", T::kCode},
    {"child.responsible_la", T::kCode},
    {"child.placement.type", T::kCode},
    {"child.placement.postcode", T::kPostcode},
    {"child.placement.provider", T::kName},
    {"child.social_worker.name", T::kName},
    {"child.social_worker.team", T::kName},
    {"child.social_worker.phone", T::kPhone},
    {"child.social_worker.email", T::kEmail},

    {"episode.police_ref", T::kIdentifier},
    {"episode.force_code", T::kCode},
    {"episode.record_version", T::kInteger},
    {"episode.missing_type", T::kEnum},
    {"episode.missing_from", T::kEnum},
    {"episode.reported_at", T::kTimestamp},
    {"episode.last_seen_at", T::kTimestamp},
    {"episode.found_at", T::kTimestamp},
    {"episode.safe_and_well_at", T::kTimestamp},
    {"episode.last_seen_location.description", T::kText},
    {"episode.last_seen_location.postcode", T::kPostcode},
    {"episode.found_location.description", T::kText},
    {"episode.found_location.postcode", T::kPostcode},
    {"episode.found_by", T::kEnum},
    {"episode.safe_and_well_completed", T::kBoolean},
    {"episode.risk.level", T::kEnum},
    {"episode.risk.rationale", T::kText},
    {"episode.exploitation.cse", T::kBoolean},
    {"episode.exploitation.cce", T::kBoolean},
    {"episode.exploitation.county_lines", T::kBoolean},
    {"episode.exploitation.trafficking", T::kBoolean},
    {"episode.exploitation.radicalisation", T::kBoolean},
    {"episode.circumstances", T::kText},
    {"episode.officer_in_case", T::kName},
    {"episode.previous_episodes", T::kInteger},

    {"rhi.provider_id", T::kIdentifier},
    {"rhi.interview_id", T::kIdentifier},
    {"rhi.police_refs[]", T::kIdentifier},
    {"rhi.returned_at", T::kTimestamp},
    {"rhi.offered_at", T::kTimestamp},
    {"rhi.completed_at", T::kTimestamp},
    {"rhi.outcome", T::kEnum},
    {"rhi.outcome_reason", T::kText},
    {"rhi.conducted_by.name", T::kName},
    {"rhi.conducted_by.role", T::kName},
    {"rhi.conducted_by.independent_of_care", T::kBoolean},
    {"rhi.where_stayed[].description", T::kText},
    {"rhi.where_stayed[].town", T::kText},
    {"rhi.where_stayed[].postcode", T::kPostcode},
    {"rhi.with_whom[].name", T::kName},
    {"rhi.with_whom[].relationship", T::kText},
    {"rhi.with_whom[].approx_age", T::kInteger},
    {"rhi.with_whom[].adult_of_concern", T::kBoolean},
    {"rhi.push_factors[]", T::kEnum},
    {"rhi.pull_factors[]", T::kEnum},
    {"rhi.harm.physical", T::kBoolean},
    {"rhi.harm.sexual", T::kBoolean},
    {"rhi.harm.emotional", T::kBoolean},
    {"rhi.harm.substance_misuse", T::kBoolean},
    {"rhi.harm.criminal_activity", T::kBoolean},
    {"rhi.harm.self_harm", T::kBoolean},
    {"rhi.exploitation_indicators[]", T::kEnum},
    {"rhi.child_account", T::kText},
    {"rhi.disclosures", T::kText},
    {"rhi.child_views", T::kText},
    {"rhi.risks_identified[]", T::kText},
    {"rhi.actions[].type", T::kEnum},
    {"rhi.actions[].to", T::kText},
    {"rhi.actions[].detail", T::kText},
    {"rhi.consent.police", T::kBoolean},
    {"rhi.consent.placing_authority", T::kBoolean},
    {"rhi.consent.health", T::kBoolean},
    {"rhi.consent.overridden_reason", T::kText},

    {"escalation.reason", T::kEnum},
    {"escalation.raised_at", T::kTimestamp},
    {"escalation.episode_count", T::kInteger},
    {"escalation.window_days", T::kInteger},
    {"escalation.detail", T::kText},
};

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

std::vector<CanonicalNode> BuildTree() {
  std::vector<CanonicalNode> nodes(1);
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    int at = 0;
    const std::vector<std::string> tokens = SplitFieldPath(kFields[i].path);
    for (std::size_t t = 0; t < tokens.size(); ++t) {
      const bool last = t + 1 == tokens.size();
      const bool next_is_array = !last && tokens[t + 1] == "[]";
      int child = nodes[static_cast<std::size_t>(at)].Child(tokens[t]);
      if (child < 0) {
        CanonicalNode node;
        node.shape =
            last ? CanonicalNode::Shape::kLeaf
                 : (next_is_array ? CanonicalNode::Shape::kArray : CanonicalNode::Shape::kObject);
        if (last) node.field = static_cast<int>(i);
        child = static_cast<int>(nodes.size());
        nodes.push_back(std::move(node));
        nodes[static_cast<std::size_t>(at)].children.emplace_back(tokens[t], child);
      }
      at = child;
    }
  }
  return nodes;
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case T::kText:
      return "text";
    case T::kName:
      return "name";
    case T::kIdentifier:
      return "identifier";
    case T::kCode:
      return "code";
    case T::kEnum:
      return "enum";
    case T::kDate:
      return "date";
    case T::kTimestamp:
      return "timestamp";
    case T::kPostcode:
      return "postcode";
    case T::kPhone:
      return "phone";
    case T::kEmail:
      return "email";
    case T::kInteger:
      return "integer";
    case T::kBoolean:
      return "boolean";
  }
  return "unknown";
}

std::span<const CanonicalField> CanonicalFields() { return kFields; }

std::optional<std::size_t> FindCanonicalField(std::string_view path) {
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    if (kFields[i].path == path) return i;
  }
  return std::nullopt;
}

std::vector<std::string> SplitFieldPath(std::string_view path) {
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t dot = path.find('.', pos);
    std::string_view part = path.substr(pos, dot == std::string_view::npos ? path.npos : dot - pos);
    bool array = false;
    if (part.size() > 2 && part.substr(part.size() - 2) == "[]") {
      array = true;
      part.remove_suffix(2);
    }
    if (part.empty()) return {};
    if (part != "*" && part != "**") {
      for (char c : part) {
        if (!IsNameChar(c)) return {};
      }
    } else if (array) {
      return {};  // "*[]" and "**[]" are not part of the language
    }
    tokens.emplace_back(part);
    if (array) tokens.emplace_back("[]");
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return tokens;
}

int CanonicalNode::Child(std::string_view name) const {
  for (const auto& [key, index] : children) {
    if (key == name) return index;
  }
  return -1;
}

const std::vector<CanonicalNode>& CanonicalTree() {
  // Built once from the constant table; never changes afterwards.
  static const std::vector<CanonicalNode> tree = BuildTree();
  return tree;
}

}  // namespace isagw::policy
